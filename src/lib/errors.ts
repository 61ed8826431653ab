/**
 * One error type for the whole platform. Every failure a client can see has a stable `code`
 * (what scripts and the web apps switch on), an HTTP status, and a sentence in Spanish and
 * English (what people read). The error handler turns an AppError into RFC 9457 problem+json;
 * anything that is not an AppError becomes a generic 500 that leaks nothing.
 */

export type Language = 'es' | 'en';

export interface ErrorDefinition {
  status: number;
  /** What happened and what to do, in the program's voice (es-MX). */
  es: string;
  en: string;
}

export type ErrorCatalogue<C extends string = string> = Record<C, ErrorDefinition>;

/**
 * Every registered code, as a type, so that a misspelt code fails `tsc` instead of throwing
 * "Unknown error code" at run time. lib cannot import the domains, so each catalogue adds its own
 * codes by augmenting this interface next to its `defineErrors` call:
 *
 *   declare module '../../lib/errors.ts' {
 *     interface ErrorCodes extends CodesOf<typeof CatalogErrors> {}
 *   }
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging from every errors.ts.
export interface ErrorCodes {}

/** A registered error code (the union of every catalogue's keys). */
export type ErrorCode = keyof ErrorCodes & string;

/** The shape a catalogue contributes to `ErrorCodes`: its codes as keys. */
export type CodesOf<T extends ErrorCatalogue> = Record<keyof T & string, true>;

const registry = new Map<string, ErrorDefinition>();

/**
 * Registers a domain's error codes. Codes are global and stable: registering the same code twice
 * with a different meaning is a programming error and fails at start-up, not in production.
 */
export function defineErrors<C extends string>(catalogue: ErrorCatalogue<C>): ErrorCatalogue<C> {
  for (const [code, definition] of Object.entries<ErrorDefinition>(catalogue)) {
    const existing = registry.get(code);
    if (existing && (existing.status !== definition.status || existing.en !== definition.en)) {
      throw new Error(`Error code ${code} is defined twice with different meanings`);
    }
    registry.set(code, definition);
  }
  return catalogue;
}

export function errorDefinition(code: string): ErrorDefinition | undefined {
  return registry.get(code);
}

export function registeredErrorCodes(): string[] {
  return [...registry.keys()].sort();
}

/** A sentence in both languages Libra speaks. */
export type LocalisedText = Record<Language, string>;

export interface FieldError {
  /** JSON pointer-ish path of the offending field, e.g. `/titular/email` or `querystring/limit`. */
  field: string;
  /** In English: what logs and the CLI show, and what clients read when `localised` is absent. */
  message: string;
  /** What people read, in the request's language (problem+json picks one by Accept-Language). */
  localised?: LocalisedText;
}

export interface AppErrorOptions {
  /** Overrides the catalogue's sentence (already localised or English) with a more specific one. */
  detail?: string;
  /**
   * A more specific sentence in both languages (an eligibility reason); the problem document picks
   * the request's, where `detail` alone would speak one language to everyone.
   */
  localisedDetail?: LocalisedText;
  /** Offending fields for validation failures. */
  errors?: FieldError[];
  /** Extra machine-readable members added to the problem document. */
  extensions?: Record<string, unknown>;
  /** Extra response headers (e.g. Retry-After). */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly options: AppErrorOptions;

  /** `code` is checked by the compiler; the registry check stays for codes that come from data. */
  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    const definition = registry.get(code);
    if (!definition) throw new Error(`Unknown error code ${code}: define it with defineErrors() first`);
    super(
      options.detail ?? definition.en,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'AppError';
    this.code = code;
    this.status = definition.status;
    this.options = options;
  }
}

/** Platform-wide codes: the ones every route can produce regardless of its domain. */
export const PlatformErrors = defineErrors({
  /** The request body, query or parameters do not match the schema; `errors` lists the fields. */
  VALIDATION_FAILED: {
    status: 400,
    es: 'Algunos datos no son válidos. Revisa los campos marcados e inténtalo de nuevo.',
    en: 'Some fields are not valid. Check the listed fields and try again.',
  },
  /** The body is not parseable JSON. */
  MALFORMED_JSON: {
    status: 400,
    es: 'El cuerpo de la solicitud no es JSON válido.',
    en: 'The request body is not valid JSON.',
  },
  /** The request is not well formed HTTP for this route (bad Content-Length, bad headers, …). */
  MALFORMED_REQUEST: {
    status: 400,
    es: 'La solicitud no está bien formada.',
    en: 'The request is not well formed.',
  },
  /**
   * The JSON body nests deeper than the server accepts (`maxDepth` says how deep); refused before
   * it is parsed.
   */
  JSON_TOO_DEEP: {
    status: 400,
    es: 'El cuerpo de la solicitud tiene demasiados niveles anidados.',
    en: 'The request body is nested too deeply.',
  },
  /** The path is not a valid URL: a percent escape that is not UTF-8 (`%E0%A4%A`), for instance. */
  MALFORMED_URL: {
    status: 400,
    es: 'La dirección de la solicitud no es válida.',
    en: 'The request address is not valid.',
  },
  /** A part of the path is longer than any identifier Libra uses (100 characters). */
  URL_TOO_LONG: {
    status: 414,
    es: 'La dirección de la solicitud es demasiado larga.',
    en: 'The request address is too long.',
  },
  /**
   * The request line and headers together exceed what the server reads (16 KB): usually a query
   * string far too long. Answered before the request is routed, without a request id of the caller's.
   */
  HEADERS_TOO_LARGE: {
    status: 431,
    es: 'La dirección o los encabezados de la solicitud son demasiado grandes.',
    en: 'The request address or headers are too large.',
  },
  /** The request did not arrive whole in time; answered before it is routed. */
  REQUEST_TIMEOUT: {
    status: 408,
    es: 'La solicitud tardó demasiado en llegar. Inténtalo de nuevo.',
    en: 'The request took too long to arrive. Try again.',
  },
  /** The body is larger than the server accepts. */
  PAYLOAD_TOO_LARGE: {
    status: 413,
    es: 'La solicitud es demasiado grande.',
    en: 'The request body is too large.',
  },
  /** The Content-Type is not one the route accepts. */
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    es: 'El tipo de contenido no es compatible. Envía application/json.',
    en: 'Unsupported content type. Send application/json.',
  },
  /**
   * A request carried a full card number outside the card form; Libra never receives them. Raised by
   * the platform's guard on every route (src/platform/card-guard.ts), so it is the platform's code.
   */
  CARD_NUMBER_NOT_ALLOWED: {
    status: 422,
    es: 'Nunca envíes aquí el número de tu tarjeta. Captúralo solo en el formulario seguro de pago.',
    en: 'Never send a card number here. Enter it only in the secure card form.',
  },
  /**
   * A phone in a request that is not a valid Mexican number (libphonenumber-js, src/lib/phone.ts).
   * Any domain that takes a phone answers it, naming the field (src/lib/phone-input.ts).
   */
  PHONE_INVALID: {
    status: 400,
    es: 'Escribe un celular de 10 dígitos, por ejemplo 55 1234 5678.',
    en: 'Enter a 10-digit Mexican mobile number, e.g. 55 1234 5678.',
  },
  /** No route answers this method and path. */
  ROUTE_NOT_FOUND: {
    status: 404,
    es: 'No encontramos lo que buscas. Revisa la dirección.',
    en: 'Nothing here. Check the address.',
  },
  /** The route exists but not for this HTTP method. */
  METHOD_NOT_ALLOWED: {
    status: 405,
    es: 'Este método no está permitido aquí.',
    en: 'This method is not allowed here.',
  },
  /** Too many requests from this client; `Retry-After` says when to try again. */
  RATE_LIMITED: {
    status: 429,
    es: 'Hiciste demasiadas solicitudes. Espera un momento e inténtalo de nuevo.',
    en: 'Too many requests. Wait a moment and try again.',
  },
  /** The database or another dependency is not reachable. */
  SERVICE_UNAVAILABLE: {
    status: 503,
    es: 'El servicio no está disponible en este momento. Inténtalo en unos minutos.',
    en: 'The service is unavailable right now. Try again in a few minutes.',
  },
  /** Something failed that we did not expect; the request id identifies it in our logs. */
  INTERNAL_ERROR: {
    status: 500,
    es: 'Algo salió mal de nuestro lado. Inténtalo de nuevo; si persiste, llámanos al 55 5480 0900.',
    en: 'Something went wrong on our side. Try again; if it persists, call us at 55 5480 0900.',
  },
});

/** The platform's codes join the union (the same interface, merged within this file). */
export interface ErrorCodes extends CodesOf<typeof PlatformErrors> {}

/** A request the schema let through but a rule refuses at one field (400 `VALIDATION_FAILED`). */
export function validationFailed(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', { errors: [{ field, message }] });
}
