import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';

/** Ajv's options for every part of a request: all the offending fields at once, nothing dropped. */
export const AJV_OPTIONS = { allErrors: true, removeAdditional: false } as const;

type ValidatorFactory = NonNullable<
  NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
>['buildValidator'];

interface RouteSchema {
  schema: unknown;
  method: string;
  url: string;
  httpPart?: string;
}

interface ValidateFunction {
  (data: unknown, context?: unknown): boolean;
  errors?: unknown[] | null;
  schemaEnv?: unknown;
}

/**
 * The path of the first number in `value` that is not finite (Infinity, NaN), or null. Iterative:
 * the value is a query string or path parameters after coercion, never deep, but it costs nothing.
 */
function nonFiniteAt(value: unknown): string | null {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [item, path] = stack.pop() as [unknown, string];
    if (typeof item === 'number' && !Number.isFinite(item)) return path;
    if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) stack.push([child, `${path}/${key}`]);
    }
  }
  return null;
}

/**
 * Ajv coerces the text `1e309` (or `Infinity`) to Infinity and then skips `minimum`/`maximum`,
 * which it checks only for finite numbers: `?limit=1e309` reached SQL. After a coercing validator
 * accepts, any number that is not finite is refused as a `finite` error of its field.
 */
function refusingNonFinite(validate: ValidateFunction): ValidateFunction {
  const wrapped: ValidateFunction = (data, context) => {
    if (!validate(data, context)) {
      wrapped.errors = validate.errors ?? null;
      return false;
    }
    const at = nonFiniteAt(data);
    wrapped.errors =
      at === null
        ? null
        : [{ instancePath: at, schemaPath: '#', keyword: 'finite', params: {}, message: 'must be finite' }];
    return at === null;
  };
  // Fastify passes the parent object to validators that have one, so ajv can replace a coerced root.
  if (validate.schemaEnv) wrapped.schemaEnv = validate.schemaEnv;
  return wrapped;
}

/**
 * Validators per part of the request. A JSON body is typed by its sender: it is validated exactly
 * as sent, without coercion (`null` is not 0, `true` is not "true", "" is not null). The query
 * string and path parameters are text by nature: their numbers and booleans are coerced from text
 * (and a single value to a one-item array), and what coercion makes of them must still be finite.
 */
export function buildValidator(): ValidatorFactory {
  const pool = AjvCompiler();
  return ((externalSchemas: Record<string, unknown>, options: { customOptions?: object }) => {
    const custom = { ...options?.customOptions, ...AJV_OPTIONS };
    const strict = pool(externalSchemas as never, {
      ...options,
      customOptions: { ...custom, coerceTypes: false },
    });
    const coercing = pool(externalSchemas as never, {
      ...options,
      customOptions: { ...custom, coerceTypes: 'array' },
    });
    return (route: RouteSchema) => {
      if (route.httpPart === 'body')
        return (strict as unknown as (r: RouteSchema) => ValidateFunction)(route);
      return refusingNonFinite((coercing as unknown as (r: RouteSchema) => ValidateFunction)(route));
    };
  }) as unknown as ValidatorFactory;
}
