import type { Database, Transaction } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { AuditService } from '../audit/service.ts';
import './errors.ts';
import {
  type Actor,
  API_KEY_KINDS,
  API_KEY_RATE_LIMIT_RANGE,
  type ApiKeyKind,
  type Principal,
  SCOPES,
  type Scope,
  STAFF_ROLES,
  type UserRole,
} from '../../platform/principal.ts';
import {
  checkPasswordLength,
  checkPasswordPolicy,
  hashPassword,
  verifyAgainstNothing,
  verifyPassword,
} from './passwords.ts';
import type { ApiKeyRecord, IdentityRepository, SessionRecord, UserRecord } from './repository.ts';
import { csrfTokenFor, hashToken, newApiKey, newSecretToken, parseApiKey, safeEqual } from './tokens.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How long a session lives without use (idle) and at most (absolute), by role. */
export const SESSION_LIFETIMES: Record<UserRole, { idleMs: number; absoluteMs: number }> = {
  agent: { idleMs: 30 * MINUTE, absoluteMs: 12 * HOUR },
  supervisor: { idleMs: 30 * MINUTE, absoluteMs: 12 * HOUR },
  finance: { idleMs: 30 * MINUTE, absoluteMs: 12 * HOUR },
  admin: { idleMs: 30 * MINUTE, absoluteMs: 12 * HOUR },
  doctor: { idleMs: 30 * MINUTE, absoluteMs: 12 * HOUR },
  lawyer: { idleMs: 30 * MINUTE, absoluteMs: 12 * HOUR },
  medical_supervisor: { idleMs: 30 * MINUTE, absoluteMs: 12 * HOUR },
  customer: { idleMs: 1 * DAY, absoluteMs: 30 * DAY },
  provider: { idleMs: 7 * DAY, absoluteMs: 30 * DAY },
};

const SECOND = 1000;

/**
 * Sign-in throttling (OWASP Authentication Cheat Sheet, "Login Throttling"), built so that nobody
 * can lock another person out (issue 19). Failed sign-ins (and wrong current passwords when
 * changing it) count against three things:
 * - **The account-and-address pair**, the main limit: its first 5 failures are free; after the 5th
 *   it waits 30 s, and each further failure doubles the wait (1, 2, 4, 8 min) up to 15 min. The
 *   count starts again when the pair signs in, and forgets failures older than a day. A stranger's
 *   failures slow the stranger's address only: the owner elsewhere is not affected. One address
 *   gets about 12 guesses at an account in its first hour, 4 an hour after that.
 * - **The account, all addresses together**: a ceiling of 50 failures in an hour, four times what
 *   one address can do, so only many addresses at once (a botnet) reach it. Past it, addresses
 *   that have not signed into the account in the last 30 days wait until the hour's count is
 *   under 50 again; the owner's usual addresses go on. Crossing it is audited
 *   (`user.sign_in_attacked`), at most once an hour while the attack lasts.
 * - **The address, all accounts together**: 100 failures in 15 minutes (password spraying from
 *   one address). Past it, the address is held to 100 failures per 15 minutes for accounts that
 *   have not signed in from it in the last 30 days; accounts that have (a call centre's agents
 *   behind one NAT address) are not held by it at all.
 * Staff (admin, supervisor) can unlock an account: its failures until then stop counting.
 */
export const SIGN_IN_THROTTLE = {
  pair: { freeFailures: 5, firstDelayMs: 30 * SECOND, maxDelayMs: 15 * MINUTE, windowMs: DAY },
  account: { ceiling: 50, windowMs: HOUR },
  address: { ceiling: 100, windowMs: 15 * MINUTE },
  /** A pair that signed in this recently is the owner's: the account's and the address's ceilings let it through. */
  knownPairMs: 30 * DAY,
} as const;

/** How long a pair waits after its latest failure, given how many failures it has. */
export function pairDelayMs(failures: number): number {
  const { freeFailures, firstDelayMs, maxDelayMs } = SIGN_IN_THROTTLE.pair;
  if (failures < freeFailures) return 0;
  return Math.min(firstDelayMs * 2 ** (failures - freeFailures), maxDelayMs);
}

/** The latest of instants (nulls ignored). */
function latest(...instants: (Date | null | undefined)[]): Date {
  return new Date(Math.max(...instants.map((d) => d?.getTime() ?? Number.NEGATIVE_INFINITY)));
}

/** How long a live API key is trusted from memory before it is read again. */
const API_KEY_CACHE_MS = 60_000;

/** Writing last-seen on every request would make every read a write; once a minute is enough. */
const TOUCH_EVERY_MS = MINUTE;

/** Scopes each kind of key may hold. */
export const SCOPES_BY_KIND: Record<ApiKeyKind, readonly Scope[]> = {
  partner: [
    'memberships:read',
    'memberships:write',
    'eligibility:read',
    'cases:read',
    'cases:write',
    'complaints:read',
    'complaints:write',
    'events:read',
  ],
  provider: ['provider:jobs'],
  metrics: ['metrics:read'],
};

/** Roles an admin may give; customers get their account by contracting. */
const ADMIN_ASSIGNABLE: readonly UserRole[] = [...STAFF_ROLES, 'provider'];

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  status: 'active' | 'disabled';
  providerId: string | null;
  createdAt: string;
}

export function presentUser(user: UserRecord): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role as UserRole,
    status: user.status as 'active' | 'disabled',
    providerId: user.providerId,
    createdAt: user.createdAt.toISOString(),
  };
}

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  kind: ApiKeyKind;
  scopes: Scope[];
  providerId: string | null;
  rateLimitPerMinute: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export function presentApiKey(key: ApiKeyRecord): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    kind: key.kind as ApiKeyKind,
    scopes: key.scopes as Scope[],
    providerId: key.providerId,
    rateLimitPerMinute: key.rateLimitPerMinute,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

export interface SignedIn {
  token: string;
  csrfToken: string;
  user: UserView;
  sessionId: string;
  expiresAt: Date;
}

/**
 * Who gives an account its password: an admin (staff and provider roles only), the system
 * (contracting, the CLI, tests: any role), or the demo seed. Only the demo seed may set the demo
 * password, which is published and so fails the policy; it may only where demo data is allowed.
 */
export type AssignedBy = 'admin' | 'system' | 'demo';

export interface IdentityOptions {
  /** Demo data is allowed (LIBRA_SEED_DEMO; never in production): the demo seed may set its password. */
  demoAccounts: boolean;
}

export interface NewUser {
  email: string;
  name: string;
  role: UserRole;
  password: string;
  providerId?: string | null;
}

export class IdentityService {
  constructor(
    private readonly db: Database,
    private readonly repository: IdentityRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly options: IdentityOptions = { demoAccounts: false },
  ) {}

  /** When a session ends: the earlier of idle expiry and absolute expiry. */
  sessionExpiry(session: Pick<SessionRecord, 'lastSeenAt' | 'absoluteExpiresAt'>, role: UserRole): Date {
    const idle = session.lastSeenAt.getTime() + SESSION_LIFETIMES[role].idleMs;
    return new Date(Math.min(idle, session.absoluteExpiresAt.getTime()));
  }

  /**
   * A wrong password, at sign-in or when changing it: both count towards the same limits. When the
   * failure takes an existing account over its ceiling, the crossing is audited as
   * `user.sign_in_attacked` in the same transaction: the owner and staff can see that the account
   * was attacked (and from how many addresses) until notifications can tell the owner directly.
   */
  private async recordFailedAttempt(
    actor: Actor,
    attempt: { email: string; ip: string; at: Date; user: UserRecord | undefined },
  ): Promise<void> {
    const { email, ip, at, user } = attempt;
    const { ceiling, windowMs } = SIGN_IN_THROTTLE.account;
    // The same statements whether the account exists or not, so the answer's timing does not tell.
    await this.db.transaction(async (tx) => {
      await this.repository.recordLoginAttempt(tx, { id: newId(), at, email, ip, succeeded: false });
      const since = latest(new Date(at.getTime() - windowMs), user?.signInUnlockedAt);
      const account = await this.repository.accountFailures(tx, email, since, ceiling);
      if (!user || account.n < ceiling) return;
      if (!(await this.repository.claimAttackReport(tx, user.id, at, since))) return;
      await this.audit.record(tx, actor, {
        action: 'user.sign_in_attacked',
        recordType: 'user',
        recordId: user.id,
        details: {
          failures: account.n,
          windowMinutes: windowMs / MINUTE,
          addresses: await this.repository.failingAddresses(tx, email, since),
        },
      });
    });
  }

  async login(
    input: { email: string; password: string; userAgent?: string | undefined },
    actor: Actor,
  ): Promise<SignedIn> {
    const email = normaliseEmail(input.email);
    const ip = actor.ip ?? 'unknown';
    const now = this.clock.now();
    const user = await this.repository.userByEmail(this.db, email);
    await this.refuseIfThrottled({ email, ip, now, unlockedAt: user?.signInUnlockedAt ?? null });

    const valid = user
      ? (await verifyPassword(user.passwordHash, input.password)) && user.status === 'active'
      : await verifyAgainstNothing(input.password);

    if (!user || !valid) {
      await this.recordFailedAttempt(actor, { email, ip, at: now, user });
      throw new AppError('INVALID_CREDENTIALS');
    }

    const role = user.role as UserRole;
    const token = newSecretToken();
    const sessionId = newId();
    const absoluteExpiresAt = new Date(now.getTime() + SESSION_LIFETIMES[role].absoluteMs);
    await this.db.transaction(async (tx) => {
      await this.repository.recordLoginAttempt(tx, { id: newId(), at: now, email, ip, succeeded: true });
      await this.repository.insertSession(tx, {
        id: sessionId,
        tokenHash: hashToken(token),
        userId: user.id,
        createdAt: now,
        lastSeenAt: now,
        absoluteExpiresAt,
        ip,
        userAgent: input.userAgent?.slice(0, 300) ?? null,
      });
      await this.audit.record(
        tx,
        { ...actor, principal: this.principalOf(user, sessionId, absoluteExpiresAt) },
        { action: 'session.create', recordType: 'session', recordId: sessionId },
      );
    });
    return {
      token,
      csrfToken: csrfTokenFor(token),
      user: presentUser(user),
      sessionId,
      expiresAt: this.sessionExpiry({ lastSeenAt: now, absoluteExpiresAt }, role),
    };
  }

  /**
   * Refuses (429 with Retry-After) an attempt the throttle holds back, before the password is
   * checked, so a held-back guess learns nothing. See SIGN_IN_THROTTLE for the rules and figures.
   */
  private async refuseIfThrottled(
    attempt: { email: string; ip: string; now: Date; unlockedAt: Date | null },
    code: 'LOGIN_THROTTLED' | 'PASSWORD_CHANGE_THROTTLED' = 'LOGIN_THROTTLED',
  ): Promise<void> {
    const { email, ip, now, unlockedAt } = attempt;
    const { pair, account, address, knownPairMs } = SIGN_IN_THROTTLE;
    const ago = (ms: number) => new Date(now.getTime() - ms);
    const lastSuccess = await this.repository.lastSuccess(this.db, email, ip);
    const releases: number[] = [];

    // A success from this address, or a staff unlock, starts the pair's count again.
    const pairFailures = await this.repository.pairFailures(
      this.db,
      email,
      ip,
      latest(ago(pair.windowMs), lastSuccess, unlockedAt),
    );
    if (pairFailures.latest) releases.push(pairFailures.latest.getTime() + pairDelayMs(pairFailures.n));

    const known = lastSuccess !== null && lastSuccess.getTime() > now.getTime() - knownPairMs;
    if (!known) {
      const ofAccount = await this.repository.accountFailures(
        this.db,
        email,
        latest(ago(account.windowMs), unlockedAt),
        account.ceiling,
      );
      if (ofAccount.ceilingAt) releases.push(ofAccount.ceilingAt.getTime() + account.windowMs);
      const ofAddress = await this.repository.addressFailures(
        this.db,
        ip,
        ago(address.windowMs),
        address.ceiling,
      );
      if (ofAddress.ceilingAt) releases.push(ofAddress.ceilingAt.getTime() + address.windowMs);
    }

    const until = Math.max(now.getTime(), ...releases);
    if (until <= now.getTime()) return;
    const retryAfter = Math.max(1, Math.ceil((until - now.getTime()) / 1000));
    throw new AppError(code, {
      headers: { 'retry-after': String(retryAfter) },
      extensions: { retryAfterSeconds: retryAfter },
    });
  }

  private principalOf(user: UserRecord, sessionId: string, expiresAt: Date): Principal {
    return {
      kind: 'user',
      userId: user.id,
      role: user.role as UserRole,
      email: user.email,
      name: user.name,
      providerId: user.providerId,
      sessionId,
      sessionExpiresAt: expiresAt,
    };
  }

  /** The principal behind a session cookie, or SESSION_EXPIRED when it is unknown, ended or revoked. */
  async authenticateSession(token: string): Promise<Principal> {
    const found = await this.repository.sessionByToken(this.db, hashToken(token));
    if (!found) throw new AppError('SESSION_EXPIRED');
    const { session, user } = found;
    const now = this.clock.now();
    const role = user.role as UserRole;
    const expiresAt = this.sessionExpiry(session, role);
    if (session.revokedAt || user.status !== 'active' || now.getTime() >= expiresAt.getTime()) {
      throw new AppError('SESSION_EXPIRED');
    }
    let current = expiresAt;
    if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
      await this.repository.touchSession(this.db, session.id, now);
      current = this.sessionExpiry({ lastSeenAt: now, absoluteExpiresAt: session.absoluteExpiresAt }, role);
    }
    return this.principalOf(user, session.id, current);
  }

  /** CSRF check for cookie-authenticated writes. */
  verifyCsrf(sessionToken: string, presented: string | undefined): void {
    if (!presented || !safeEqual(csrfTokenFor(sessionToken), presented))
      throw new AppError('CSRF_TOKEN_INVALID');
  }

  /**
   * Live keys by prefix, so that a system calling many times a second does not cost a read each
   * time. Revocation reaches every process through a notification (`forgetApiKey`); entries also
   * expire after a minute, a bound should a notification ever be missed.
   */
  private readonly apiKeyCache = new Map<string, { record: ApiKeyRecord; cachedAt: number }>();

  forgetApiKey(prefix: string): void {
    this.apiKeyCache.delete(prefix);
  }

  async authenticateApiKey(key: string): Promise<Principal> {
    const parsed = parseApiKey(key);
    const now = this.clock.now();
    let record: ApiKeyRecord | undefined;
    if (parsed) {
      const cached = this.apiKeyCache.get(parsed.prefix);
      // The wall clock, not the injected one: this bounds a cache, it is not a business rule.
      if (cached && Date.now() - cached.cachedAt < API_KEY_CACHE_MS) record = cached.record;
      else {
        record = await this.repository.liveApiKeyByPrefix(this.db, parsed.prefix);
        if (record && !record.revokedAt)
          this.apiKeyCache.set(parsed.prefix, { record, cachedAt: Date.now() });
      }
    }
    if (!parsed || !record || record.revokedAt || !safeEqual(record.secretHash, hashToken(parsed.secret))) {
      throw new AppError('API_KEY_INVALID');
    }
    if (!record.lastUsedAt || now.getTime() - record.lastUsedAt.getTime() >= TOUCH_EVERY_MS) {
      await this.repository.touchApiKey(this.db, record.id, now);
      record.lastUsedAt = now;
    }
    return {
      kind: 'api_key',
      apiKeyId: record.id,
      role: record.kind as ApiKeyKind,
      name: record.name,
      scopes: record.scopes as Scope[],
      providerId: record.providerId,
      rateLimitPerMinute: record.rateLimitPerMinute,
    };
  }

  async logout(actor: Actor): Promise<void> {
    const principal = actor.principal;
    if (principal?.kind !== 'user') return;
    await this.db.transaction(async (tx) => {
      await this.repository.revokeSession(tx, principal.userId, principal.sessionId, this.clock.now());
      await this.audit.record(tx, actor, {
        action: 'session.revoke',
        recordType: 'session',
        recordId: principal.sessionId,
      });
    });
  }

  async listOwnSessions(actor: Actor) {
    const principal = this.requireUser(actor);
    const now = this.clock.now();
    const role = principal.role;
    return (await this.repository.activeSessionsOf(this.db, principal.userId))
      .map((s) => ({ session: s, expiresAt: this.sessionExpiry(s, role) }))
      .filter(({ expiresAt }) => expiresAt.getTime() > now.getTime())
      .map(({ session, expiresAt }) => ({
        id: session.id,
        current: session.id === principal.sessionId,
        createdAt: session.createdAt.toISOString(),
        lastSeenAt: session.lastSeenAt.toISOString(),
        expiresAt: expiresAt.toISOString(),
        ip: session.ip,
        userAgent: session.userAgent,
      }));
  }

  /** Ends one of the caller's own sessions; anyone else's answers as if it did not exist. */
  async revokeOwnSession(actor: Actor, sessionId: string): Promise<void> {
    const principal = this.requireUser(actor);
    await this.db.transaction(async (tx) => {
      const revoked = await this.repository.revokeSession(tx, principal.userId, sessionId, this.clock.now());
      if (!revoked) throw new AppError('SESSION_NOT_FOUND');
      await this.audit.record(tx, actor, {
        action: 'session.revoke',
        recordType: 'session',
        recordId: sessionId,
      });
    });
  }

  /**
   * Changes the signed-in person's password. The current one must be right: a wrong one counts
   * as a failed sign-in of the account and the address (the same throttle, so this cannot be
   * used to guess the password instead of signing in). The new one follows the password policy.
   * Every other session of the account ends; this one goes on.
   */
  async changePassword(
    actor: Actor,
    input: { currentPassword: string; newPassword: string },
  ): Promise<{ otherSessionsEnded: number }> {
    const principal = this.requireUser(actor);
    const ip = actor.ip ?? 'unknown';
    const now = this.clock.now();
    const email = normaliseEmail(principal.email);
    checkPasswordPolicy(
      input.newPassword,
      { role: principal.role, email: principal.email, name: principal.name },
      'body/newPassword',
    );
    const user = await this.repository.userById(this.db, principal.userId);
    if (!user) throw new AppError('USER_NOT_FOUND');
    await this.refuseIfThrottled(
      { email, ip, now, unlockedAt: user.signInUnlockedAt },
      'PASSWORD_CHANGE_THROTTLED',
    );
    if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
      await this.recordFailedAttempt(actor, { email, ip, at: now, user });
      throw new AppError('PASSWORD_INCORRECT', {
        errors: [{ field: 'body/currentPassword', message: 'is not the current password' }],
      });
    }
    const passwordHash = await hashPassword(input.newPassword);
    return this.db.transaction(async (tx) => {
      // Proof of the password from this address, like a sign-in: it clears the pair's count.
      await this.repository.recordLoginAttempt(tx, { id: newId(), at: now, email, ip, succeeded: true });
      await this.repository.updatePassword(tx, user.id, passwordHash, now);
      const otherSessionsEnded = await this.repository.revokeOtherSessions(
        tx,
        user.id,
        principal.sessionId,
        now,
      );
      await this.audit.record(tx, actor, {
        action: 'user.change_password',
        recordType: 'user',
        recordId: user.id,
        details: { otherSessionsEnded },
      });
      return { otherSessionsEnded };
    });
  }

  private requireUser(actor: Actor): Extract<Principal, { kind: 'user' }> {
    if (actor.principal?.kind !== 'user') throw new AppError('UNAUTHENTICATED');
    return actor.principal;
  }

  /**
   * Creates an account. Admins may create staff and provider accounts; customer accounts are
   * created by contracting (`assignedBy: 'system'`).
   */
  async createUser(actor: Actor, input: NewUser, assignedBy: AssignedBy = 'admin'): Promise<UserView> {
    this.checkNewUser(input, assignedBy);
    const passwordHash = await hashPassword(input.password);
    return this.db.transaction((tx) => this.insertUser(tx, actor, input, passwordHash));
  }

  /** The same inside the caller's transaction (contracting creates the customer's account with it). */
  async createUserIn(
    tx: Transaction,
    actor: Actor,
    input: NewUser,
    assignedBy: AssignedBy = 'admin',
  ): Promise<UserView> {
    this.checkNewUser(input, assignedBy);
    return this.insertUser(tx, actor, input, await hashPassword(input.password));
  }

  private checkNewUser(input: NewUser, assignedBy: AssignedBy): void {
    if (assignedBy === 'admin' && !ADMIN_ASSIGNABLE.includes(input.role))
      throw new AppError('ROLE_NOT_ASSIGNABLE');
    this.checkPassword(
      input.password,
      { role: input.role, email: input.email, name: input.name },
      assignedBy,
    );
  }

  /**
   * The password policy, except for the demo seed: its password is published in the README, so the
   * policy refuses it, and the demo accounts exist to be signed into with it. Only the length is
   * kept there, and only where demo data is allowed; anywhere else asking for it is a bug.
   */
  private checkPassword(
    password: string,
    owner: { role: UserRole; email: string; name: string },
    assignedBy: AssignedBy,
  ): void {
    if (assignedBy !== 'demo') {
      checkPasswordPolicy(password, owner);
      return;
    }
    if (!this.options.demoAccounts)
      throw new Error('demo passwords are set only where demo data is allowed (LIBRA_SEED_DEMO)');
    checkPasswordLength(password);
  }

  private async insertUser(
    tx: Transaction,
    actor: Actor,
    input: NewUser,
    passwordHash: string,
  ): Promise<UserView> {
    const email = normaliseEmail(input.email);
    const now = this.clock.now();
    const id = newId();
    if (await this.repository.userByEmail(tx, email)) throw new AppError('EMAIL_TAKEN');
    if (input.providerId && !(await this.repository.providerExists(tx, input.providerId)))
      throw new AppError('PROVIDER_UNKNOWN');
    await this.repository.insertUser(tx, {
      id,
      email,
      name: input.name.trim(),
      role: input.role,
      passwordHash,
      providerId: input.providerId ?? null,
      status: 'active',
      createdAt: now,
      updatedAt: now,
    });
    await this.audit.record(tx, actor, {
      action: 'user.create',
      recordType: 'user',
      recordId: id,
      details: { role: input.role },
    });
    const created = await this.repository.userById(tx, id);
    if (!created) throw new Error('user vanished after insert');
    return presentUser(created);
  }

  /** Staff read of personal data (names, emails): audited. */
  async listUsers(actor: Actor, role?: UserRole): Promise<UserView[]> {
    return this.db.transaction(async (tx) => {
      const found = await this.repository.listUsers(tx, role);
      await this.audit.record(tx, actor, {
        action: 'user.list',
        recordType: 'user',
        details: { role: role ?? null, count: found.length },
      });
      return found.map(presentUser);
    });
  }

  async setUserStatus(actor: Actor, userId: string, status: 'active' | 'disabled'): Promise<UserView> {
    return this.db.transaction(async (tx) => {
      const user = await this.repository.userById(tx, userId);
      if (!user) throw new AppError('USER_NOT_FOUND');
      const now = this.clock.now();
      await this.repository.setUserStatus(tx, userId, status, now);
      if (status === 'disabled') await this.repository.revokeAllSessions(tx, userId, now);
      await this.audit.record(tx, actor, {
        action: status === 'disabled' ? 'user.disable' : 'user.enable',
        recordType: 'user',
        recordId: userId,
      });
      return presentUser({ ...user, status, updatedAt: now });
    });
  }

  /**
   * Staff let a person sign in again (they called, proved who they are): the account's failed
   * sign-ins until now stop counting, for every address and for its ceiling. The address limits
   * are the addresses' own and are not touched (they clear within 15 minutes). Audited.
   */
  async unlockSignIn(
    actor: Actor,
    userId: string,
  ): Promise<{ user: UserView; unlockedAt: string; failuresCleared: number }> {
    return this.db.transaction(async (tx) => {
      const user = await this.repository.userById(tx, userId);
      if (!user) throw new AppError('USER_NOT_FOUND');
      const now = this.clock.now();
      const { n: failuresCleared } = await this.repository.accountFailures(
        tx,
        user.email,
        latest(new Date(now.getTime() - SIGN_IN_THROTTLE.pair.windowMs), user.signInUnlockedAt),
      );
      await this.repository.setSignInUnlocked(tx, userId, now);
      await this.audit.record(tx, actor, {
        action: 'user.unlock_sign_in',
        recordType: 'user',
        recordId: userId,
        details: { failuresCleared },
      });
      return { user: presentUser(user), unlockedAt: now.toISOString(), failuresCleared };
    });
  }

  async createApiKey(
    actor: Actor,
    input: {
      name: string;
      kind: ApiKeyKind;
      scopes: string[];
      providerId?: string | null;
      key?: string;
      /** The key's own requests a minute; absent or null: the server's default for keys. */
      rateLimitPerMinute?: number | null | undefined;
    },
  ): Promise<{ apiKey: ApiKeyView; key: string }> {
    if (!API_KEY_KINDS.includes(input.kind)) throw new AppError('SCOPE_INVALID');
    const rateLimit = input.rateLimitPerMinute ?? null;
    // The API's schema checks it too; the CLI reaches here without one.
    if (
      rateLimit !== null &&
      !(
        Number.isInteger(rateLimit) &&
        rateLimit >= API_KEY_RATE_LIMIT_RANGE.min &&
        rateLimit <= API_KEY_RATE_LIMIT_RANGE.max
      )
    ) {
      throw new AppError('VALIDATION_FAILED', {
        errors: [
          {
            field: 'body/rateLimitPerMinute',
            message: `must be a whole number of requests a minute between ${API_KEY_RATE_LIMIT_RANGE.min} and ${API_KEY_RATE_LIMIT_RANGE.max}`,
            localised: {
              es: `Escribe un número entero de solicitudes por minuto entre ${API_KEY_RATE_LIMIT_RANGE.min} y ${API_KEY_RATE_LIMIT_RANGE.max.toLocaleString('es-MX')}.`,
              en: `Enter a whole number of requests a minute between ${API_KEY_RATE_LIMIT_RANGE.min} and ${API_KEY_RATE_LIMIT_RANGE.max.toLocaleString('en')}.`,
            },
          },
        ],
      });
    }
    const allowed = SCOPES_BY_KIND[input.kind];
    const invalid = input.scopes.filter((s) => !(s in SCOPES) || !allowed.includes(s as Scope));
    if (invalid.length > 0 || input.scopes.length === 0) {
      throw new AppError('SCOPE_INVALID', {
        errors: invalid.map((s) => ({
          field: 'body/scopes',
          message: `${s} is not a scope a ${input.kind} key may hold`,
        })),
        extensions: { allowedScopes: allowed },
      });
    }
    // A caller may supply the key (the demo key from LIBRA_DEMO_API_KEY); it must look like ours.
    const parsed = input.key ? parseApiKey(input.key) : null;
    if (input.key && !parsed) throw new Error('LIBRA_DEMO_API_KEY must look like lbr_<12 chars>_<43 chars>');
    const generated = parsed ? { ...parsed, key: input.key as string } : newApiKey();
    const now = this.clock.now();
    const id = newId();
    const createdBy = actor.principal?.kind === 'user' ? actor.principal.userId : null;
    return this.db.transaction(async (tx) => {
      if (input.providerId && !(await this.repository.providerExists(tx, input.providerId)))
        throw new AppError('PROVIDER_UNKNOWN');
      await this.repository.insertApiKey(tx, {
        id,
        name: input.name.trim(),
        prefix: generated.prefix,
        secretHash: hashToken(generated.secret),
        kind: input.kind,
        scopes: [...new Set(input.scopes)],
        providerId: input.providerId ?? null,
        rateLimitPerMinute: rateLimit,
        createdBy,
        createdAt: now,
      });
      await this.audit.record(tx, actor, {
        action: 'api_key.create',
        recordType: 'api_key',
        recordId: id,
        details: { kind: input.kind, scopes: input.scopes, rateLimitPerMinute: rateLimit },
      });
      const record = await this.repository.apiKeyByPrefix(tx, generated.prefix);
      if (!record) throw new Error('api key vanished after insert');
      return { apiKey: presentApiKey(record), key: generated.key };
    });
  }

  async listApiKeys(): Promise<ApiKeyView[]> {
    return (await this.repository.listApiKeys(this.db)).map(presentApiKey);
  }

  async revokeApiKey(actor: Actor, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const prefix = await this.repository.revokeApiKey(tx, id, this.clock.now());
      if (!prefix) throw new AppError('API_KEY_NOT_FOUND');
      await this.repository.notifyRevoked(tx, [prefix]);
      this.forgetApiKey(prefix);
      await this.audit.record(tx, actor, { action: 'api_key.revoke', recordType: 'api_key', recordId: id });
    });
  }

  /** Revokes every live key with this name (the demo key is replaced at each start). */
  async revokeApiKeysNamed(actor: Actor, name: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const prefixes = await this.repository.revokeApiKeysNamed(tx, name, this.clock.now());
      await this.repository.notifyRevoked(tx, prefixes);
      for (const prefix of prefixes) this.forgetApiKey(prefix);
      await this.audit.record(tx, actor, {
        action: 'api_key.revoke',
        recordType: 'api_key',
        details: { name },
      });
    });
  }

  /** Sets a password (admin reset, or the demo accounts following LIBRA_DEMO_PASSWORD: `'demo'`). */
  async setPassword(
    actor: Actor,
    userId: string,
    password: string,
    assignedBy: AssignedBy = 'admin',
  ): Promise<void> {
    const user = await this.repository.userById(this.db, userId);
    if (!user) throw new AppError('USER_NOT_FOUND');
    this.checkPassword(
      password,
      { role: user.role as UserRole, email: user.email, name: user.name },
      assignedBy,
    );
    const passwordHash = await hashPassword(password);
    await this.db.transaction(async (tx) => {
      if (!(await this.repository.userById(tx, userId))) throw new AppError('USER_NOT_FOUND');
      await this.repository.updatePassword(tx, userId, passwordHash, this.clock.now());
      await this.audit.record(tx, actor, {
        action: 'user.set_password',
        recordType: 'user',
        recordId: userId,
      });
    });
  }

  /** True when this exact key exists and is live (a fixed demo key survives restarts). */
  async apiKeyIsLive(key: string): Promise<boolean> {
    try {
      await this.authenticateApiKey(key);
      return true;
    } catch {
      return false;
    }
  }

  async userByEmail(email: string): Promise<UserView | undefined> {
    const user = await this.repository.userByEmail(this.db, normaliseEmail(email));
    return user ? presentUser(user) : undefined;
  }
}
