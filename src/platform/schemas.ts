import { type IntegerOptions, type TSchema, Type } from '@sinclair/typebox';

/** A value or null, as the API writes an absent date, amount or reference. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * A whole number between two bounds, both required: an unbounded number reaches SQL as whatever
 * was sent (`?limit=1e309`, a count of 1e308), and fails there as a 500 instead of a 400 here.
 * Query strings are coerced from text; the validator also refuses what coercion makes infinite
 * (src/platform/validation.ts).
 */
export const BoundedInteger = (minimum: number, maximum: number, options: IntegerOptions = {}) =>
  Type.Integer({ ...options, minimum, maximum });

/** `limit` of a list: 1 to `max` items a page, `fallback` when absent. */
export const PageLimit = (max: number, fallback: number) =>
  BoundedInteger(1, max, {
    default: fallback,
    description: `Items per page, 1–${max} (default ${fallback})`,
  });
