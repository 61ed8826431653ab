/**
 * The operating day's world (issue 26), loaded set-based into a fresh PostgreSQL database: a
 * million memberships with a year of usage, a billing calendar whose every day has its cohort, the
 * past week billed by the real billing run (so the measured days have real retries), a provider
 * network with API keys, a partner key for eligibility and a call-centre agent.
 */

import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Services } from '../src/app.ts';
import { type DatabaseHandle, rows } from '../src/db/client.ts';
import { mexicoCityTime } from '../src/lib/clock.ts';
import { SYSTEM_ACTOR } from '../src/platform/principal.ts';
import { addSpousesAndYearOfUsage, type Printer } from './support.ts';

/** Days in the billing calendar the memberships are spread over (one cohort a day). */
export const CALENDAR_DAYS = 28;
/** Days billed before the measured ones, so that the measured days carry retries of 1, 3 and 7 days. */
export const PAST_DAYS = 7;
/** One membership in this many pays with a card the sandbox declines. */
const DECLINING_ONE_IN = 25;

export const CITIES = [
  { state: 'CMX', lat: 19.4326, lng: -99.1332, name: 'Ciudad de México' },
  { state: 'JAL', lat: 20.6597, lng: -103.3496, name: 'Guadalajara' },
  { state: 'NLE', lat: 25.6866, lng: -100.3161, name: 'Monterrey' },
] as const;

export interface DayWorld {
  /** Local dates (YYYY-MM-DD, Mexico City) of the two measured days: billed alone, then under the line. */
  aloneDay: string;
  loadedDay: string;
  partnerKey: string;
  agent: { email: string; password: string };
  providers: { id: string; key: string; city: number; service: string }[];
  /** Active memberships the line asks about and opens cases for. */
  memberships: string[];
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (date: string, n: number) => day(new Date(Date.parse(`${date}T12:00:00Z`) + n * 86_400_000));

/** Local midnight of `date` in Mexico City, as an instant. */
export const midnight = (date: string) => mexicoCityTime(`${date}T00:00`);
/** When the daily run fires (BILLING_SCHEDULE's default, 00:05). */
export const runInstant = (date: string) => mexicoCityTime(`${date}T00:05`);

export async function loadDayWorld(
  database: DatabaseHandle,
  services: Services,
  p: { memberships: number; providers: number; today: string; say: Printer },
): Promise<DayWorld> {
  const db = database.db;
  const say = p.say;
  // The measured days are yesterday and today (their runs' instants are in the past); the calendar
  // starts PAST_DAYS before yesterday.
  const loadedDay = p.today;
  const aloneDay = addDays(p.today, -1);
  const first = addDays(aloneDay, -PAST_DAYS);

  const approving = await services.payments.tokenize({
    number: '4242424242424242',
    expMonth: 12,
    expYear: 2030,
    cvv: '123',
  });
  const declining = await services.payments.tokenize({
    number: '4000000000000341',
    expMonth: 12,
    expYear: 2030,
    cvv: '123',
  });

  let started = Date.now();
  // Cohort k (g % 28) is due at local midnight of `first + k`; its billing day is that date's.
  await db.execute(sql`
    with made as (
      select gen_random_uuid() as id, g, (${first}::date + (g % ${CALENDAR_DAYS})) as due_date
      from generate_series(1, ${p.memberships}::int) g
    ),
    inserted as (
      insert into memberships (id, number, plan_version_id, state, channel, titular_name, titular_email,
        titular_phone, titular_birth_date, card_token, card_brand, card_type, card_last4, card_exp_month,
        card_exp_year, contracted_at, billing_day, search_text, created_at, updated_at)
      select id, 'LM-25-' || lpad(g::text, 7, '0'),
        (select pv.id from plan_versions pv join plans pl on pl.id = pv.plan_id
          where pl.code = case when g % 5 = 0 then 'libra-one' else 'libra-plus' end and pv.version = 1),
        'active', case when g % 7 = 0 then 'online' else 'bank' end,
        'Titular ' || g || ' Pérez', 'titular' || g || '@bench.libra.mx', '55' || lpad(g::text, 8, '0'),
        date '1960-01-01' + (g % 15000),
        case when g % ${DECLINING_ONE_IN} = 0 then ${declining.token} else ${approving.token} end,
        'visa', 'credit', case when g % ${DECLINING_ONE_IN} = 0 then '0341' else '4242' end, 12, 2030,
        (due_date - make_interval(months => 1 + g % 11))::timestamp at time zone 'America/Mexico_City',
        extract(day from due_date)::int, 'titular ' || g || ' perez', now(), now()
      from made order by g
    )
    insert into billing_schedule (membership_id, next_charge_at)
    select id, due_date::timestamp at time zone 'America/Mexico_City' from made order by g`);
  say(`  ${p.memberships.toLocaleString('en')} memberships in ${secs(started)} s`);

  started = Date.now();
  await addSpousesAndYearOfUsage(database, [
    'online-doctor',
    'online-doctor',
    'online-doctor',
    'tow-truck',
    'tow-truck',
    'land-ambulance',
    'specialist-consultation',
    'legal-advice',
  ]);
  say(`  beneficiaries and ${(p.memberships * 8).toLocaleString('en')} usage rows in ${secs(started)} s`);
  await db.execute(sql`vacuum (analyze)`);

  // The past week, billed by the real run a day at a time: declines become retries due on the
  // measured days, as they would be.
  started = Date.now();
  for (let i = 0; i < PAST_DAYS; i++) {
    const date = addDays(first, i);
    const summary = await services.billing.run({ at: runInstant(date), trigger: 'test' });
    say(
      `  billed ${date}: ${summary.succeeded} paid, ${summary.declined} declined (${summary.retried} retries) in ${(summary.durationMs / 1000).toFixed(1)} s`,
    );
  }
  // Their receipts and notices went out on their days: the outbox starts the measured day empty.
  await db.execute(
    sql`update notifications set status = 'sent', sent_at = send_at where status = 'pending' and send_at <= now()`,
  );
  say(`  past week billed in ${secs(started)} s`);

  const providers = await loadProviders(services, p.providers);
  const partnerKey = (
    await services.apiKeys.createApiKey(SYSTEM_ACTOR, {
      name: 'Banco (día de operación)',
      kind: 'partner',
      scopes: ['eligibility:read'],
      rateLimitPerMinute: 1_000_000,
    })
  ).key;
  const agent = { email: 'cabina@dia.example.com', password: randomBytes(18).toString('base64url') };
  await services.identity.createUser(SYSTEM_ACTOR, {
    email: agent.email,
    name: 'Cabina 24/7 (día de operación)',
    role: 'supervisor',
    password: agent.password,
  });

  await db.execute(sql`vacuum (analyze)`);
  await db.execute(sql`checkpoint`);
  const memberships = (
    await rows<{ id: string }>(
      db,
      sql`select m.id from memberships m join billing_schedule s on s.membership_id = m.id
          where m.state = 'active' and m.card_last4 = '4242' order by random() limit 20000`,
    )
  ).map((r) => r.id);
  return { aloneDay, loadedDay, partnerKey, agent, providers, memberships };
}

/** Tow companies and ambulances around the three cities, each with its integration's key. */
async function loadProviders(services: Services, count: number): Promise<DayWorld['providers']> {
  const providers: DayWorld['providers'] = [];
  for (let i = 0; i < count; i++) {
    const city = i % CITIES.length;
    const c = CITIES[city] as (typeof CITIES)[number];
    const service = i % 3 === 2 ? 'land-ambulance' : 'tow-truck';
    const { id } = await services.dispatch.ensure(SYSTEM_ACTOR, {
      name: `${service === 'tow-truck' ? 'Grúas' : 'Ambulancias'} ${c.name} ${i + 1}`,
      phone: `55 52${String(i).padStart(2, '0').slice(-2)} ${String(1000 + i).slice(-4)}`,
      services: [service],
      coverage: { kind: 'radius', center: { lat: c.lat, lng: c.lng }, radiusKm: 60 },
      location: { lat: c.lat + ((i % 7) - 3) * 0.01, lng: c.lng + ((i % 5) - 2) * 0.01 },
      capacity: 50,
    });
    const { key } = await services.apiKeys.createApiKey(SYSTEM_ACTOR, {
      name: `Integración proveedor ${i + 1}`,
      kind: 'provider',
      scopes: ['provider:jobs'],
      providerId: id,
      rateLimitPerMinute: 1_000_000,
    });
    providers.push({ id, key, city, service });
  }
  return providers;
}

function secs(since: number): string {
  return ((Date.now() - since) / 1000).toFixed(1);
}
