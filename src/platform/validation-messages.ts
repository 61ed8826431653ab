import type { LocalisedText } from '../lib/errors.ts';

/** One error as AJV (Fastify's validator) reports it. */
export interface AjvError {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** The calendar-date pattern the schemas use (`1985-03-15`). */
const ISO_DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';

const text = (es: string, en: string): LocalisedText => ({ es, en });

const REQUIRED = text('Este dato es obligatorio.', 'This is required.');
const NOT_VALID = text('Este dato no es válido.', 'This value is not valid.');
const WRONG_FORMAT = text('No tiene el formato correcto.', 'This is not in the right format.');
const CHOOSE = text('Elige una de las opciones permitidas.', 'Choose one of the allowed options.');
const DATE = text(
  'Escribe una fecha completa: día, mes y año.',
  'Enter a complete date: day, month and year.',
);

const FORMATS: Record<string, LocalisedText> = {
  email: text(
    'Escribe un correo electrónico válido, por ejemplo nombre@correo.com.',
    'Enter a valid email address, for example name@example.com.',
  ),
  date: DATE,
  'date-time': text('Escribe una fecha y hora válidas.', 'Enter a valid date and time.'),
  uuid: text('No es un identificador válido.', 'This is not a valid identifier.'),
  uri: text('Escribe una dirección web válida.', 'Enter a valid web address.'),
};

const TYPES: Record<string, LocalisedText> = {
  integer: text('Escribe un número entero.', 'Enter a whole number.'),
  number: text('Escribe un número.', 'Enter a number.'),
  boolean: text('Elige sí o no.', 'Choose yes or no.'),
  string: text('Escribe un texto.', 'Enter some text.'),
};

/** A text holding U+0000, another control character or half a surrogate pair (src/lib/text.ts). */
export const UNSTORABLE_TEXT = text(
  'Quita los caracteres invisibles o de control de este texto.',
  'Remove the invisible or control characters from this text.',
);

const count = (value: unknown) => (typeof value === 'number' ? value : Number(value));

/**
 * What a person reads for one schema error, in Spanish and English, in the program's voice. A
 * mapping by AJV keyword rather than ajv-i18n: its Spanish names schema keywords and properties
 * ("debe coincidir con el formato \"email\"", "debe tener la propiedad requerida …") and has slips
 * ("deber ser", "és", English for `discriminator`); a form shows these under a labelled field, so
 * they say what to do, not which rule failed. Keywords not listed here get a plain "not valid".
 */
export function validationMessage(error: AjvError): LocalisedText {
  const p = error.params;
  switch (error.keyword) {
    case 'required':
      return REQUIRED;
    case 'minLength': {
      const n = count(p.limit);
      return n <= 1 ? REQUIRED : text(`Escribe al menos ${n} caracteres.`, `Use at least ${n} characters.`);
    }
    case 'maxLength': {
      const n = count(p.limit);
      return text(`Escribe como máximo ${n} caracteres.`, `Use at most ${n} characters.`);
    }
    case 'format':
      return FORMATS[String(p.format)] ?? WRONG_FORMAT;
    case 'pattern':
      return p.pattern === ISO_DATE_PATTERN ? DATE : WRONG_FORMAT;
    case 'type':
      return TYPES[String(p.type)] ?? WRONG_FORMAT;
    case 'minimum':
      return text(`Escribe un número de ${p.limit} o más.`, `Enter a number of ${p.limit} or more.`);
    case 'exclusiveMinimum':
      return text(`Escribe un número mayor que ${p.limit}.`, `Enter a number greater than ${p.limit}.`);
    case 'maximum':
      return text(`Escribe un número de ${p.limit} o menos.`, `Enter a number of ${p.limit} or less.`);
    case 'exclusiveMaximum':
      return text(`Escribe un número menor que ${p.limit}.`, `Enter a number less than ${p.limit}.`);
    case 'enum':
    case 'const':
    case 'anyOf':
    case 'oneOf':
      return CHOOSE;
    case 'minItems': {
      const n = count(p.limit);
      return text(`Elige al menos ${n}.`, `Choose at least ${n}.`);
    }
    case 'maxItems': {
      const n = count(p.limit);
      return text(`Elige como máximo ${n}.`, `Choose at most ${n}.`);
    }
    // A query or path number that only coercion made infinite (`?limit=1e309`): src/platform/validation.ts.
    case 'finite':
      return text(
        'Escribe un número dentro del rango permitido.',
        'Enter a number within the allowed range.',
      );
    case 'additionalProperties':
      return text('Este dato no se acepta aquí.', 'This field is not accepted here.');
    default:
      return NOT_VALID;
  }
}
