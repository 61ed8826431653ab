import { and, eq, inArray, sql } from 'drizzle-orm';
import { type Executor, rows } from '../../db/client.ts';
import { charges } from '../../db/schema/index.ts';
import { MEXICO_CITY } from '../../lib/clock.ts';
import type { UpcomingCharge } from './messages.ts';

/** A charge a run holds and is about to send to the processor. */
export interface ClaimedCharge {
  id: string;
  membershipId: string;
  attempts: number;
  cardToken: string;
  amountCentavos: number;
  periodKey: string;
}

/** The processor's answer to one attempt, as the run writes it back. */
export interface AttemptOutcome {
  id: string;
  attempt: number;
  key: string;
  status: 'succeeded' | 'declined' | 'unknown';
  gatewayChargeId: string | null;
  declineCode: string | null;
}

/** A charge after its outcome was written: what the membership's state follows. */
export interface SettledCharge {
  id: string;
  membershipId: string;
  status: 'succeeded' | 'failed' | 'unknown';
  retryAt: Date | null;
  /** The membership's state as the statement read it (not locked: `changeStates` locks). */
  membershipState: string;
  membershipNumber: string;
  amountCentavos: number;
  cardLast4: string;
  attempts: number;
  periodKey: string;
  /** The membership's sales channel, for the event log. */
  membershipChannel: 'online' | 'phone' | 'bank';
}

export interface StateChange {
  membershipId: string;
  toState: string;
  reason: string;
  chargeId: string;
}

const TZ = sql.raw(`'${MEXICO_CITY}'`);

/**
 * Which memberships a statement may touch: real time's (null, the daily run and every other caller)
 * or one test clock's (its advances, docs/test-clocks.md). The two never meet.
 */
export type TestClockScope = string | null;

/** The membership `alias` (a joined `memberships` row) is in the scope. */
function membershipInScope(alias: string, scope: TestClockScope) {
  return scope === null
    ? sql`${sql.raw(alias)}.test_clock_id is null`
    : sql`${sql.raw(alias)}.test_clock_id = ${scope}`;
}

/**
 * The row's `membership_id` is in the scope: for real time, not among the (few, sandbox-only)
 * memberships on a clock — one scan of a small partial index, hashed, no per-row join.
 */
function membershipIdInScope(column: string, scope: TestClockScope) {
  return scope === null
    ? sql`${sql.raw(column)} not in (select id from memberships where test_clock_id is not null)`
    : sql`${sql.raw(column)} in (select id from memberships where test_clock_id = ${scope})`;
}

/** Where `upcomingWithoutNotice` looks: a batch of the charges coming within the look-ahead. */
export interface UpcomingNoticesQuery {
  at: Date;
  lookAheadDays: number;
  limit: number;
  scope?: TestClockScope;
  /**
   * Where the previous batch of this run ended (its last charge): only charges after it. Each
   * batch then reads its own rows, not the whole look-ahead again (a week of the calendar, all
   * but a day of it noticed already); a charge moved before it is the next day's run's.
   */
  after?: { chargeAt: Date; membershipId: string };
}

/** `upcomingWithoutNotice`'s statement (its plan is tested: test/notices-plan.test.ts). */
export function upcomingWithoutNoticeStatement(p: UpcomingNoticesQuery) {
  // In the schedule's own order (its index on (next_charge_at, membership_id)), so a batch reads
  // the index from the cursor on and stops at its limit: ordering by the joined membership's id
  // sorted the whole look-ahead for each batch, from disk at a million memberships.
  return sql`
      select m.id as "membershipId", m.number as "membershipNumber", s.next_charge_at as "chargeAt",
        pv.price_total_centavos as "amountCentavos", m.card_last4 as "cardLast4", k.subject_key as "subjectKey"
      from billing_schedule s
      join memberships m on m.id = s.membership_id
      join plan_versions pv on pv.id = m.plan_version_id
      cross join lateral (select 'charge_notice:' || s.membership_id || ':'
        || to_char(s.next_charge_at at time zone ${TZ}, 'YYYY-MM') as subject_key) k
      where s.next_charge_at > ${p.at}
        and s.next_charge_at <= ${p.at}::timestamptz + make_interval(days => ${p.lookAheadDays}::int)
        ${p.after ? sql`and (s.next_charge_at, s.membership_id) > (${p.after.chargeAt}::timestamptz, ${p.after.membershipId}::uuid)` : sql``}
        and m.state in ('trial', 'active', 'past_due')
        and ${membershipInScope('m', p.scope ?? null)}
        and not exists (select 1 from notifications n where n.subject_key = k.subject_key)
      order by s.next_charge_at, s.membership_id
      limit ${p.limit}`;
}

/** How debit cards are charged (`BillingOptions.directDebit`). */
export type DirectDebitMode = 'gateway' | 'file';

/**
 * A collection's reference in the bank's files: `<membership number>-<YYYYMM>-<attempt>`, unique
 * because a membership has one charge per period and a charge one row per attempt.
 */
function COLLECTION_REFERENCE_OF(number: string, periodKey: string, attempt: string) {
  return sql.raw(`${number} || '-' || replace(${periodKey}, '-', '') || '-' || ${attempt}`);
}

/** Columns a claimed charge is returned with. */
const CLAIMED = sql.raw(
  'c.id, c.membership_id as "membershipId", c.attempts::int as attempts, c.card_token as "cardToken", c.amount_centavos::int as "amountCentavos", c.period_key as "periodKey"',
);

/**
 * The billing run's SQL: creating what falls due, claiming, settling the processor's answers, the
 * memberships' states that follow them, and the notices. Every statement that touches many
 * memberships is set-based and bounded by a batch size; rows another run holds are skipped
 * (`for update skip locked`), never waited for. A charge's own reads are `ChargesRepository`'s,
 * refunds `RefundsRepository`'s, the runs' records `BillingRunsRepository`'s.
 */
export class BillingRepository {
  /**
   * Creates the charges of up to `limit` memberships whose next period is due at `at`, and moves
   * each one's next due instant a month on — in one statement, so a charge and its advance commit
   * together. The unique (membership, period) key makes a second creation a no-op whatever happens.
   * Suspended memberships advance without a charge: no coverage, no charge.
   *
   * Only the schedule rows are locked (`skip locked`), never the membership rows: the membership's
   * state and card are read as of the statement's start. A cancellation clears the schedule row, so
   * it either comes first (the row is no longer due: skipped) or waits for this transaction; any
   * other change that commits meanwhile (a card, a state billing moves) is as if made just after it.
   */
  async createDue(
    executor: Executor,
    p: {
      at: Date;
      now: Date;
      claimUntil: Date;
      runId: string;
      limit: number;
      directDebit?: DirectDebitMode;
      scope?: TestClockScope;
    },
  ): Promise<{ advanced: number; skipped: number; collecting: number; created: ClaimedCharge[] }> {
    const file = p.directDebit === 'file';
    const [row] = await rows<{
      advanced: number;
      skipped: number;
      collecting: number;
      created: ClaimedCharge[] | string;
    }>(
      executor,
      sql`
      with due as (
        select m.id, m.number, s.next_charge_at as due_at, m.billing_day, m.state, m.card_token, m.card_brand,
               m.card_type, m.card_last4, m.titular_rfc, m.titular_name,
               pv.price_total_centavos, pv.price_base_centavos, pv.price_iva_centavos
        from billing_schedule s
        join memberships m on m.id = s.membership_id
        join plan_versions pv on pv.id = m.plan_version_id
        where s.next_charge_at <= ${p.at} and m.state <> 'cancelled' and ${membershipInScope('m', p.scope ?? null)}
        order by s.next_charge_at
        limit ${p.limit}
        for update of s skip locked
      ),
      periods as (
        select due.*,
          to_char(due_at at time zone ${TZ}, 'YYYY-MM') as period_key,
          ((n.next_month::date + (least(due.billing_day,
              extract(day from n.next_month + interval '1 month' - interval '1 day')::int) - 1))::timestamp
            at time zone ${TZ}) as next_due
        from due,
        lateral (select date_trunc('month', due.due_at at time zone ${TZ}) + interval '1 month' as next_month) n
      ),
      created as (
        insert into charges (id, membership_id, period_key, period_starts_at, period_ends_at,
          amount_centavos, base_centavos, iva_centavos, currency, method, status, attempts,
          claimed_until, claimed_by, card_token, card_brand, card_last4, receiver_rfc, receiver_name,
          receiver_fiscal_regime, cfdi_use, payment_form, payment_method, run_id, created_at, updated_at)
        select libra_uuid_v7(), p.id, p.period_key, p.due_at, p.next_due,
          p.price_total_centavos, p.price_base_centavos, p.price_iva_centavos, 'MXN',
          case p.card_type when 'debit' then 'direct_debit' else 'card' end,
          case when ${file} and p.card_type = 'debit' then 'collecting' else 'pending' end, 1,
          case when ${file} and p.card_type = 'debit' then null else ${p.claimUntil}::timestamptz end,
          case when ${file} and p.card_type = 'debit' then null else ${p.runId}::uuid end,
          p.card_token, p.card_brand, p.card_last4,
          coalesce(p.titular_rfc, 'XAXX010101000'), p.titular_name,
          case when p.titular_rfc is null then '616' end, 'S01',
          case p.card_type when 'debit' then '28' else '04' end, 'PUE', ${p.runId}, ${p.now}, ${p.now}
        from periods p
        where p.state <> 'suspended'
        on conflict (membership_id, period_key) do nothing
        returning id, membership_id as "membershipId", attempts::int as attempts, card_token as "cardToken",
          amount_centavos as "amountCentavos", period_key as "periodKey", status
      ),
      collections as (
        -- The bank's line of each charge that waits for the collection file, with the charge.
        insert into direct_debit_collections (reference, charge_id, attempt, membership_number, period_key,
          card_token, amount_centavos, collection_date, created_at)
        select ${COLLECTION_REFERENCE_OF('p.number', 'c."periodKey"', 'c.attempts')}, c.id, c.attempts,
          p.number, c."periodKey", c."cardToken", c."amountCentavos",
          to_char(${p.at}::timestamptz at time zone ${TZ}, 'YYYY-MM-DD'), ${p.now}
        from created c join periods p on p.id = c."membershipId"
        where c.status = 'collecting'
        returning reference
      ),
      advanced as (
        -- By key (= any of an array), never a join the planner may answer with a scan of the
        -- whole narrow table (it did: 124 ms a batch at 200,000 memberships).
        update billing_schedule s set next_charge_at = p.next_due
        from periods p
        where s.membership_id = any (array(select id from periods)) and s.membership_id = p.id
        returning s.membership_id
      ),
      skipped as (
        insert into membership_events (id, membership_id, at, type, from_state, to_state, reason, actor_type, details)
        select libra_uuid_v7(), p.id, ${p.now}, 'period_not_charged', null, null,
          'Membresía suspendida: el periodo ' || p.period_key || ' no se cobra', 'system',
          jsonb_build_object('periodKey', p.period_key)
        from periods p where p.state = 'suspended'
        returning id
      )
      select (select count(*) from advanced)::int as advanced,
             (select count(*) from skipped)::int as skipped,
             (select count(*) from collections)::int as collecting,
             coalesce((select json_agg(c) from (
               select id, "membershipId", attempts, "cardToken", "amountCentavos", "periodKey"
               from created where status = 'pending') c), '[]'::json) as created`,
    );
    if (!row) return { advanced: 0, skipped: 0, collecting: 0, created: [] };
    const created =
      typeof row.created === 'string' ? (JSON.parse(row.created) as ClaimedCharge[]) : row.created;
    return { advanced: row.advanced, skipped: row.skipped, collecting: row.collecting, created };
  }

  /**
   * Takes up to `limit` charges in `status` that nobody holds: `pending` ones (ones reconciliation
   * set back, or whose claim lapsed) are sent again under the same idempotency key, so nothing is
   * charged twice; `unknown` ones (a dead run's among them) are asked about. `claimedBy` is the run
   * taking them (null: no run, e.g. the reconciliation job).
   */
  async claimWaiting(
    executor: Executor,
    status: 'pending' | 'unknown',
    p: { now: Date; claimUntil: Date; claimedBy: string | null; limit: number; scope?: TestClockScope },
  ): Promise<ClaimedCharge[]> {
    // A literal, so the partial index on open charges serves the query.
    return rows<ClaimedCharge>(
      executor,
      sql`
      update charges c set claimed_until = ${p.claimUntil}, claimed_by = ${p.claimedBy}, updated_at = ${p.now}
      from (
        select id from charges
        where status = ${sql.raw(`'${status}'`)} and (claimed_until is null or claimed_until < ${p.now})
          and ${membershipIdInScope('membership_id', p.scope ?? null)}
        order by id
        limit ${p.limit}
        for update skip locked
      ) pick
      where c.id = pick.id
      returning ${CLAIMED}`,
    );
  }

  /** The processor never saw these attempts: send them again, under the same key. */
  async backToPending(executor: Executor, ids: string[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    await executor
      .update(charges)
      .set({ status: 'pending', claimedUntil: null, claimedBy: null, updatedAt: now })
      .where(and(inArray(charges.id, ids), eq(charges.status, 'unknown')));
  }

  /**
   * Lookups that got no answer: the charges stay held until their claim lapses (a pause before the
   * processor is asked again), but by no run — a run waiting for what others hold must not wait
   * out that pause, nor two runs wait for each other's.
   */
  async holdForNobody(executor: Executor, ids: string[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    await executor
      .update(charges)
      .set({ claimedBy: null, updatedAt: now })
      .where(and(inArray(charges.id, ids), eq(charges.status, 'unknown')));
  }

  /**
   * Starts the next attempt of failed charges — those whose retry is due at `at`, or the given ones
   * (a finance retry, a new card) — with the membership's card on file now.
   */
  async startRetries(
    executor: Executor,
    p: {
      at: Date;
      now: Date;
      claimUntil: Date;
      claimedBy: string | null;
      limit: number;
      ids?: string[];
      scope?: TestClockScope;
      directDebit?: DirectDebitMode;
    },
  ): Promise<{ claimed: ClaimedCharge[]; collecting: number }> {
    const file = p.directDebit === 'file';
    const bank = sql`(${file} and m.card_type = 'debit')`;
    const which = p.ids
      ? sql`status = 'failed' and id in (${sql.join(
          p.ids.map((id) => sql`${id}`),
          sql`, `,
        )})`
      : sql`status = 'failed' and retry_at <= ${p.at} and ${membershipIdInScope('membership_id', p.scope ?? null)}`;
    const retried = await rows<ClaimedCharge & { status: string }>(
      executor,
      sql`
      with started as (
      update charges c set status = case when ${bank} then 'collecting' else 'pending' end,
        attempts = c.attempts + 1, retry_at = null, decline_code = null,
        claimed_until = case when ${bank} then null else ${p.claimUntil}::timestamptz end,
        claimed_by = case when ${bank} then null else ${p.claimedBy}::uuid end, updated_at = ${p.now},
        card_token = m.card_token, card_brand = m.card_brand, card_last4 = m.card_last4,
        method = case m.card_type when 'debit' then 'direct_debit' else 'card' end,
        payment_form = case m.card_type when 'debit' then '28' else '04' end
      from (
        -- Never a cancelled membership's: picked and then left, they would fill the batch, and an
        -- empty batch ends the run's retries.
        select id from charges where ${which}
          and not exists (select 1 from memberships x where x.id = charges.membership_id and x.state = 'cancelled')
        order by retry_at nulls last, id
        limit ${p.limit}
        for update skip locked
      ) pick, memberships m
      where c.id = pick.id and m.id = c.membership_id and m.state <> 'cancelled'
      returning ${CLAIMED}, c.status, m.number
      ),
      collections as (
        insert into direct_debit_collections (reference, charge_id, attempt, membership_number, period_key,
          card_token, amount_centavos, collection_date, created_at)
        select ${COLLECTION_REFERENCE_OF('s.number', 's."periodKey"', 's.attempts')}, s.id, s.attempts,
          s.number, s."periodKey", s."cardToken", s."amountCentavos",
          to_char(${p.at}::timestamptz at time zone ${TZ}, 'YYYY-MM-DD'), ${p.now}
        from started s where s.status = 'collecting'
        returning reference
      )
      select id, "membershipId", attempts, "cardToken", "amountCentavos", "periodKey", status from started`,
    );
    return {
      claimed: retried.filter((c) => c.status === 'pending').map(({ status: _s, ...c }) => c),
      collecting: retried.length - retried.filter((c) => c.status === 'pending').length,
    };
  }

  /**
   * Writes the processor's answers. An answer counts only for the attempt it was given to and while
   * the charge still waits for one, so a late or repeated answer changes nothing. A decline
   * schedules the next retry from the first failure's day (Mexico City), or none when
   * `retryDays` is exhausted.
   */
  async settle(
    executor: Executor,
    outcomes: AttemptOutcome[],
    p: { at: Date; now: Date; retryDays: number[] },
  ): Promise<SettledCharge[]> {
    if (outcomes.length === 0) return [];
    return rows<SettledCharge>(
      executor,
      sql`
      with o as (
        select * from jsonb_to_recordset(${JSON.stringify(outcomes)}::jsonb)
          as o(id uuid, attempt int, key text, status text, "gatewayChargeId" text, "declineCode" text)
      ),
      upd as (
        update charges c set
          status = case o.status when 'succeeded' then 'succeeded' when 'declined' then 'failed' else 'unknown' end,
          gateway_charge_id = coalesce(o."gatewayChargeId", c.gateway_charge_id),
          decline_code = o."declineCode",
          paid_at = case when o.status = 'succeeded' then ${p.now}::timestamptz end,
          -- The receipt's folio, numbered only when paid (a decline spends no number); this is the
          -- only move into 'succeeded', and nothing moves out of it, so it is set exactly once.
          receipt_folio = case when o.status = 'succeeded' then (
            select 'REC-' || to_char(${p.now}::timestamptz at time zone ${TZ}, 'YYYY') || '-'
                   || lpad(q.n::text, greatest(6, length(q.n::text)), '0')
            -- Correlated (c.id), so it runs per row: an uncorrelated one would run once for all.
            from (select nextval('receipt_folio_seq') as n where c.id is not null) q) end,
          first_failed_at = case when o.status = 'declined' then coalesce(c.first_failed_at, ${p.at}::timestamptz)
                                 else c.first_failed_at end,
          retry_at = case when o.status = 'declined' and (${JSON.stringify(p.retryDays)}::jsonb ->> (c.attempts - 1)) is not null
            then (date_trunc('day', coalesce(c.first_failed_at, ${p.at}::timestamptz) at time zone ${TZ})
                  + make_interval(days => (${JSON.stringify(p.retryDays)}::jsonb ->> (c.attempts - 1))::int))
                 at time zone ${TZ}
            end,
          claimed_until = null,
          claimed_by = null,
          updated_at = ${p.now}
        from o
        where c.id = o.id and c.attempts = o.attempt and c.status in ('pending', 'unknown', 'collecting')
        returning c.id, c.membership_id, c.status, c.retry_at, c.attempts, c.card_last4, c.amount_centavos,
          c.period_key
      ),
      att as (
        insert into charge_attempts (charge_id, number, idempotency_key, card_last4, status, decline_code,
          gateway_charge_id, at)
        select u.id, u.attempts, o.key, u.card_last4, o.status, o."declineCode", o."gatewayChargeId", ${p.now}
        from upd u join o on o.id = u.id
        on conflict (charge_id, number) do update set status = excluded.status,
          decline_code = excluded.decline_code, gateway_charge_id = excluded.gateway_charge_id, at = excluded.at
      )
      select u.id, u.membership_id as "membershipId", u.status, u.retry_at as "retryAt",
        m.state as "membershipState", m.number as "membershipNumber", u.amount_centavos as "amountCentavos",
        u.card_last4 as "cardLast4", u.attempts, u.period_key as "periodKey", m.channel as "membershipChannel"
      from upd u join memberships m on m.id = u.membership_id`,
    );
  }

  /**
   * Moves memberships to the states their charges call for, where the lifecycle allows the move
   * (`allowed` pairs), and records each move as a membership event. A membership with another charge
   * still failed does not become active. Returns the moves made.
   */
  async changeStates(
    executor: Executor,
    changes: StateChange[],
    p: { now: Date; allowed: [string, string][] },
  ): Promise<{ membershipId: string; fromState: string; toState: string }[]> {
    if (changes.length === 0) return [];
    const allowed = sql.join(
      p.allowed.map(([from, to]) => sql`(${from}, ${to})`),
      sql`, `,
    );
    return rows(
      executor,
      sql`
      with t as (
        select * from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb)
          as t("membershipId" uuid, "toState" text, reason text, "chargeId" uuid)
      ),
      prev as (
        -- A payment leaves a membership that is already active as it is, whatever another
        -- transaction does to it meanwhile (billing never moves one back from past due, suspended
        -- or cancelled while another charge of it is declined, or ever from cancelled), so those
        -- rows are neither locked nor written: the usual case of a run. Any other is locked and
        -- read as it stands now.
        select m.id, m.state from memberships m join t on t."membershipId" = m.id
        where not (t."toState" = 'active' and m.state = 'active')
        order by m.id
        for update of m
      ),
      changed as (
        update memberships m set state = t."toState", updated_at = ${p.now}
        from t join prev on prev.id = t."membershipId"
        where m.id = t."membershipId"
          and (prev.state, t."toState") in (${allowed})
          and (t."toState" <> 'active' or not exists (
            select 1 from charges f where f.membership_id = m.id and f.status = 'failed'))
        returning m.id, prev.state as from_state, t."toState" as to_state, t.reason, t."chargeId" as charge_id
      ),
      events as (
        insert into membership_events (id, membership_id, at, type, from_state, to_state, reason, actor_type, details)
        select libra_uuid_v7(), id, ${p.now}, 'state_changed', from_state, to_state, reason, 'system',
          jsonb_build_object('chargeId', charge_id)
        from changed
      )
      select id as "membershipId", from_state as "fromState", to_state as "toState" from changed`,
    );
  }

  /**
   * Charges coming within `(at, at + lookAheadDays]` whose notice (LFPC art. 76 Bis) is not written
   * yet, a batch at a time: the notice is keyed by membership and period, so a later run finds it
   * and skips the membership.
   */
  async upcomingWithoutNotice(executor: Executor, p: UpcomingNoticesQuery): Promise<UpcomingCharge[]> {
    return rows<UpcomingCharge>(executor, upcomingWithoutNoticeStatement(p));
  }

  /**
   * A test clock's next instant after `after` at which something of its memberships falls due: a
   * period, a period's notice (`lookAheadDays` before it) or a retry. Null: nothing more, ever.
   */
  async nextWorkAfter(
    executor: Executor,
    p: { testClock: string; after: Date; lookAheadDays: number },
  ): Promise<Date | null> {
    const [row] = await rows<{ at: Date | null }>(
      executor,
      sql`
      with due as (
        select s.next_charge_at as at from billing_schedule s join memberships m on m.id = s.membership_id
        where m.test_clock_id = ${p.testClock} and m.state <> 'cancelled' and s.next_charge_at is not null
      )
      select min(t) as at from (
        select at as t from due
        union all select at - make_interval(days => ${p.lookAheadDays}::int) from due
        union all select retry_at from charges
          where status = 'failed' and retry_at is not null
            and ${membershipIdInScope('membership_id', p.testClock)}
      ) w where t > ${p.after}`,
    );
    return row?.at ?? null;
  }

  /**
   * How much a run at `at` has to do, for its progress bar (an estimate: others may take some).
   * The schedule's index alone: a cancellation clears the schedule row.
   */
  async workAt(executor: Executor, at: Date, scope: TestClockScope = null): Promise<number> {
    const [row] = await rows<{ n: number }>(
      executor,
      sql`select
        (select count(*) from billing_schedule where next_charge_at <= ${at}
           and ${membershipIdInScope('membership_id', scope)})
        + (select count(*) from charges where status in ('pending', 'unknown')
           and ${membershipIdInScope('membership_id', scope)})
        + (select count(*) from charges where status = 'failed' and retry_at <= ${at}
           and ${membershipIdInScope('membership_id', scope)}) as n`,
    );
    return Number(row?.n ?? 0);
  }
}
