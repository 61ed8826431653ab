import { type TSchema, Type } from '@sinclair/typebox';

/** A value or null, as the API writes an absent date, amount or reference. */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
