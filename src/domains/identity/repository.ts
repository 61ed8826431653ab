import {
  and,
  asc,
  count,
  countDistinct,
  desc,
  eq,
  gt,
  isNull,
  lte,
  max,
  ne,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import { type Database, type Executor, preparedPer } from '../../db/client.ts';
import { apiKeys, loginAttempts, sessions, users } from '../../db/schema/index.ts';

export type UserRecord = typeof users.$inferSelect;
export type SessionRecord = typeof sessions.$inferSelect;
export type ApiKeyRecord = typeof apiKeys.$inferSelect;

const hot = preparedPer((db: Database) => ({
  sessionByToken: db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.tokenHash, sql.placeholder('tokenHash')))
    .prepare('identity_session_by_token'),
  apiKeyByPrefix: db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.prefix, sql.placeholder('prefix')))
    .prepare('identity_api_key_by_prefix'),
}));

/** The notification channel on which revoked API keys are announced to every process. */
export const API_KEY_REVOKED_CHANNEL = 'libra_api_key_revoked';

/** Dispatch's read model (`providerExists`), handed in by the app: dispatch reaches identity through cases. */
export type ProviderExists = (executor: Executor, providerId: string) => Promise<boolean>;

export class IdentityRepository {
  constructor(private readonly isProvider: ProviderExists) {}

  /** Every authenticated request asks this: a prepared statement, outside any transaction. */
  async sessionByToken(
    db: Database,
    tokenHash: string,
  ): Promise<{ session: SessionRecord; user: UserRecord } | undefined> {
    const [row] = await hot(db).sessionByToken.execute({ tokenHash });
    return row;
  }

  /** Every API-key request asks this: a prepared statement, outside any transaction. */
  async liveApiKeyByPrefix(db: Database, prefix: string): Promise<ApiKeyRecord | undefined> {
    const [row] = await hot(db).apiKeyByPrefix.execute({ prefix });
    return row;
  }

  async insertUser(executor: Executor, user: typeof users.$inferInsert): Promise<void> {
    await executor.insert(users).values(user);
  }

  /** Whether the provider is registered (dispatch's read model). */
  async providerExists(executor: Executor, providerId: string): Promise<boolean> {
    return this.isProvider(executor, providerId);
  }

  async userByEmail(executor: Executor, email: string): Promise<UserRecord | undefined> {
    const [row] = await executor.select().from(users).where(eq(users.email, email));
    return row;
  }

  async userById(executor: Executor, id: string): Promise<UserRecord | undefined> {
    const [row] = await executor.select().from(users).where(eq(users.id, id));
    return row;
  }

  async listUsers(executor: Executor, role?: string): Promise<UserRecord[]> {
    return executor
      .select()
      .from(users)
      .where(role ? eq(users.role, role) : undefined)
      .orderBy(asc(users.email));
  }

  async setUserStatus(
    executor: Executor,
    id: string,
    status: 'active' | 'disabled',
    at: Date,
  ): Promise<void> {
    await executor.update(users).set({ status, updatedAt: at }).where(eq(users.id, id));
  }

  async updatePassword(executor: Executor, id: string, passwordHash: string, at: Date): Promise<void> {
    await executor.update(users).set({ passwordHash, updatedAt: at }).where(eq(users.id, id));
  }

  async insertSession(executor: Executor, session: typeof sessions.$inferInsert): Promise<void> {
    await executor.insert(sessions).values(session);
  }

  async touchSession(executor: Executor, id: string, at: Date): Promise<void> {
    await executor.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.id, id));
  }

  async activeSessionsOf(executor: Executor, userId: string): Promise<SessionRecord[]> {
    return executor
      .select()
      .from(sessions)
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
      .orderBy(desc(sessions.lastSeenAt));
  }

  /** Revokes one of the user's own sessions; returns false when it is not theirs or already ended. */
  async revokeSession(executor: Executor, userId: string, sessionId: string, at: Date): Promise<boolean> {
    const revoked = await executor
      .update(sessions)
      .set({ revokedAt: at })
      .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id });
    return revoked.length > 0;
  }

  /** Ends every live session of the user but one (the one changing the password); returns how many. */
  async revokeOtherSessions(
    executor: Executor,
    userId: string,
    keepSessionId: string,
    at: Date,
  ): Promise<number> {
    const revoked = await executor
      .update(sessions)
      .set({ revokedAt: at })
      .where(and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id });
    return revoked.length;
  }

  async revokeAllSessions(executor: Executor, userId: string, at: Date): Promise<void> {
    await executor
      .update(sessions)
      .set({ revokedAt: at })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
  }

  async recordLoginAttempt(executor: Executor, attempt: typeof loginAttempts.$inferInsert): Promise<void> {
    await executor.insert(loginAttempts).values(attempt);
  }

  /** When the address last signed into the account (a password proved from there), if ever. */
  async lastSuccess(executor: Executor, email: string, ip: string): Promise<Date | null> {
    const [row] = await executor
      .select({ at: loginAttempts.at })
      .from(loginAttempts)
      .where(and(eq(loginAttempts.email, email), eq(loginAttempts.ip, ip), eq(loginAttempts.succeeded, true)))
      .orderBy(desc(loginAttempts.at))
      .limit(1);
    return row?.at ?? null;
  }

  /** The account-and-address pair's failures after `since`: how many, and the latest. */
  async pairFailures(
    executor: Executor,
    email: string,
    ip: string,
    since: Date,
  ): Promise<{ n: number; latest: Date | null }> {
    const [row] = await executor
      .select({ n: count(), latest: max(loginAttempts.at) })
      .from(loginAttempts)
      .where(
        and(
          eq(loginAttempts.email, email),
          eq(loginAttempts.ip, ip),
          eq(loginAttempts.succeeded, false),
          gt(loginAttempts.at, since),
        ),
      );
    return { n: row?.n ?? 0, latest: row?.latest ? new Date(row.latest) : null };
  }

  /**
   * Failures matching `where` after `since`: how many, and — when there are `ceiling` or more — when
   * the `ceiling`-th most recent happened: once it leaves the window, the count is under the ceiling.
   */
  private async failuresUnder(
    executor: Executor,
    where: SQL,
    since: Date,
    ceiling: number,
  ): Promise<{ n: number; ceilingAt: Date | null }> {
    const failed = and(where, eq(loginAttempts.succeeded, false), gt(loginAttempts.at, since));
    const [row] = await executor.select({ n: count() }).from(loginAttempts).where(failed);
    const n = row?.n ?? 0;
    if (n < ceiling) return { n, ceilingAt: null };
    const [nth] = await executor
      .select({ at: loginAttempts.at })
      .from(loginAttempts)
      .where(failed)
      .orderBy(desc(loginAttempts.at))
      .offset(ceiling - 1)
      .limit(1);
    return { n, ceilingAt: nth?.at ?? null };
  }

  accountFailures(executor: Executor, email: string, since: Date, ceiling = Number.POSITIVE_INFINITY) {
    return this.failuresUnder(executor, eq(loginAttempts.email, email), since, ceiling);
  }

  addressFailures(executor: Executor, ip: string, since: Date, ceiling: number) {
    return this.failuresUnder(executor, eq(loginAttempts.ip, ip), since, ceiling);
  }

  /** How many addresses the account's failures after `since` came from. */
  async failingAddresses(executor: Executor, email: string, since: Date): Promise<number> {
    const [row] = await executor
      .select({ n: countDistinct(loginAttempts.ip) })
      .from(loginAttempts)
      .where(
        and(eq(loginAttempts.email, email), eq(loginAttempts.succeeded, false), gt(loginAttempts.at, since)),
      );
    return row?.n ?? 0;
  }

  async setSignInUnlocked(executor: Executor, userId: string, at: Date): Promise<void> {
    await executor.update(users).set({ signInUnlockedAt: at }).where(eq(users.id, userId));
  }

  /**
   * Claims the report of the attack on the account: true for the one caller that marks it, false
   * when it was reported after `since` already (concurrent failures all cross the ceiling together;
   * the row's lock lets one through).
   */
  async claimAttackReport(executor: Executor, userId: string, at: Date, since: Date): Promise<boolean> {
    const claimed = await executor
      .update(users)
      .set({ signInAttackReportedAt: at })
      .where(
        and(
          eq(users.id, userId),
          or(isNull(users.signInAttackReportedAt), lte(users.signInAttackReportedAt, since)),
        ),
      )
      .returning({ id: users.id });
    return claimed.length > 0;
  }

  async insertApiKey(executor: Executor, key: typeof apiKeys.$inferInsert): Promise<void> {
    await executor.insert(apiKeys).values(key);
  }

  async apiKeyByPrefix(executor: Executor, prefix: string): Promise<ApiKeyRecord | undefined> {
    const [row] = await executor.select().from(apiKeys).where(eq(apiKeys.prefix, prefix));
    return row;
  }

  async listApiKeys(executor: Executor): Promise<ApiKeyRecord[]> {
    return executor.select().from(apiKeys).orderBy(desc(apiKeys.createdAt));
  }

  /** Revokes a key; returns its prefix, or null when there was no live key with that id. */
  async revokeApiKey(executor: Executor, id: string, at: Date): Promise<string | null> {
    const revoked = await executor
      .update(apiKeys)
      .set({ revokedAt: at })
      .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
      .returning({ prefix: apiKeys.prefix });
    return revoked[0]?.prefix ?? null;
  }

  async revokeApiKeysNamed(executor: Executor, name: string, at: Date): Promise<string[]> {
    const revoked = await executor
      .update(apiKeys)
      .set({ revokedAt: at })
      .where(and(eq(apiKeys.name, name), isNull(apiKeys.revokedAt)))
      .returning({ prefix: apiKeys.prefix });
    return revoked.map((r) => r.prefix);
  }

  /** Tells every process that these keys were revoked; delivered when the transaction commits. */
  async notifyRevoked(executor: Executor, prefixes: string[]): Promise<void> {
    for (const prefix of prefixes) {
      await executor.execute(sql`select pg_notify(${API_KEY_REVOKED_CHANNEL}, ${prefix})`);
    }
  }

  async touchApiKey(executor: Executor, id: string, at: Date): Promise<void> {
    await executor.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, id));
  }
}
