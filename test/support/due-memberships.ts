import { type ChildProcess, spawn } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { buildServices, serviceOptionsOf } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { rows } from '../../src/db/client.ts';
import { ManualClock } from '../../src/lib/clock.ts';
import { seed } from '../../src/seed.ts';
import type { TestDatabase } from './database.ts';
import { TEST_CARD, tokenizeTestCard } from './payments.ts';
import { ROOT } from './process.ts';

/** What the tests of `libra billing run` as a process share: many memberships due at once, and the CLI. */

/**
 * The catalog, then `count` phone memberships contracted 50 ms apart from `contractedFrom` (billing
 * day 1), all paying with one approving card the sandbox tokenized, loaded with one set-based
 * insert: period 1 is due at each contracting instant, so a run after the last one charges them all.
 */
export async function loadDueMemberships(database: TestDatabase, count: number, contractedFrom: Date) {
  const db = database.handle.db;
  const setup = buildServices(
    database.handle,
    new ManualClock(new Date()),
    serviceOptionsOf(loadConfig({ NODE_ENV: 'test' })),
  );
  await seed(setup, { demo: false });
  const card = await tokenizeTestCard({ services: setup }, TEST_CARD.visaCredit, {
    expMonth: 12,
    expYear: new Date().getUTCFullYear() + 5,
  });
  const [plan] = await rows<{ id: string }>(
    db,
    sql`select pv.id from plan_versions pv join plans p on p.id = pv.plan_id
        where p.code = 'libra-plus' order by pv.version desc limit 1`,
  );
  if (!plan) throw new Error('the seeded catalog has no libra-plus');
  await db.execute(sql`
    with made as (
      select libra_uuid_v7() as id, i, c.at
      from generate_series(1, ${count}) i,
        lateral (select ${contractedFrom}::timestamptz + i * interval '50 milliseconds' as at) c
    ),
    inserted as (
      insert into memberships (id, number, plan_version_id, state, channel, titular_name, titular_email,
        titular_phone, titular_birth_date, card_token, card_brand, card_type, card_last4, card_exp_month,
        card_exp_year, contracted_at, trial_ends_at, billing_day, search_text, created_at, updated_at)
      select id, 'LK-26-' || lpad(i::text, 6, '0'), ${plan.id}, 'active', 'phone',
        'Titular ' || i, 'titular-' || i || '@crash.test.libra.mx', '5512345678', '1985-03-15',
        ${card.token}, ${card.brand}, ${card.type}, ${card.last4}, ${card.expMonth}, ${card.expYear},
        at, null, 1, '', at, at
      from made
    )
    insert into billing_schedule (membership_id, next_charge_at) select id, at from made`);
}

/**
 * `libra billing run --at <local time>` as its own process: `node --import tsx`, so the pid is the
 * run's (`npx tsx` would put npx and a second node in between, and SIGKILL would reach only npx).
 */
export function billingCli(url: string, at: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'billing', 'run', '--at', at], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: url,
      LOG_LEVEL: 'silent',
      LIBRA_SEED_DEMO: 'false',
      JOB_WORKERS: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

/** Everything the process wrote, so far. */
export function outputOf(child: ChildProcess): () => string {
  let out = '';
  child.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    out += chunk;
  });
  return () => out;
}
