import { sql } from 'drizzle-orm';
import { type Executor, rows } from '../../src/db/client.ts';

/**
 * What must hold of any Libra database, whatever happened to it (a crash, a backup and a restore):
 * each check lists what breaks it, so an empty list is a pass.
 */
export async function invariantViolations(db: Executor): Promise<string[]> {
  const found: string[] = [];
  const duplicates = await rows<{ membership_id: string; period_key: string; n: number }>(
    db,
    sql`select membership_id, period_key, count(*)::int as n from charges
        group by membership_id, period_key having count(*) > 1`,
  );
  for (const d of duplicates) found.push(`${d.n} charges for ${d.membership_id} in ${d.period_key}`);

  // Uses held (reserved or confirmed) against the limit of the plan version the membership is bound to.
  const overLimit = await rows<{
    membership_id: string;
    service_code: string;
    used: number;
    allowed: number;
  }>(
    db,
    sql`select l.membership_id, l.service_code, count(*)::int as used,
          (pvs.rules->'limit'->>'count')::int as allowed
        from usage_ledger l
        join memberships m on m.id = l.membership_id
        join plan_version_services pvs
          on pvs.plan_version_id = m.plan_version_id and pvs.service_code = l.service_code
        where l.status <> 'released' and pvs.rules->'limit'->>'kind' <> 'unlimited'
        group by l.membership_id, l.membership_year, l.service_code, pvs.rules
        having count(*) > (pvs.rules->'limit'->>'count')::int`,
  );
  for (const o of overLimit)
    found.push(`${o.membership_id} used ${o.service_code} ${o.used} times, ${o.allowed} allowed`);
  const overKey = await rows<{
    membership_id: string;
    service_code: string;
    usage_key: string;
    used: number;
  }>(
    db,
    sql`select l.membership_id, l.service_code, l.usage_key, count(*)::int as used
        from usage_ledger l
        join memberships m on m.id = l.membership_id
        join plan_version_services pvs
          on pvs.plan_version_id = m.plan_version_id and pvs.service_code = l.service_code
        where l.status <> 'released' and pvs.rules->'limit'->>'kind' = 'per_year_per_key'
        group by l.membership_id, l.membership_year, l.service_code, l.usage_key, pvs.rules
        having count(*) > (pvs.rules->'limit'->>'perKey')::int`,
  );
  for (const o of overKey)
    found.push(
      `${o.membership_id} used ${o.service_code} (${o.usage_key}) ${o.used} times, over its per-key limit`,
    );

  // Every case's timeline: events 1..last_seq, none missing, and the last one in the case's state.
  const broken = await rows<{
    id: string;
    last_seq: number;
    events: number;
    first: number | null;
    last: number | null;
  }>(
    db,
    sql`select c.id, c.last_seq, count(e.seq)::int as events, min(e.seq) as first, max(e.seq) as last
        from cases c left join case_events e on e.case_id = c.id
        group by c.id, c.last_seq
        having count(e.seq) <> c.last_seq or min(e.seq) <> 1 or max(e.seq) <> c.last_seq`,
  );
  for (const b of broken)
    found.push(
      `case ${b.id}: timeline has ${b.events} events (${b.first}..${b.last}), last_seq ${b.last_seq}`,
    );
  const stale = await rows<{ id: string; state: string; last_state: string }>(
    db,
    sql`select c.id, c.state, e.state as last_state
        from cases c join case_events e on e.case_id = c.id and e.seq = c.last_seq
        where e.state <> c.state`,
  );
  for (const s of stale) found.push(`case ${s.id} is ${s.state} but its last event says ${s.last_state}`);
  return found;
}

/** How many rows the tables a restore must bring back hold: equal before and after, table by table. */
export async function tableCounts(db: Executor): Promise<Record<string, number>> {
  const [row] = await rows<Record<string, number>>(
    db,
    sql`select
          (select count(*) from memberships)::int as memberships,
          (select count(*) from charges)::int as charges,
          (select count(*) from charge_attempts)::int as charge_attempts,
          (select count(*) from usage_ledger)::int as usage_ledger,
          (select count(*) from cases)::int as cases,
          (select count(*) from case_events)::int as case_events,
          (select count(*) from complaints)::int as complaints,
          (select count(*) from audit_log)::int as audit_log`,
  );
  return row ?? {};
}
