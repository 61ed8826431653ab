import { and, asc, desc, eq, gte, inArray, isNull, lt, ne, or, type SQL, sql } from 'drizzle-orm';
import { type Executor, rows } from '../../db/client.ts';
import {
  beneficiaries,
  billingSchedule,
  consents,
  membershipEvents,
  memberships,
  plans,
  planVersions,
} from '../../db/schema/index.ts';
import { planCodesOfVersions } from '../catalog/read-model.ts';

export type MembershipRecord = typeof memberships.$inferSelect;
export type BeneficiaryRecord = typeof beneficiaries.$inferSelect;
export type MembershipEventRecord = typeof membershipEvents.$inferSelect;

/** What finance filters memberships by (the export); plan versions already resolved from the code. */
export interface MembershipFilter {
  state?: string | undefined;
  channel?: string | undefined;
  planVersionIds?: string[] | undefined;
  /** Contracted on or after (a Mexico City day's start). */
  from?: Date | undefined;
  /** Contracted before (the start of the day after the last). */
  before?: Date | undefined;
}

/** A membership as the export lists it: no card, no identity documents. */
export interface MembershipExportRow {
  id: string;
  number: string;
  state: string;
  channel: string;
  planVersionId: string;
  titularName: string;
  titularEmail: string;
  titularPhone: string;
  contractedAt: Date;
  trialEndsAt: Date | null;
  cancelledAt: Date | null;
  coverageEndsAt: Date | null;
  personalDataBlockedAt: Date | null;
}

export interface MembershipWithPlan {
  membership: MembershipRecord;
  plan: { code: string; name: string; version: number; onlineTrialMonths: number };
  /** When the next period falls due (its billing schedule); null once nothing more is charged. */
  nextChargeAt: Date | null;
}

/** Billing's writes to its schedule (`billing/schedule-rows.ts`), handed in by the app: billing depends on members. */
export interface BillingScheduleRows {
  open(executor: Executor, membershipId: string, nextChargeAt: Date | null): Promise<void>;
  openMany(
    executor: Executor,
    rows: readonly { membershipId: string; nextChargeAt: Date | null }[],
  ): Promise<void>;
  close(executor: Executor, membershipId: string): Promise<void>;
}

export class MembersRepository {
  constructor(private readonly schedule: BillingScheduleRows) {}

  /** The membership with its billing schedule row (period 1's due instant). */
  async insertMembership(
    executor: Executor,
    row: typeof memberships.$inferInsert,
    nextChargeAt: Date | null,
  ): Promise<void> {
    await executor.insert(memberships).values(row);
    await this.schedule.open(executor, row.id, nextChargeAt);
  }

  /** Nothing more falls due (a cancellation). */
  async clearSchedule(executor: Executor, membershipId: string): Promise<void> {
    await this.schedule.close(executor, membershipId);
  }

  async insertConsents(executor: Executor, rows: (typeof consents.$inferInsert)[]): Promise<void> {
    await executor.insert(consents).values(rows);
  }

  async insertEvent(executor: Executor, row: typeof membershipEvents.$inferInsert): Promise<void> {
    await executor.insert(membershipEvents).values(row);
  }

  /**
   * One statement with the plan's name and the next due instant (a listed exception to reading
   * catalog's and billing's tables through their read models: the most-read record, on every
   * membership-scoped request, stays one round trip).
   * With `forUpdate`, the row is locked until the transaction ends (state changes, card changes).
   * `for no key update`, the lock an update of it takes: it keeps other changes out but lets rows
   * that reference the membership (charges' schedule, events, cases) be written meanwhile, so a
   * billing run holding schedule rows never waits for a cancellation that waits for it.
   */
  async byId(executor: Executor, id: string, forUpdate = false): Promise<MembershipWithPlan | undefined> {
    const query = executor
      .select({
        membership: memberships,
        plan: {
          code: plans.code,
          name: plans.name,
          version: planVersions.version,
          onlineTrialMonths: planVersions.onlineTrialMonths,
        },
        nextChargeAt: billingSchedule.nextChargeAt,
      })
      .from(memberships)
      .innerJoin(planVersions, eq(planVersions.id, memberships.planVersionId))
      .innerJoin(plans, eq(plans.id, planVersions.planId))
      .leftJoin(billingSchedule, eq(billingSchedule.membershipId, memberships.id))
      .where(eq(memberships.id, id));
    const [row] = forUpdate ? await query.for('no key update', { of: memberships }) : await query;
    return row;
  }

  /** The newest membership, in any state, whose titular has this email. */
  async newestMembershipIdOfTitularEmail(executor: Executor, email: string): Promise<string | undefined> {
    const [row] = await executor
      .select({ id: memberships.id })
      .from(memberships)
      .where(eq(memberships.titularEmail, email))
      .orderBy(desc(memberships.contractedAt))
      .limit(1);
    return row?.id;
  }

  /**
   * A live (not cancelled) membership of the same titular, by email, CURP or account: which of
   * them matched (email first), or null when there is none.
   */
  async liveMembershipOfTitular(
    executor: Executor,
    email: string,
    curp: string | null,
    userId: string | null,
  ): Promise<'email' | 'curp' | 'account' | null> {
    const rows = await executor
      .select({ email: memberships.titularEmail, curp: memberships.titularCurp })
      .from(memberships)
      .where(
        and(
          ne(memberships.state, 'cancelled'),
          or(
            eq(memberships.titularEmail, email),
            curp ? eq(memberships.titularCurp, curp) : undefined,
            userId ? eq(memberships.titularUserId, userId) : undefined,
          ),
        ),
      )
      .limit(3);
    if (rows.length === 0) return null;
    if (rows.some((r) => r.email === email)) return 'email';
    if (curp && rows.some((r) => r.curp === curp)) return 'curp';
    return 'account';
  }

  /** Which of these bank references (the bank's ids of its sales) a membership already has. */
  async bankReferencesAmong(executor: Executor, references: string[]): Promise<Set<string>> {
    if (references.length === 0) return new Set();
    const found = await executor
      .select({ reference: memberships.bankReference })
      .from(memberships)
      .where(inArray(memberships.bankReference, references));
    return new Set(found.map((r) => r.reference as string));
  }

  /** Of these emails and CURPs, those a live (not cancelled) membership's titular already has. */
  async liveTitularsAmong(
    executor: Executor,
    emails: string[],
    curps: string[],
  ): Promise<{ emails: Set<string>; curps: Set<string> }> {
    const live = ne(memberships.state, 'cancelled');
    const byEmail =
      emails.length === 0
        ? []
        : await executor
            .select({ value: memberships.titularEmail })
            .from(memberships)
            .where(and(live, inArray(memberships.titularEmail, emails)));
    const byCurp =
      curps.length === 0
        ? []
        : await executor
            .select({ value: memberships.titularCurp })
            .from(memberships)
            .where(and(live, inArray(memberships.titularCurp, curps)));
    return {
      emails: new Set(byEmail.map((r) => r.value)),
      curps: new Set(byCurp.map((r) => r.value as string)),
    };
  }

  /**
   * Many memberships the bank sold, with their schedule rows: a bank reference already taken (a
   * concurrent import of the same file) is skipped. The ids inserted.
   */
  async insertBankMemberships(
    executor: Executor,
    rowsToInsert: (typeof memberships.$inferInsert)[],
    firstDueAt: Map<string, Date | null>,
  ): Promise<Set<string>> {
    if (rowsToInsert.length === 0) return new Set();
    // One parameter for the whole batch (a thousand rows of 25 columns as bound parameters cost
    // more to build and send than the insert itself).
    const inserted = await rows<{ id: string }>(
      executor,
      sql`insert into memberships (id, number, plan_version_id, state, channel, titular_user_id,
          titular_name, titular_email, titular_phone, titular_birth_date, titular_rfc, titular_curp,
          card_token, card_brand, card_type, card_last4, card_exp_month, card_exp_year, contracted_at,
          trial_ends_at, billing_day, bank_reference, search_text, created_at, updated_at)
        select r.id, r.number, r."planVersionId", r.state, r.channel, r."titularUserId",
          r."titularName", r."titularEmail", r."titularPhone", r."titularBirthDate", r."titularRfc",
          r."titularCurp", r."cardToken", r."cardBrand", r."cardType", r."cardLast4", r."cardExpMonth",
          r."cardExpYear", r."contractedAt", r."trialEndsAt", r."billingDay", r."bankReference",
          r."searchText", r."createdAt", r."updatedAt"
        from jsonb_to_recordset(${JSON.stringify(rowsToInsert)}::jsonb) as r(id uuid, number text,
          "planVersionId" uuid, state text, channel text, "titularUserId" uuid, "titularName" text,
          "titularEmail" text, "titularPhone" text, "titularBirthDate" date, "titularRfc" text,
          "titularCurp" text, "cardToken" text, "cardBrand" text, "cardType" text, "cardLast4" text,
          "cardExpMonth" smallint, "cardExpYear" smallint, "contractedAt" timestamptz,
          "trialEndsAt" timestamptz, "billingDay" smallint, "bankReference" text, "searchText" text,
          "createdAt" timestamptz, "updatedAt" timestamptz)
        on conflict (bank_reference) do nothing
        returning id`,
    );
    const ids = new Set(inserted.map((r) => r.id));
    await this.schedule.openMany(
      executor,
      [...ids].map((id) => ({ membershipId: id, nextChargeAt: firstDueAt.get(id) ?? null })),
    );
    return ids;
  }

  /** Many memberships' consents in one statement (a bank file's batch). */
  async insertConsentsMany(
    executor: Executor,
    rowsToInsert: (typeof consents.$inferInsert)[],
  ): Promise<void> {
    if (rowsToInsert.length === 0) return;
    await executor.execute(sql`
      insert into consents (id, membership_id, document, version, accepted_at, channel, ip)
      select r.id, r."membershipId", r.document, r.version, r."acceptedAt", r.channel, r.ip
      from jsonb_to_recordset(${JSON.stringify(rowsToInsert)}::jsonb) as r(id uuid, "membershipId" uuid,
        document text, version text, "acceptedAt" timestamptz, channel text, ip text)`);
  }

  async insertBeneficiaries(
    executor: Executor,
    rowsToInsert: (typeof beneficiaries.$inferInsert)[],
  ): Promise<void> {
    if (rowsToInsert.length === 0) return;
    await executor.execute(sql`
      insert into beneficiaries (id, membership_id, kind, full_name, birth_date, card_last4, added_at, removed_at)
      select r.id, r."membershipId", r.kind, r."fullName", r."birthDate", r."cardLast4", r."addedAt", r."removedAt"
      from jsonb_to_recordset(${JSON.stringify(rowsToInsert)}::jsonb) as r(id uuid, "membershipId" uuid,
        kind text, "fullName" text, "birthDate" date, "cardLast4" text, "addedAt" timestamptz,
        "removedAt" timestamptz)`);
  }

  async insertEvents(
    executor: Executor,
    rowsToInsert: (typeof membershipEvents.$inferInsert)[],
  ): Promise<void> {
    if (rowsToInsert.length === 0) return;
    await executor.execute(sql`
      insert into membership_events (id, membership_id, at, type, from_state, to_state, reason,
        actor_type, actor_id, details)
      select r.id, r."membershipId", r.at, r.type, r."fromState", r."toState", r.reason,
        r."actorType", r."actorId", coalesce(r.details, '{}'::jsonb)
      from jsonb_to_recordset(${JSON.stringify(rowsToInsert)}::jsonb) as r(id uuid, "membershipId" uuid,
        at timestamptz, type text, "fromState" text, "toState" text, reason text, "actorType" text,
        "actorId" text, details jsonb)`);
  }

  /** A membership by its human number (`LM-26-000123`), for the titular's account activation. */
  async byNumber(executor: Executor, number: string): Promise<MembershipRecord | undefined> {
    const [found] = await executor.select().from(memberships).where(eq(memberships.number, number)).limit(1);
    return found;
  }

  async update(
    executor: Executor,
    id: string,
    changes: Partial<typeof memberships.$inferInsert>,
  ): Promise<void> {
    await executor.update(memberships).set(changes).where(eq(memberships.id, id));
  }

  async beneficiariesOf(executor: Executor, membershipIds: string[], includeRemoved: boolean) {
    if (membershipIds.length === 0) return [];
    return executor
      .select()
      .from(beneficiaries)
      .where(
        and(
          inArray(beneficiaries.membershipId, membershipIds),
          includeRemoved ? undefined : isNull(beneficiaries.removedAt),
        ),
      )
      .orderBy(asc(beneficiaries.addedAt), asc(beneficiaries.id));
  }

  async insertBeneficiary(executor: Executor, row: typeof beneficiaries.$inferInsert): Promise<void> {
    await executor.insert(beneficiaries).values(row);
  }

  async activeSpouse(executor: Executor, membershipId: string): Promise<BeneficiaryRecord | undefined> {
    const [row] = await executor
      .select()
      .from(beneficiaries)
      .where(
        and(
          eq(beneficiaries.membershipId, membershipId),
          eq(beneficiaries.kind, 'spouse'),
          isNull(beneficiaries.removedAt),
        ),
      );
    return row;
  }

  async removeBeneficiary(executor: Executor, membershipId: string, id: string, at: Date): Promise<boolean> {
    const removed = await executor
      .update(beneficiaries)
      .set({ removedAt: at })
      .where(
        and(
          eq(beneficiaries.id, id),
          eq(beneficiaries.membershipId, membershipId),
          isNull(beneficiaries.removedAt),
        ),
      )
      .returning({ id: beneficiaries.id });
    return removed.length > 0;
  }

  async eventsOf(executor: Executor, membershipId: string): Promise<MembershipEventRecord[]> {
    return executor
      .select()
      .from(membershipEvents)
      .where(eq(membershipEvents.membershipId, membershipId))
      .orderBy(asc(membershipEvents.at), asc(membershipEvents.id));
  }

  async ofUser(executor: Executor, userId: string): Promise<MembershipWithPlan[]> {
    const ids = await executor
      .select({ id: memberships.id })
      .from(memberships)
      .where(eq(memberships.titularUserId, userId))
      .orderBy(asc(memberships.contractedAt));
    const found: MembershipWithPlan[] = [];
    for (const { id } of ids) {
      const row = await this.byId(executor, id);
      if (row) found.push(row);
    }
    return found;
  }

  /**
   * Every term must appear in the search text (trigram GIN index makes `like '%term%'` fast).
   * An exact membership number short-circuits to an equality match.
   */
  async search(executor: Executor, terms: string[], number: string | null, limit: number) {
    const conditions: SQL[] = number
      ? [eq(memberships.number, number)]
      : terms.map((term) => sql`${memberships.searchText} like ${`%${term.replace(/[\\%_]/g, '\\$&')}%`}`);
    const found = await executor
      .select({
        id: memberships.id,
        number: memberships.number,
        state: memberships.state,
        titularName: memberships.titularName,
        titularEmail: memberships.titularEmail,
        titularPhone: memberships.titularPhone,
        cardLast4: memberships.cardLast4,
        planVersionId: memberships.planVersionId,
      })
      .from(memberships)
      .where(and(...conditions))
      .orderBy(asc(memberships.titularName), asc(memberships.number))
      .limit(limit);
    // The plan codes of the whole page in one read of the catalog's read model.
    const codes = await planCodesOfVersions(
      executor,
      found.map((m) => m.planVersionId),
    );
    return found.map(({ planVersionId, ...m }) => ({ ...m, planCode: codes.get(planVersionId) ?? '' }));
  }

  /** A page of the filtered memberships, newest first, after the keyset `afterId` (exclusive). */
  async exportPage(
    executor: Executor,
    filter: MembershipFilter,
    afterId: string | undefined,
    limit: number,
  ): Promise<MembershipExportRow[]> {
    if (filter.planVersionIds && filter.planVersionIds.length === 0) return [];
    return executor
      .select({
        id: memberships.id,
        number: memberships.number,
        state: memberships.state,
        channel: memberships.channel,
        planVersionId: memberships.planVersionId,
        titularName: memberships.titularName,
        titularEmail: memberships.titularEmail,
        titularPhone: memberships.titularPhone,
        contractedAt: memberships.contractedAt,
        trialEndsAt: memberships.trialEndsAt,
        cancelledAt: memberships.cancelledAt,
        coverageEndsAt: memberships.coverageEndsAt,
        personalDataBlockedAt: memberships.personalDataBlockedAt,
      })
      .from(memberships)
      .where(
        and(
          filter.state ? eq(memberships.state, filter.state) : undefined,
          filter.channel ? eq(memberships.channel, filter.channel) : undefined,
          filter.planVersionIds ? inArray(memberships.planVersionId, filter.planVersionIds) : undefined,
          filter.from ? gte(memberships.contractedAt, filter.from) : undefined,
          filter.before ? lt(memberships.contractedAt, filter.before) : undefined,
          afterId ? lt(memberships.id, afterId) : undefined,
        ),
      )
      .orderBy(desc(memberships.id))
      .limit(limit);
  }
}
