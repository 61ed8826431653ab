import { and, count, eq, sql } from 'drizzle-orm';
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
// every eligibility question is this one prepared round trip, the membership with its uses; the
// columns are still the read model's. The uses come as one JSON array in the membership's one row
// (`[year, service, key]` each) rather than as joined rows: a joined row repeated the membership's
// columns for every use, and mapping those rows was most of the statement's cost in this process.
const hot = preparedPer((db: Database) => ({
  decisionFactsWithUses: db
    .select({
      ...MEMBERSHIP_FACT_COLUMNS,
      // Qualified by hand: in a one-table select Drizzle writes bare column names, and a bare "id"
      // in the subquery would be the ledger's. The counting predicate is literal (see COUNTS).
      uses: sql<[number, string, string | null][]>`(
        select coalesce(json_agg(json_build_array(u.membership_year, u.service_code, u.usage_key)), '[]'::json)
        from usage_ledger u
        where u.membership_id = memberships.id and u.status <> 'released'
          and u.reserved_at >= ${sql.placeholder('since')})`,
    })
    .from(memberships)
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
    // An ISO string, not a Date: the driver formats a Date in the process's time zone, which is
    // dearer and means the same instant.
    const [row] = await hot(db).decisionFactsWithUses.execute({
      id: membershipId,
      since: since.toISOString(),
    });
    if (!row) return undefined;
    const { uses, ...facts } = row;
    return {
      facts,
      uses: uses.map(([membershipYear, serviceCode, key]) => ({ membershipYear, serviceCode, key })),
    };
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
