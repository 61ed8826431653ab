import type { Database } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { phoneAt } from '../../lib/phone-input.ts';
import { type Actor, SYSTEM_ACTOR } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import type { IdentityService } from '../identity/service.ts';
import type { SessionsService, SignedIn } from '../identity/sessions.ts';
import { hashToken, newSecretToken } from '../identity/tokens.ts';
import type { PersonAccounts } from '../members/person-accounts.ts';
import type { Notifier } from '../notifications/notifier.ts';
import './errors.ts';
import type { InvitationRecord, InvitationsRepository } from './invitations-repository.ts';
import { maskEmail, maskPhone } from './service.ts';

const DAY = 24 * 60 * 60_000;

/** An invitation's link works once, for a week. */
export const INVITATION_RULES = { lifetimeMs: 7 * DAY } as const;

export type InvitationState = 'open' | 'used' | 'superseded' | 'revoked' | 'expired';

export interface InvitationView {
  id: string;
  beneficiaryId: string;
  channel: 'email' | 'sms';
  sentTo: string;
  state: InvitationState;
  expiresAt: string;
  createdAt: string;
}

export interface BeneficiaryAccessView {
  invitations: InvitationView[];
  /** The people with a live account of their own. */
  accounts: { beneficiaryId: string; since: string }[];
}

/**
 * The titular invites a beneficiary of age to an account of their own (SPEC: a beneficiary requests
 * assistance under the titular's membership). The link goes through the Notifier in the
 * invitation's transaction; accepting it makes the account, links it to the person and signs it
 * in, in one transaction: any refusal leaves nothing written and the link usable.
 */
export class InvitationsService {
  constructor(
    private readonly db: Database,
    private readonly repository: InvitationsRepository,
    private readonly people: PersonAccounts,
    private readonly identity: IdentityService,
    private readonly sessions: SessionsService,
    private readonly notifier: Notifier,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async invite(
    actor: Actor,
    membershipId: string,
    beneficiaryId: string,
    contact: { email?: string | undefined; phone?: string | undefined },
  ): Promise<InvitationView> {
    const to = addressOf(contact);
    return this.db.transaction(async (tx) => {
      const now = this.clock.now();
      const person = await this.people.adultPerson(tx, actor, membershipId, beneficiaryId);
      const live = await this.people.liveAccounts(tx, membershipId);
      if (live.some((a) => a.beneficiaryId === beneficiaryId)) throw new AppError('BENEFICIARY_HAS_ACCOUNT');
      const id = newId();
      const token = newSecretToken();
      const expiresAt = new Date(now.getTime() + INVITATION_RULES.lifetimeMs);
      const row = {
        id,
        membershipId,
        beneficiaryId,
        tokenHash: hashToken(token),
        channel: to.channel,
        sentTo: to.channel === 'email' ? maskEmail(to.address) : maskPhone(to.address),
        expiresAt,
        createdAt: now,
      };
      // The newer link replaces the older, and an older one not sent yet is not sent at all.
      await this.repository.closeOpen(tx, beneficiaryId, 'superseded', now);
      await this.notifier.withdraw(tx, `beneficiary-invitation:${beneficiaryId}:`);
      await this.repository.insert(tx, row);
      await this.notifier.toMember(tx, {
        kind: 'beneficiary_invitation',
        membershipId,
        params: { titularName: person.titularName, url: this.notifier.links.invitation(token), expiresAt },
        to,
        subjectKey: `beneficiary-invitation:${beneficiaryId}:${id}`,
      });
      await this.audit.record(tx, actor, {
        action: 'beneficiary_invitation.create',
        recordType: 'membership',
        recordId: membershipId,
        details: { invitationId: id, beneficiaryId, channel: to.channel, sentTo: row.sentTo },
      });
      return viewOf({ ...row, closedAt: null, closedReason: null, userId: null }, now);
    });
  }

  async list(actor: Actor, membershipId: string): Promise<BeneficiaryAccessView> {
    return this.db.transaction(async (tx) => {
      await this.people.reach(tx, actor, membershipId);
      const now = this.clock.now();
      // One after another: a transaction is one connection.
      const invitations = await this.repository.ofMembership(tx, membershipId);
      const accounts = await this.people.liveAccounts(tx, membershipId);
      return {
        invitations: invitations.map((i) => viewOf(i, now)),
        accounts: accounts.map((a) => ({ beneficiaryId: a.beneficiaryId, since: a.createdAt.toISOString() })),
      };
    });
  }

  /**
   * Open invitations closed and the live account cut off at once: its sessions end with the grant,
   * so the person's next request answers 401 (and, signed in again, 403 BENEFICIARY_ACCESS_REVOKED).
   * Audited even when there was nothing.
   */
  async revoke(actor: Actor, membershipId: string, beneficiaryId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.people.reach(tx, actor, membershipId);
      await this.repository.closeOpen(tx, beneficiaryId, 'revoked', this.clock.now());
      await this.notifier.withdraw(tx, `beneficiary-invitation:${beneficiaryId}:`);
      const userId = await this.people.revoke(tx, actor, membershipId, beneficiaryId);
      if (userId) await this.sessions.endAllIn(tx, userId);
    });
  }

  /**
   * A person whose access was revoked and who accepts a new invitation with the email of their own
   * account from before: that account comes back, proven with its password (checked under the
   * sign-in throttle), instead of a second account being refused for a taken email. Any other taken
   * email is refused by account creation as before. Read before the transaction, as sign-in is.
   */
  private async returningAccount(
    actor: Actor,
    token: string,
    input: { email: string; password: string },
  ): Promise<string | undefined> {
    const invitation = await this.repository.byTokenHash(this.db, hashToken(token));
    const user = invitation && (await this.identity.userByEmail(input.email));
    if (!invitation || !user) return undefined;
    const former = await this.db.transaction((tx) =>
      this.people.wasAccountOf(tx, user.id, invitation.beneficiaryId),
    );
    if (!former) return undefined;
    await this.sessions.checkCredentials(input, actor);
    return user.id;
  }

  async accept(
    actor: Actor,
    token: string,
    input: { email: string; password: string; userAgent?: string | undefined },
  ): Promise<SignedIn & { membershipId: string; personId: string }> {
    const returning = await this.returningAccount(actor, token, input);
    return this.db.transaction(async (tx) => {
      const invitation = await this.repository.byTokenHash(tx, hashToken(token));
      if (!invitation) throw new AppError('INVITATION_NOT_FOUND');
      const now = this.clock.now();
      const state = stateOf(invitation, now);
      if (state !== 'open') throw new AppError('INVITATION_EXPIRED', { extensions: { reason: state } });
      // The link is the proof: the titular chose who receives it. Still of age, still on the membership.
      const person = await this.people.adultPerson(
        tx,
        SYSTEM_ACTOR,
        invitation.membershipId,
        invitation.beneficiaryId,
      );
      const account = returning
        ? { id: returning }
        : await this.identity.createUserIn(
            tx,
            actor,
            { email: input.email, name: person.fullName, role: 'customer', password: input.password },
            'system',
          );
      await this.people.link(tx, actor, person, account.id, !!returning);
      await this.repository.markUsed(tx, invitation.id, account.id, now);
      await this.audit.record(tx, actor, {
        action: 'beneficiary_invitation.accept',
        recordType: 'membership',
        recordId: invitation.membershipId,
        details: {
          invitationId: invitation.id,
          beneficiaryId: invitation.beneficiaryId,
          userId: account.id,
          returning: !!returning,
        },
      });
      const signedIn = await this.sessions.signInNewAccount(tx, actor, account.id, input.userAgent);
      return { ...signedIn, membershipId: invitation.membershipId, personId: invitation.beneficiaryId };
    });
  }
}

function addressOf(contact: { email?: string | undefined; phone?: string | undefined }): {
  channel: 'email' | 'sms';
  address: string;
} {
  const email = contact.email?.trim().toLowerCase();
  if (email) return { channel: 'email', address: email };
  if (contact.phone?.trim()) return { channel: 'sms', address: phoneAt('body/phone', contact.phone) };
  throw new AppError('INVITATION_CONTACT_MISSING');
}

function stateOf(i: InvitationRecord, now: Date): InvitationState {
  if (i.closedReason) return i.closedReason as InvitationState;
  return i.expiresAt.getTime() <= now.getTime() ? 'expired' : 'open';
}

function viewOf(i: InvitationRecord, now: Date): InvitationView {
  return {
    id: i.id,
    beneficiaryId: i.beneficiaryId,
    channel: i.channel as 'email' | 'sms',
    sentTo: i.sentTo,
    state: stateOf(i, now),
    expiresAt: i.expiresAt.toISOString(),
    createdAt: i.createdAt.toISOString(),
  };
}
