import { and, count, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { beneficiaries, beneficiaryAccounts, consents, memberships } from '../../db/schema/index.ts';

/**
 * What other domains may read of memberships, named by members (the table's owner), so that a
 * change to the table is made here and nowhere else. Other repositories call these functions with
 * their own executor (inside their transaction) instead of selecting from `memberships`.
 */

/** What an eligibility decision needs of a membership, and nothing more. */
export interface MembershipFacts {
  id: string;
  state: string;
  contractedAt: Date;
  coverageEndsAt: Date | null;
  planVersionId: string;
  titularName: string;
  titularUserId: string | null;
}

/**
 * The columns of `MembershipFacts`: entitlements' hot prepared statement joins them with its
 * ledger in one round trip (a listed exception), and takes them from here.
 */
export const MEMBERSHIP_FACT_COLUMNS = {
  id: memberships.id,
  state: memberships.state,
  contractedAt: memberships.contractedAt,
  coverageEndsAt: memberships.coverageEndsAt,
  planVersionId: memberships.planVersionId,
  titularName: memberships.titularName,
  titularUserId: memberships.titularUserId,
};

/**
 * One primary-key read. With `forUpdate` the row stays locked until the transaction ends
 * (reserving a use serialises on the membership).
 */
export async function membershipFacts(
  executor: Executor,
  membershipId: string,
  forUpdate: boolean,
): Promise<MembershipFacts | undefined> {
  const query = executor
    .select(MEMBERSHIP_FACT_COLUMNS)
    .from(memberships)
    .where(eq(memberships.id, membershipId));
  const [row] = forUpdate ? await query.for('update') : await query;
  return row;
}

/** Membership numbers by id, for presenting records of several memberships at once. */
export async function membershipNumbers(
  executor: Executor,
  membershipIds: string[],
): Promise<Map<string, string>> {
  if (membershipIds.length === 0) return new Map();
  const found = await executor
    .select({ id: memberships.id, number: memberships.number })
    .from(memberships)
    .where(inArray(memberships.id, [...new Set(membershipIds)]));
  return new Map(found.map((r) => [r.id, r.number]));
}

/** A membership's id by its number (`LM-26-000123`), for filters that name it. */
export async function membershipIdOfNumber(executor: Executor, number: string): Promise<string | undefined> {
  const [row] = await executor
    .select({ id: memberships.id })
    .from(memberships)
    .where(eq(memberships.number, number));
  return row?.id;
}

/** Each membership's number and titular account, by id, for presenting records of several memberships. */
export async function membershipSummaries(
  executor: Executor,
  membershipIds: string[],
): Promise<Map<string, { number: string; titularUserId: string | null }>> {
  if (membershipIds.length === 0) return new Map();
  const found = await executor
    .select({ id: memberships.id, number: memberships.number, titularUserId: memberships.titularUserId })
    .from(memberships)
    .where(inArray(memberships.id, [...new Set(membershipIds)]));
  return new Map(found.map(({ id, ...summary }) => [id, summary]));
}

/**
 * The ids of the memberships whose titular is this account, as a subquery for another domain's
 * filter (`inArray(x.membershipId, …)`): the filter stays one statement, on the caller's index.
 */
export function membershipIdsOfTitular(executor: Executor, userId: string) {
  return executor
    .select({ id: memberships.id })
    .from(memberships)
    .where(eq(memberships.titularUserId, userId));
}

/** How many memberships each plan version holds: all of them, and those not cancelled. */
export async function membershipCountsByPlanVersion(
  executor: Executor,
): Promise<{ planVersionId: string; total: number; current: number }[]> {
  return executor
    .select({
      planVersionId: memberships.planVersionId,
      total: count().mapWith(Number),
      current: sql<number>`count(*) filter (where ${memberships.state} <> 'cancelled')`.mapWith(Number),
    })
    .from(memberships)
    .groupBy(memberships.planVersionId);
}

/** Memberships not cancelled, by state, now. */
export async function membershipCountsByState(
  executor: Executor,
): Promise<{ state: string; memberships: number }[]> {
  return executor
    .select({ state: memberships.state, memberships: count().mapWith(Number) })
    .from(memberships)
    .where(ne(memberships.state, 'cancelled'))
    .groupBy(memberships.state);
}

/** The processor's token of the card on file: where a claim's reimbursement is paid. */
export async function cardTokenOf(executor: Executor, membershipId: string): Promise<string | undefined> {
  const [row] = await executor
    .select({ token: memberships.cardToken })
    .from(memberships)
    .where(eq(memberships.id, membershipId));
  return row?.token ?? undefined;
}

/**
 * The memberships among these whose titular's personal data is blocked (an accepted ARCO
 * cancellation): lists that name people say so instead of the name.
 */
export async function blockedMemberships(executor: Executor, membershipIds: string[]): Promise<Set<string>> {
  const ids = [...new Set(membershipIds)];
  if (ids.length === 0) return new Set();
  const found = await executor
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(inArray(memberships.id, ids), sql`${memberships.personalDataBlockedAt} is not null`));
  return new Set(found.map((r) => r.id));
}

/** The titular's phone of each membership, by id (a number to call back). */
export async function titularPhones(
  executor: Executor,
  membershipIds: string[],
): Promise<Map<string, string>> {
  if (membershipIds.length === 0) return new Map();
  const found = await executor
    .select({ id: memberships.id, phone: memberships.titularPhone })
    .from(memberships)
    .where(inArray(memberships.id, [...new Set(membershipIds)]));
  return new Map(found.map((r) => [r.id, r.phone]));
}

/** Where messages to a membership go: its titular's email and phone, by membership id. */
export async function membershipContacts(
  executor: Executor,
  membershipIds: string[],
): Promise<Map<string, { email: string; phone: string }>> {
  if (membershipIds.length === 0) return new Map();
  const found = await executor
    .select({ id: memberships.id, email: memberships.titularEmail, phone: memberships.titularPhone })
    .from(memberships)
    .where(inArray(memberships.id, [...new Set(membershipIds)]));
  return new Map(found.map(({ id, ...contact }) => [id, contact]));
}

/** The documents the titular accepted (terms, privacy notice): which version, when, by which channel. */
export async function consentsOf(
  executor: Executor,
  membershipId: string,
): Promise<{ document: string; version: string; acceptedAt: Date; channel: string }[]> {
  return executor
    .select({
      document: consents.document,
      version: consents.version,
      acceptedAt: consents.acceptedAt,
      channel: consents.channel,
    })
    .from(consents)
    .where(eq(consents.membershipId, membershipId))
    .orderBy(consents.acceptedAt);
}

/** What a beneficiary's own account may reach: that person on that membership. */
export interface PersonGrant {
  membershipId: string;
  personId: string;
}

/**
 * The person a customer account stands for when it is not a titular's: a beneficiary invited by
 * the titular, not revoked and still on the membership. Null for everyone else.
 */
export async function personGrantOf(executor: Executor, userId: string): Promise<PersonGrant | null> {
  const [row] = await executor
    .select({ membershipId: beneficiaryAccounts.membershipId, personId: beneficiaryAccounts.beneficiaryId })
    .from(beneficiaryAccounts)
    .innerJoin(beneficiaries, eq(beneficiaries.id, beneficiaryAccounts.beneficiaryId))
    .where(
      and(
        eq(beneficiaryAccounts.userId, userId),
        isNull(beneficiaryAccounts.revokedAt),
        isNull(beneficiaries.removedAt),
      ),
    );
  return row ?? null;
}

/** Each membership's sales channel, by id, for the event log (which partner sees its events). */
export async function membershipChannels(
  executor: Executor,
  membershipIds: string[],
): Promise<Map<string, 'online' | 'phone' | 'bank'>> {
  if (membershipIds.length === 0) return new Map();
  const found = await executor
    .select({ id: memberships.id, channel: memberships.channel })
    .from(memberships)
    .where(inArray(memberships.id, [...new Set(membershipIds)]));
  return new Map(found.map((r) => [r.id, r.channel as 'online' | 'phone' | 'bank']));
}

/** A membership living in a test clock's time (sandbox, docs/test-clocks.md). */
export interface TestClockMembership {
  id: string;
  number: string;
  state: string;
  testClockId: string;
  contractedAt: Date;
}

/** The memberships of these test clocks, oldest first. */
export async function membershipsOnTestClocks(
  executor: Executor,
  testClockIds: string[],
): Promise<TestClockMembership[]> {
  if (testClockIds.length === 0) return [];
  const found = await executor
    .select({
      id: memberships.id,
      number: memberships.number,
      state: memberships.state,
      testClockId: memberships.testClockId,
      contractedAt: memberships.contractedAt,
    })
    .from(memberships)
    .where(inArray(memberships.testClockId, [...new Set(testClockIds)]))
    .orderBy(memberships.contractedAt, memberships.id);
  return found.map((r) => ({ ...r, testClockId: r.testClockId as string }));
}
