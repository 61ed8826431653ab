import type { Database } from '../../db/client.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Actor } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import './errors.ts';
import type { IdentityRepository, UserRecord } from './repository.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

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
export function latest(...instants: (Date | null | undefined)[]): Date {
  return new Date(Math.max(...instants.map((d) => d?.getTime() ?? Number.NEGATIVE_INFINITY)));
}

/** The throttle's two moves: refuse an attempt it holds back, and count a failed one. */
export class SignInThrottle {
  constructor(
    private readonly db: Database,
    private readonly repository: IdentityRepository,
    private readonly audit: AuditService,
  ) {}

  /**
   * Refuses (429 with Retry-After) an attempt the throttle holds back, before the password is
   * checked, so a held-back guess learns nothing. See SIGN_IN_THROTTLE for the rules and figures.
   */
  async refuseIfThrottled(
    attempt: { email: string; ip: string; now: Date; unlockedAt: Date | null },
    code: 'LOGIN_THROTTLED' | 'PASSWORD_CHANGE_THROTTLED' | 'ACTIVATION_THROTTLED' = 'LOGIN_THROTTLED',
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

  /**
   * A wrong password, at sign-in or when changing it: both count towards the same limits. When the
   * failure takes an existing account over its ceiling, the crossing is audited as
   * `user.sign_in_attacked` in the same transaction: the owner and staff can see that the account
   * was attacked (and from how many addresses) until notifications can tell the owner directly.
   */
  async recordFailedAttempt(
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
}
