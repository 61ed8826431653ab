import { type CodesOf, defineErrors } from '../../lib/errors.ts';

/**
 * The imports domain's codes: the file's (answered as a problem, or kept as the run's stop code)
 * and the row's (the error report's `codigo`, beside contracting's own codes).
 */
export const ImportErrors = defineErrors({
  /** No such import run. */
  IMPORT_NOT_FOUND: {
    status: 404,
    es: 'No encontramos esa importación.',
    en: 'We could not find that import.',
  },
  /** The body is not a CSV file (`Content-Type: text/csv`). */
  IMPORT_CONTENT_TYPE: {
    status: 415,
    es: 'Envía el archivo como text/csv (UTF-8).',
    en: 'Send the file as text/csv (UTF-8).',
  },
  /** The file is larger than an upload may be (`maxBytes`); from the CLI any size is read. */
  IMPORT_FILE_TOO_LARGE: {
    status: 413,
    es: 'El archivo es demasiado grande para subirlo. Divídelo o impórtalo con la línea de comandos.',
    en: 'The file is too large to upload. Split it or import it with the command line.',
  },
  /** The file has no header row. */
  IMPORT_FILE_EMPTY: {
    status: 422,
    es: 'El archivo está vacío: falta la fila de encabezados.',
    en: 'The file is empty: the header row is missing.',
  },
  /** The header row is not the documented layout: columns missing, unknown or repeated (`errors`). */
  IMPORT_HEADER_INVALID: {
    status: 422,
    es: 'Los encabezados del archivo no corresponden al formato (docs/bank-files.md).',
    en: 'The file’s headers do not match the layout (docs/bank-files.md).',
  },
  /** Bytes that are not UTF-8: the file is read no further (rows before that line were imported). */
  IMPORT_FILE_NOT_UTF8: {
    status: 422,
    es: 'El archivo no está en UTF-8 a partir de esta línea; no se leyó el resto.',
    en: 'The file is not UTF-8 from this line on; the rest was not read.',
  },
  /** A quote opened and never closed: the file is read no further. */
  IMPORT_UNTERMINATED_QUOTE: {
    status: 422,
    es: 'Unas comillas abiertas en esta línea nunca se cierran; no se leyó el resto.',
    en: 'A quote opened on this line is never closed; the rest was not read.',
  },
  /** A row longer than any sale can be (a quote left open, most likely): read no further. */
  IMPORT_ROW_TOO_LONG: {
    status: 422,
    es: 'La fila que empieza en esta línea es demasiado larga (¿comillas sin cerrar?); no se leyó el resto.',
    en: 'The row starting on this line is too long (an unclosed quote?); the rest was not read.',
  },
  /** Row: quotes used against RFC 4180 (a quote inside an unquoted value, text after a closing quote). */
  ROW_MALFORMED: {
    status: 422,
    es: 'La fila usa mal las comillas: un valor con comas, comillas o saltos de línea va entre comillas dobles, y una comilla dentro se escribe doble ("").',
    en: 'The row misuses quotes: a value with commas, quotes or line breaks goes in double quotes, and a quote inside it is written twice ("").',
  },
  /** Row: not as many values as the header has columns. */
  ROW_FIELD_COUNT: {
    status: 422,
    es: 'La fila no tiene tantos valores como columnas el encabezado.',
    en: 'The row does not have as many values as the header has columns.',
  },
  /** Row: a required column is empty. */
  VALUE_REQUIRED: {
    status: 422,
    es: 'Falta este dato.',
    en: 'This value is missing.',
  },
  /** Row: a value longer than the column allows (`maxLength` in the layout). */
  VALUE_TOO_LONG: {
    status: 422,
    es: 'El dato es más largo de lo permitido para esta columna.',
    en: 'The value is longer than this column allows.',
  },
  /** Row: characters Libra does not store (control characters, U+0000). */
  VALUE_UNSTORABLE: {
    status: 422,
    es: 'El dato contiene caracteres de control que no se pueden guardar.',
    en: 'The value holds control characters that cannot be stored.',
  },
  /** Row: not an email address. */
  EMAIL_INVALID: {
    status: 422,
    es: 'Escribe un correo electrónico válido, como nombre@ejemplo.com.',
    en: 'Enter a valid email address, like name@example.com.',
  },
  /** Row: the bank's reference holds characters other than letters, digits and `-_./`. */
  BANK_REFERENCE_INVALID: {
    status: 422,
    es: 'La referencia del banco solo puede tener letras, números y los signos - _ . /',
    en: 'The bank reference may hold only letters, digits and - _ . /',
  },
  /** Row: a beneficiary's kind is not spouse, child or additional_cardholder. */
  BENEFICIARY_KIND_INVALID: {
    status: 422,
    es: 'El tipo de beneficiario debe ser spouse (cónyuge), child (hijo o hija) o additional_cardholder (tarjetahabiente adicional).',
    en: 'The beneficiary kind must be spouse, child or additional_cardholder.',
  },
});

declare module '../../lib/errors.ts' {
  interface ErrorCodes extends CodesOf<typeof ImportErrors> {}
}
