import { and, count, eq, gte, sql } from 'drizzle-orm';
import { type Database, type Executor, preparedPer } from '../../db/client.ts';
import { memberships, usageLedger } from '../../db/schema/index.ts';
import { planOfVersion } from '../catalog/read-model.ts';
import {
  MEMBERSHIP_FACT_COLUMNS,
  type MembershipFacts,
  membershipFacts,
  type PersonGrant,
  personGrantOf,
} from '../members/read-model.ts';
import type { UsageCount } from './decide.ts';

export type LedgerEntry = typeof usageLedger.$inferSelect;

/** What a decision needs of a membership, and nothing more: members' read model names it. */
export type DecisionFacts = MembershipFacts;

/**
 * Uses that count: reserved or confirmed. Written as SQL with the literal, not `ne(status, 'released')`
 * (which sends 'released' as a parameter): the partial index `usage_ledger_counting_idx` has this
 * very predicate, and a prepared statement's generic plan can use that index only when the
 * predicate is in its text. With a parameter, PostgreSQL's generic plan was a sequential scan, so
 * it planned the statement anew on every execution.
 */
const COUNTS = sql`${usageLedger.status} <> 'released'`;

// A listed exception to reading memberships only through members' read model (docs/architecture.md):
// every eligibility question is this one prepared round trip, the membership joined with its uses;
// the columns are still the read model's.
const hot = preparedPer((db: Database) => ({
  decisionFactsWithUses: db
    .select({
      ...MEMBERSHIP_FACT_COLUMNS,
      membershipYear: usageLedger.membershipYear,
      serviceCode: usageLedger.serviceCode,
      usageKey: usageLedger.usageKey,
    })
    .from(memberships)
    .leftJoin(
      usageLedger,
      and(
        eq(usageLedger.membershipId, memberships.id),
        COUNTS,
        gte(usageLedger.reservedAt, sql.placeholder('since')),
      ),
    )
    .where(eq(memberships.id, sql.placeholder('id')))
    .prepare('entitlements_decision_facts_with_uses'),
}));

export class EntitlementsRepository {
  /** The person a beneficiary's own account stands for, or null. */
  async personGrantOf(executor: Executor, userId: string): Promise<PersonGrant | null> {
    return personGrantOf(executor, userId);
  }

  /**
   * The eligibility question's reads in one prepared statement (no transaction, no lock): the
   * membership's facts and its counting uses reserved since `since`. Rows of every membership year
   * in that window come back; the caller keeps the current year's.
   */
  async decisionFactsWithUses(
    db: Database,
    membershipId: string,
    since: Date,
  ): Promise<
    | { facts: DecisionFacts; uses: { membershipYear: number; serviceCode: string; key: string | null }[] }
    | undefined
  > {
    const rows = await hot(db).decisionFactsWithUses.execute({ id: membershipId, since });
    const [first] = rows;
    if (!first) return undefined;
    const { membershipYear: _y, serviceCode: _s, usageKey: _k, ...facts } = first;
    const uses = rows
      .filter((r) => r.serviceCode !== null && r.membershipYear !== null)
      .map((r) => ({
        membershipYear: r.membershipYear as number,
        serviceCode: r.serviceCode as string,
        key: r.usageKey,
      }));
    return { facts, uses };
  }

  /** Just what a decision needs of a membership: one primary-key read, locked when reserving. */
  async decisionFacts(
    executor: Executor,
    membershipId: string,
    forUpdate: boolean,
  ): Promise<DecisionFacts | undefined> {
    return membershipFacts(executor, membershipId, forUpdate);
  }

  /** A plan version's plan code and name (the catalog's read model). */
  async planVersion(executor: Executor, planVersionId: string) {
    return planOfVersion(executor, planVersionId);
  }

  /** Uses that count (reserved or confirmed) in one membership year, by service and key. */
  async usageCounts(executor: Executor, membershipId: string, membershipYear: number): Promise<UsageCount[]> {
    const rows = await executor
      .select({ serviceCode: usageLedger.serviceCode, key: usageLedger.usageKey, uses: count() })
      .from(usageLedger)
      .where(
        and(
          eq(usageLedger.membershipId, membershipId),
          eq(usageLedger.membershipYear, membershipYear),
          COUNTS,
        ),
      )
      .groupBy(usageLedger.serviceCode, usageLedger.usageKey);
    return rows.map((r) => ({ serviceCode: r.serviceCode, key: r.key, uses: Number(r.uses) }));
  }

  async insert(executor: Executor, entry: typeof usageLedger.$inferInsert): Promise<void> {
    await executor.insert(usageLedger).values(entry);
  }

  async byId(executor: Executor, id: string, forUpdate = false): Promise<LedgerEntry | undefined> {
    const query = executor.select().from(usageLedger).where(eq(usageLedger.id, id));
    const [row] = forUpdate ? await query.for('update') : await query;
    return row;
  }

  async update(
    executor: Executor,
    id: string,
    changes: Partial<typeof usageLedger.$inferInsert>,
  ): Promise<void> {
    await executor.update(usageLedger).set(changes).where(eq(usageLedger.id, id));
  }

  async ofMembership(executor: Executor, membershipId: string): Promise<LedgerEntry[]> {
    return executor.select().from(usageLedger).where(eq(usageLedger.membershipId, membershipId));
  }
}
