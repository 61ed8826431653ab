import pg from 'pg';

export type Printer = (line: string) => void;

/**
 * Benchmarks run on PostgreSQL (the production engine): BENCH_DATABASE_URL names the server
 * (default: the local one with trust auth). Each run gets a fresh database, dropped at the end.
 */
export async function freshBenchDatabase(name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = `libra_bench_${name}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`create database "${database}"`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${database}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`drop database if exists "${database}" with (force)`);
      await c.end();
    },
  };
}
