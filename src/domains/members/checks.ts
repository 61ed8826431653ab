import { DateTime } from 'luxon';
import { mexicoCityDate } from '../../lib/clock.ts';
import {
  AppError,
  type ErrorCode,
  errorDefinition,
  type FieldError,
  type LocalisedText,
} from '../../lib/errors.ts';

/**
 * Field-by-field checks of what a person typed, gathered so that one answer names every field at
 * fault (a form shows each message at its field), not only the first.
 */

/** The error's own sentence, in both languages, as the message at its field. */
export function sentenceOf(code: string): LocalisedText {
  const definition = errorDefinition(code);
  if (!definition) throw new Error(`Unknown error code ${code}`);
  return { es: definition.es, en: definition.en };
}

/** A domain error about one field: the field and what to do, in both languages. */
export function fieldError(
  code: ErrorCode,
  field: string,
  localised: LocalisedText = sentenceOf(code),
): AppError {
  return new AppError(code, { errors: [{ field, message: localised.en, localised }] });
}

interface Found {
  code: ErrorCode;
  error: FieldError;
  extensions?: Record<string, unknown> | undefined;
}

/**
 * The problems found so far: the schema's (a validation-only request still runs the domain checks
 * on the fields the schema accepted) and the domain's. Thrown as one problem: the code they share,
 * or VALIDATION_FAILED when they differ, with every field in `errors`.
 */
export class FieldProblems {
  private readonly found: Found[];

  constructor(schemaErrors: FieldError[] = []) {
    this.found = schemaErrors.map((error) => ({ code: 'VALIDATION_FAILED', error }));
  }

  add(
    code: ErrorCode,
    field: string,
    localised: LocalisedText = sentenceOf(code),
    extensions?: Record<string, unknown>,
  ): void {
    this.found.push({ code, error: { field, message: localised.en, localised }, extensions });
  }

  /**
   * An AppError from a check that knows its field (e.g. the password policy), added as it is; one
   * that concerns no field is thrown at once.
   */
  addError(error: AppError): void {
    if (!error.options.errors?.length) throw error;
    for (const e of error.options.errors) {
      this.found.push({ code: error.code, error: e, extensions: error.options.extensions });
    }
  }

  /** True when `field` (`body/titular/email`) or a part or parent of it already has a problem. */
  has(field: string): boolean {
    return this.found.some(
      ({ error }) =>
        error.field === field || error.field.startsWith(`${field}/`) || field.startsWith(`${error.field}/`),
    );
  }

  /** Every problem found, in the order found: its code, field and sentence in both languages. */
  list(): { code: ErrorCode; field: string; localised: LocalisedText }[] {
    return this.found.map(({ code, error }) => ({
      code,
      field: error.field,
      localised: error.localised ?? { es: error.message, en: error.message },
    }));
  }

  get empty(): boolean {
    return this.found.length === 0;
  }

  throwIfAny(): void {
    if (this.found.length === 0) return;
    const codes = new Set(this.found.map((f) => f.code));
    const [only] = codes;
    const code = codes.size === 1 && only ? only : 'VALIDATION_FAILED';
    const extensions = Object.assign({}, ...this.found.map((f) => f.extensions ?? {}));
    throw new AppError(code, {
      errors: this.found.map((f) => f.error),
      ...(code !== 'VALIDATION_FAILED' && Object.keys(extensions).length > 0 ? { extensions } : {}),
    });
  }
}

/** What is wrong with a birth date, or null: not a real date, in the future, or before 1900. */
export function birthDateProblem(value: string, now: Date): LocalisedText | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !DateTime.fromISO(value, { zone: 'utc' }).isValid) {
    return {
      es: 'Esa fecha no existe. Revisa el día, el mes y el año.',
      en: 'That date does not exist. Check the day, month and year.',
    };
  }
  if (value > mexicoCityDate(now)) {
    return {
      es: 'La fecha de nacimiento no puede ser futura.',
      en: 'The birth date cannot be in the future.',
    };
  }
  if (value < '1900-01-01') {
    return {
      es: 'Revisa el año: la fecha es anterior a 1900.',
      en: 'Check the year: the date is before 1900.',
    };
  }
  return null;
}

/** A birth date, or BIRTH_DATE_INVALID at `field`. */
export function parseBirthDate(value: string, field: string, now: Date): string {
  const problem = birthDateProblem(value, now);
  if (problem) throw fieldError('BIRTH_DATE_INVALID', field, problem);
  return value;
}

/** Reads a request body that may not have passed its schema: only strings, only where it is an object. */
export function stringAt(value: unknown, ...path: string[]): string | undefined {
  let at: unknown = value;
  for (const key of path) {
    if (!at || typeof at !== 'object' || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return typeof at === 'string' ? at : undefined;
}

export function objectAt(value: unknown, key: string): boolean {
  if (!value || typeof value !== 'object') return false;
  const at = (value as Record<string, unknown>)[key];
  return !!at && typeof at === 'object' && !Array.isArray(at);
}
