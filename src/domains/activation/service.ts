import { randomInt } from 'node:crypto';
import type { Database } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { type Actor, SYSTEM_ACTOR } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import type { IdentityService } from '../identity/service.ts';
import type { SessionsService, SignedIn } from '../identity/sessions.ts';
import type { SignInThrottle } from '../identity/throttle.ts';
import { hashToken, safeEqual } from '../identity/tokens.ts';
import type { MembersService } from '../members/service.ts';
import type { Notifier } from '../notifications/notifier.ts';
import './errors.ts';
import type { ActivationRecord, ActivationRepository } from './repository.ts';

const MINUTE = 60_000;

/** How a code lives: how long, how many wrong tries, how many a membership may be sent an hour. */
export const ACTIVATION_RULES = {
  codeLifetimeMs: 15 * MINUTE,
  maxWrongCodes: 5,
  codesPerHour: 5,
} as const;

/** `ana.lopez@example.com` → `a•••@example.com`: enough to recognise, not to learn. */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}•••@${domain}`;
}

/** `5512344321` → `•• •••• 4321`. */
export function maskPhone(phone: string): string {
  return `•• •••• ${phone.slice(-4)}`;
}

export interface ActivationStartedView {
  id: string;
  channel: 'email' | 'sms';
  sentTo: string;
  expiresAt: string;
  attempts: number;
}

/**
 * "Activa tu cuenta" (issue 23): a member contracted by phone or through the bank has a membership
 * and no account. They prove who they are with three facts, receive a one-time code at the contact
 * on file, and with it choose their sign-in: the titular's account is created, linked to the
 * membership and signed in, all in one transaction. Wrong facts count against the sign-in throttle
 * under the key `activation:<number>`, so guessing them is as slow as guessing a password.
 */
export class ActivationService {
  constructor(
    private readonly db: Database,
    private readonly repository: ActivationRepository,
    private readonly members: MembersService,
    private readonly identity: IdentityService,
    private readonly sessions: SessionsService,
    private readonly throttle: SignInThrottle,
    private readonly notifier: Notifier,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async start(
    actor: Actor,
    facts: { membershipNumber: string; cardLast4: string; birthDate: string },
  ): Promise<ActivationStartedView> {
    const now = this.clock.now();
    const ip = actor.ip ?? 'unknown';
    // The throttle's "email": one key per membership number as typed, apart from any account's.
    const key = `activation:${facts.membershipNumber.toUpperCase().replace(/[\s-]/g, '')}`;
    await this.throttle.refuseIfThrottled({ email: key, ip, now, unlockedAt: null }, 'ACTIVATION_THROTTLED');
    const titular = await this.members.matchTitularFacts(this.db, facts);
    if (!titular) {
      await this.throttle.recordFailedAttempt(actor, { email: key, ip, at: now, user: undefined });
      await this.audit.record(this.db, actor, {
        action: 'account_activation.refuse',
        recordType: 'membership',
        details: { membershipNumber: facts.membershipNumber.slice(0, 40) },
      });
      throw new AppError('ACTIVATION_FACTS_NOT_MATCHED');
    }
    if (titular.hasAccount) throw new AppError('MEMBERSHIP_HAS_ACCOUNT');

    const since = new Date(now.getTime() - 60 * MINUTE);
    if (
      (await this.repository.startedSince(this.db, titular.membershipId, since)) >=
      ACTIVATION_RULES.codesPerHour
    ) {
      throw new AppError('ACTIVATION_THROTTLED', {
        headers: { 'retry-after': String(60 * 60) },
        extensions: { retryAfterSeconds: 60 * 60 },
      });
    }

    // Email when there is one on file; otherwise a text message to the phone.
    const byEmail = titular.email.trim() !== '';
    const channel = byEmail ? 'email' : 'sms';
    const sentTo = byEmail ? maskEmail(titular.email) : maskPhone(titular.phone);
    const id = newId();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = new Date(now.getTime() + ACTIVATION_RULES.codeLifetimeMs);
    await this.db.transaction(async (tx) => {
      await this.repository.supersedeOpen(tx, titular.membershipId, now);
      await this.repository.insert(tx, {
        id,
        membershipId: titular.membershipId,
        codeHash: codeHash(id, code),
        channel,
        sentTo,
        expiresAt,
        ip,
        createdAt: now,
      });
      await this.notifier.toMember(tx, {
        kind: 'account_activation_code',
        membershipId: titular.membershipId,
        params: { code, expiresAt },
        to: byEmail
          ? { channel: 'email', address: titular.email.trim().toLowerCase() }
          : { channel: 'sms', address: `+52${titular.phone}` },
        subjectKey: `account-activation:${id}`,
      });
      await this.audit.record(tx, actor, {
        action: 'account_activation.start',
        recordType: 'membership',
        recordId: titular.membershipId,
        details: { activationId: id, channel, sentTo },
      });
    });
    return {
      id,
      channel,
      sentTo,
      expiresAt: expiresAt.toISOString(),
      attempts: ACTIVATION_RULES.maxWrongCodes,
    };
  }

  /**
   * Checks the code and, when right, makes the account, links it and signs it in, in one
   * transaction: a refusal (the email taken, a weak password, a membership that got an account
   * meanwhile) leaves the code usable and nothing written. A wrong code is counted (and audited),
   * and the fifth closes the activation.
   */
  async confirm(
    actor: Actor,
    id: string,
    input: { code: string; password: string; email?: string | undefined; userAgent?: string | undefined },
  ): Promise<SignedIn & { membershipId: string }> {
    const outcome = await this.db.transaction(async (tx) => {
      const activation = await this.repository.byId(tx, id, true);
      if (!activation) throw new AppError('ACTIVATION_NOT_FOUND');
      const now = this.clock.now();
      this.refuseIfClosed(activation, now);
      if (!safeEqual(codeHash(id, input.code), activation.codeHash)) {
        const failures = await this.repository.recordWrongCode(tx, id, ACTIVATION_RULES.maxWrongCodes, now);
        await this.audit.record(tx, actor, {
          action: 'account_activation.wrong_code',
          recordType: 'membership',
          recordId: activation.membershipId,
          details: { activationId: id, failures },
        });
        return { signedIn: null, left: Math.max(0, ACTIVATION_RULES.maxWrongCodes - failures) };
      }
      // The code is the proof: whoever holds it reaches the membership, whatever session they bring.
      const { membership } = await this.members.load(tx, SYSTEM_ACTOR, activation.membershipId);
      const account = await this.identity.createUserIn(
        tx,
        actor,
        {
          email: input.email ?? membership.titularEmail,
          name: membership.titularName,
          role: 'customer',
          password: input.password,
        },
        'system',
      );
      await this.members.linkTitularAccount(tx, actor, membership.id, account.id);
      await this.repository.markUsed(tx, id, account.id, now);
      await this.audit.record(tx, actor, {
        action: 'account_activation.confirm',
        recordType: 'membership',
        recordId: membership.id,
        details: { activationId: id, userId: account.id },
      });
      const signedIn = await this.sessions.signInNewAccount(tx, actor, account.id, input.userAgent);
      return { signedIn: { ...signedIn, membershipId: membership.id }, left: 0 };
    });
    if (outcome.signedIn) return outcome.signedIn;
    // Counted and committed above; the answer says so after the commit.
    if (outcome.left === 0) throw new AppError('ACTIVATION_EXPIRED', { extensions: { reason: 'spent' } });
    throw new AppError('ACTIVATION_CODE_INVALID', {
      extensions: { attemptsLeft: outcome.left },
      errors: [{ field: 'body/code', message: 'is not the code sent' }],
    });
  }

  private refuseIfClosed(activation: ActivationRecord, now: Date): void {
    if (activation.closedAt) {
      throw new AppError('ACTIVATION_EXPIRED', { extensions: { reason: activation.closedReason } });
    }
    if (activation.expiresAt.getTime() <= now.getTime()) {
      throw new AppError('ACTIVATION_EXPIRED', { extensions: { reason: 'expired' } });
    }
  }
}

/** The code is six digits: hashed with its activation's id, so one table's rows are not one dictionary. */
function codeHash(id: string, code: string): string {
  return hashToken(`${id}:${code}`);
}
