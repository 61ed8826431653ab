import type { Database, Transaction } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Actor, Principal, UserRole } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import './errors.ts';
import { checkPasswordPolicy, hashPassword, verifyAgainstNothing, verifyPassword } from './passwords.ts';
import type { IdentityRepository, SessionRecord, UserRecord } from './repository.ts';
import { normaliseEmail, presentUser, type UserView } from './service.ts';
import type { SignInThrottle } from './throttle.ts';
import { csrfTokenFor, hashToken, newSecretToken, safeEqual } from './tokens.ts';

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
  privacy: { idleMs: 30 * MINUTE, absoluteMs: 12 * HOUR },
  customer: { idleMs: 1 * DAY, absoluteMs: 30 * DAY },
  provider: { idleMs: 7 * DAY, absoluteMs: 30 * DAY },
};

/** Writing last-seen on every request would make every read a write; once a minute is enough. */
const TOUCH_EVERY_MS = MINUTE;

export interface SignedIn {
  token: string;
  csrfToken: string;
  user: UserView;
  sessionId: string;
  expiresAt: Date;
}

/**
 * People's sessions: signing in (through the sign-in throttle) and out, the session behind a
 * cookie and its CSRF token, a person's own sessions, and changing one's own password.
 */
export class SessionsService {
  constructor(
    private readonly db: Database,
    private readonly repository: IdentityRepository,
    private readonly throttle: SignInThrottle,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** When a session ends: the earlier of idle expiry and absolute expiry. */
  sessionExpiry(session: Pick<SessionRecord, 'lastSeenAt' | 'absoluteExpiresAt'>, role: UserRole): Date {
    const idle = session.lastSeenAt.getTime() + SESSION_LIFETIMES[role].idleMs;
    return new Date(Math.min(idle, session.absoluteExpiresAt.getTime()));
  }

  async login(
    input: { email: string; password: string; userAgent?: string | undefined },
    actor: Actor,
  ): Promise<SignedIn> {
    const user = await this.checkCredentials(input, actor);
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      await this.repository.recordLoginAttempt(tx, {
        id: newId(),
        at: now,
        email: user.email,
        ip: actor.ip ?? 'unknown',
        succeeded: true,
      });
      return this.openSession(tx, actor, user, input.userAgent, now);
    });
  }

  /**
   * An email and password proven, under the sign-in throttle (a failure counts as a failed
   * sign-in): the account, or INVALID_CREDENTIALS. Outside any transaction, as sign-in is.
   */
  async checkCredentials(input: { email: string; password: string }, actor: Actor): Promise<UserRecord> {
    const email = normaliseEmail(input.email);
    const ip = actor.ip ?? 'unknown';
    const now = this.clock.now();
    const user = await this.repository.userByEmail(this.db, email);
    await this.throttle.refuseIfThrottled({ email, ip, now, unlockedAt: user?.signInUnlockedAt ?? null });

    const valid = user
      ? (await verifyPassword(user.passwordHash, input.password)) && user.status === 'active'
      : await verifyAgainstNothing(input.password);

    if (!user || !valid) {
      await this.throttle.recordFailedAttempt(actor, { email, ip, at: now, user });
      throw new AppError('INVALID_CREDENTIALS');
    }
    return user;
  }

  /**
   * Signs a just-made (or just relinked) account in, inside the transaction that made it (account
   * activation, an accepted invitation): the account, its link and its session commit together or not at all.
   */
  async signInNewAccount(
    tx: Transaction,
    actor: Actor,
    userId: string,
    userAgent: string | undefined,
  ): Promise<SignedIn> {
    const user = await this.repository.userById(tx, userId);
    if (!user) throw new Error('the new account vanished in its own transaction');
    const now = this.clock.now();
    await this.repository.recordLoginAttempt(tx, {
      id: newId(),
      at: now,
      email: user.email,
      ip: actor.ip ?? 'unknown',
      succeeded: true,
    });
    return this.openSession(tx, actor, user, userAgent, now);
  }

  private async openSession(
    tx: Transaction,
    actor: Actor,
    user: UserRecord,
    userAgent: string | undefined,
    now: Date,
  ): Promise<SignedIn> {
    const role = user.role as UserRole;
    const token = newSecretToken();
    const sessionId = newId();
    const absoluteExpiresAt = new Date(now.getTime() + SESSION_LIFETIMES[role].absoluteMs);
    await this.repository.insertSession(tx, {
      id: sessionId,
      tokenHash: hashToken(token),
      userId: user.id,
      createdAt: now,
      lastSeenAt: now,
      absoluteExpiresAt,
      ip: actor.ip ?? 'unknown',
      userAgent: userAgent?.slice(0, 300) ?? null,
    });
    await this.audit.record(
      tx,
      { ...actor, principal: this.principalOf(user, sessionId, absoluteExpiresAt) },
      { action: 'session.create', recordType: 'session', recordId: sessionId },
    );
    return {
      token,
      csrfToken: csrfTokenFor(token),
      user: presentUser(user),
      sessionId,
      expiresAt: this.sessionExpiry({ lastSeenAt: now, absoluteExpiresAt }, role),
    };
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

  /**
   * Ends every session of an account in the caller's transaction (its access was taken away): the
   * next request it makes answers 401. The caller audits why.
   */
  async endAllIn(tx: Transaction, userId: string): Promise<void> {
    await this.repository.revokeAllSessions(tx, userId, this.clock.now());
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
    await this.throttle.refuseIfThrottled(
      { email, ip, now, unlockedAt: user.signInUnlockedAt },
      'PASSWORD_CHANGE_THROTTLED',
    );
    if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
      await this.throttle.recordFailedAttempt(actor, { email, ip, at: now, user });
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
}
