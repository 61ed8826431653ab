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
