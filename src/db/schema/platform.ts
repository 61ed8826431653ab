import { bigint, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/** Per-kind, per-year counters behind the human numbers (`LP-26-004211`). */
export const numberSequences = pgTable(
  'number_sequences',
  {
    prefix: text('prefix').notNull(),
    year: integer('year').notNull(),
    last: bigint('last', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.prefix, t.year] })],
);
