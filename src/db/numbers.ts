import { sql } from 'drizzle-orm';
import { mexicoCityDate } from '../lib/clock.ts';
import { formatHumanNumber } from '../lib/ids.ts';
import { type Executor, rows } from './client.ts';

/**
 * Allocates the next human number for a prefix in the Mexico City year of `at`. One atomic
 * upsert: concurrent callers on PostgreSQL each get a different number, never a gap-free promise
 * (a rolled-back transaction leaves its number unused, as sequences do).
 */
export async function nextHumanNumber(executor: Executor, prefix: string, at: Date): Promise<string> {
  const year = Number(mexicoCityDate(at).slice(0, 4));
  const [row] = await rows<{ last: number }>(
    executor,
    sql`insert into number_sequences (prefix, year, last) values (${prefix}, ${year}, 1)
        on conflict (prefix, year) do update set last = number_sequences.last + 1
        returning last`,
  );
  if (!row) throw new Error('number_sequences upsert returned no row');
  return formatHumanNumber({ prefix, year, sequence: row.last });
}

/**
 * `count` human numbers at once (a bank file's batch), in order: one upsert takes the block, so
 * concurrent callers never share a number.
 */
export async function nextHumanNumbers(
  executor: Executor,
  prefix: string,
  at: Date,
  count: number,
): Promise<string[]> {
  if (count <= 0) return [];
  const year = Number(mexicoCityDate(at).slice(0, 4));
  const [row] = await rows<{ last: number }>(
    executor,
    sql`insert into number_sequences (prefix, year, last) values (${prefix}, ${year}, ${count})
        on conflict (prefix, year) do update set last = number_sequences.last + ${count}
        returning last`,
  );
  if (!row) throw new Error('number_sequences upsert returned no row');
  const first = row.last - count + 1;
  return Array.from({ length: count }, (_, i) => formatHumanNumber({ prefix, year, sequence: first + i }));
}
