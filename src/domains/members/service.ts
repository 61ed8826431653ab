import type { Database, Transaction } from '../../db/client.ts';
import { primaryReads, type ReadSource } from '../../db/read-replica.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError, validationFailed } from '../../lib/errors.ts';
import { parseHumanNumber } from '../../lib/ids.ts';
import type { Actor } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import type { EventRecorder, SalesChannel } from '../events/recorder.ts';
import type { PaymentGateway } from '../payments/gateway.ts';
import { cardColumns, usableCard } from './cards.ts';
import './errors.ts';
import { phoneAt } from '../../lib/phone-input.ts';
import { searchable } from './identity-documents.ts';
import { MEMBERSHIP_TRANSITIONS, type MembershipState } from './lifecycle.ts';
import { MembershipExport, type MembershipExportQuery } from './memberships-csv.ts';
import { type Executor, type MembershipRecords, searchTextOf } from './records.ts';
import type { BeneficiaryRecord, MembershipWithPlan, MembersRepository } from './repository.ts';
import { type MembershipView, presentMembership } from './views.ts';

// What other domains, the seed and the tests import from members, from where it lives now.
export type { BeneficiaryInput } from './beneficiaries.ts';
export type { ContractInput } from './contracting.ts';
export { MEMBERSHIP_TRANSITIONS } from './lifecycle.ts';
export { assertMayReach } from './records.ts';
export { TITULAR_PERSON_ID } from './views.ts';

/** What account activation needs of a membership whose facts matched. */
export interface ActivationTitular {
  membershipId: string;
  number: string;
  channel: 'online' | 'phone' | 'bank';
  hasAccount: boolean;
  name: string;
  email: string;
  phone: string;
}

/** A charge the old card could not pay, tried on the new one, and what the processor answered. */
export interface OutstandingChargeRetried {
  chargeId: string;
  amountCentavos: number;
  status: 'succeeded' | 'failed' | 'unknown';
  declineCode: string | null;
  declineLabel: { es: string; en: string } | null;
}

/**
 * Called after a new card is on file: billing charges what the old card could not pay to it, once,
 * and says how each charge went.
 */
export type CardReplacedListener = (
  actor: Actor,
  membershipId: string,
) => Promise<OutstandingChargeRetried[]>;

/**
 * A membership once contracted: reading it (one, the customer's own, its events, staff search),
 * replacing its card and moving it along its lifecycle. Contracting is ContractingService's
 * (contracting.ts), the people it covers BeneficiariesService's (beneficiaries.ts).
 */
export class MembersService {
  private readonly cardReplacedListeners: CardReplacedListener[] = [];

  /** Where the CSV export reads: the replica when there is one (set by buildServices), else the primary. */
  private readsFrom: ReadSource | undefined;
  readExportsFrom(reads: ReadSource): void {
    this.readsFrom = reads;
  }
  private get reads(): ReadSource {
    return this.readsFrom ?? primaryReads(this.db);
  }

  constructor(
    private readonly db: Database,
    private readonly repository: MembersRepository,
    private readonly records: MembershipRecords,
    private readonly payments: PaymentGateway,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    /** The event log partners read: a state change is told in its transaction. */
    private readonly eventLog: EventRecorder,
  ) {}

  /**
   * Loads a membership the caller may see, or answers MEMBERSHIP_NOT_FOUND — for a customer,
   * someone else's membership is indistinguishable from one that does not exist.
   */
  load(tx: Executor, actor: Actor, id: string, forUpdate = false): Promise<MembershipWithPlan> {
    return this.records.load(tx, actor, id, forUpdate);
  }

  /**
   * The newest membership, in any state, of the titular with this email: how the demo seed knows a
   * family it made before (a cancelled one stays made). For system callers: no access check.
   */
  async newestMembershipIdOfTitularEmail(email: string): Promise<string | undefined> {
    return this.repository.newestMembershipIdOfTitularEmail(this.db, email.trim().toLowerCase());
  }

  async get(actor: Actor, id: string): Promise<MembershipView> {
    return this.db.transaction(async (tx) => {
      const { found, verification } = await this.records.loadDetail(tx, actor, id);
      const people = await this.repository.beneficiariesOf(tx, [id], false);
      await this.records.auditRead(tx, actor, id, 'membership.read', verification);
      return this.present(found, people);
    });
  }

  /** The customer's own memberships (the portal's home). */
  async mine(actor: Actor): Promise<MembershipView[]> {
    const p = actor.principal;
    if (p?.kind !== 'user') return [];
    const found = await this.repository.ofUser(this.db, p.userId);
    const people = await this.repository.beneficiariesOf(
      this.db,
      found.map((f) => f.membership.id),
      false,
    );
    return found.map((f) =>
      this.present(
        f,
        people.filter((b) => b.membershipId === f.membership.id),
      ),
    );
  }

  present(found: MembershipWithPlan, people: BeneficiaryRecord[]): MembershipView {
    return presentMembership(found, people, this.clock.now());
  }

  onCardReplaced(listener: CardReplacedListener): void {
    this.cardReplacedListeners.push(listener);
  }

  /**
   * Replaces the card on file with a new processor token. Then what the old card could not pay is
   * charged to the new one (listeners), in this request, and the answer shows the membership as
   * that left it with each charge tried and its outcome (`outstanding`, empty when nothing was owed).
   */
  async replaceCard(
    actor: Actor,
    membershipId: string,
    cardToken: string,
  ): Promise<MembershipView & { outstanding: OutstandingChargeRetried[] }> {
    await this.replaceCardOnFile(actor, membershipId, cardToken);
    const outstanding: OutstandingChargeRetried[] = [];
    for (const listener of this.cardReplacedListeners)
      outstanding.push(...(await listener(actor, membershipId)));
    return this.db.transaction(async (tx) => {
      const found = await this.load(tx, actor, membershipId);
      const view = this.present(found, await this.repository.beneficiariesOf(tx, [membershipId], false));
      return { ...view, outstanding };
    });
  }

  private async replaceCardOnFile(actor: Actor, membershipId: string, cardToken: string): Promise<void> {
    const now = this.clock.now();
    const card = await usableCard(this.payments, cardToken, now);
    await this.db.transaction(async (tx) => {
      const { found, verification } = await this.records.loadDetail(tx, actor, membershipId, true);
      if (found.membership.state === 'cancelled') throw new AppError('MEMBERSHIP_CANCELLED');
      const changes = {
        ...cardColumns(card),
        updatedAt: now,
      };
      const people = await this.repository.beneficiariesOf(tx, [membershipId], false);
      await this.repository.update(tx, membershipId, {
        ...changes,
        searchText: searchTextOf({ ...found.membership, ...changes }, people),
      });
      await this.records.event(tx, actor, membershipId, {
        type: 'card_replaced',
        reason: 'Cambio de tarjeta',
        details: {
          brand: card.brand,
          type: card.type,
          last4: card.last4,
          previousLast4: found.membership.cardLast4,
        },
      });
      await this.audit.record(tx, actor, {
        action: 'membership.card_replace',
        recordType: 'membership',
        recordId: membershipId,
        ...(verification ? { details: { verification } } : {}),
      });
    });
  }

  /**
   * The membership whose number, card's last 4 and titular's birth date are these, or undefined
   * when any of them differs (the caller answers the same whichever did: no fact is confirmed
   * alone). For the titular's account activation; no access check, no audit of its own.
   */
  async matchTitularFacts(
    executor: Executor,
    facts: { membershipNumber: string; cardLast4: string; birthDate: string },
  ): Promise<ActivationTitular | undefined> {
    const number = parseHumanNumber(facts.membershipNumber.trim());
    const formatted = number
      ? `${number.prefix}-${String(number.year % 100).padStart(2, '0')}-${String(number.sequence).padStart(6, '0')}`
      : null;
    const m = formatted ? await this.repository.byNumber(executor, formatted) : undefined;
    if (!m || m.cardLast4 !== facts.cardLast4 || m.titularBirthDate !== facts.birthDate) return undefined;
    return {
      membershipId: m.id,
      number: m.number,
      channel: m.channel as ActivationTitular['channel'],
      hasAccount: m.titularUserId !== null,
      name: m.titularName,
      email: m.titularEmail,
      phone: m.titularPhone,
    };
  }

  /**
   * Gives the titular's new account the membership, in the caller's transaction (the account's
   * creation). A membership that has an account keeps it: MEMBERSHIP_HAS_ACCOUNT.
   */
  async linkTitularAccount(
    tx: Transaction,
    actor: Actor,
    membershipId: string,
    userId: string,
  ): Promise<void> {
    const found = await this.repository.byId(tx, membershipId, true);
    if (!found) throw new AppError('MEMBERSHIP_NOT_FOUND');
    if (found.membership.titularUserId) throw new AppError('MEMBERSHIP_HAS_ACCOUNT');
    await this.repository.update(tx, membershipId, { titularUserId: userId, updatedAt: this.clock.now() });
    await this.records.event(tx, actor, membershipId, {
      type: 'account_activated',
      reason: 'El titular activó su cuenta en línea',
      details: { userId },
    });
    await this.audit.record(tx, actor, {
      action: 'membership.account_link',
      recordType: 'membership',
      recordId: membershipId,
      details: { userId },
    });
  }

  /**
   * Changes where the titular is reached (the email and phone messages go to; not the account's
   * sign-in email). A new address is a new chance: one a server refused is not this one.
   */
  async changeContact(
    actor: Actor,
    membershipId: string,
    input: { email?: string | undefined; phone?: string | undefined },
  ): Promise<MembershipView> {
    const email = input.email?.trim().toLowerCase();
    const phone = input.phone === undefined ? undefined : phoneAt('body/phone', input.phone);
    if (email === undefined && phone === undefined)
      throw validationFailed('body', 'must name an email, a phone or both');
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      const { found, verification } = await this.records.loadDetail(tx, actor, membershipId, true);
      const m = found.membership;
      const changes = {
        ...(email !== undefined ? { titularEmail: email } : {}),
        ...(phone ? { titularPhone: phone } : {}),
        updatedAt: now,
      };
      const people = await this.repository.beneficiariesOf(tx, [membershipId], false);
      await this.repository.update(tx, membershipId, {
        ...changes,
        searchText: searchTextOf({ ...m, ...changes }, people),
      });
      const changed = [
        ...(email !== undefined && email !== m.titularEmail ? ['email'] : []),
        ...(phone && phone !== m.titularPhone ? ['phone'] : []),
      ];
      await this.records.event(tx, actor, membershipId, {
        type: 'contact_changed',
        reason: 'Cambio de datos de contacto',
        details: { fields: changed },
      });
      await this.audit.record(tx, actor, {
        action: 'membership.contact_change',
        recordType: 'membership',
        recordId: membershipId,
        details: { fields: changed, ...(verification ? { verification } : {}) },
      });
      const after = await this.load(tx, actor, membershipId);
      return this.present(after, people);
    });
  }

  /**
   * The internal API billing and cancellation call: moves a membership along its lifecycle inside
   * the caller's transaction, recording the event and its reason.
   */
  async changeState(
    tx: Transaction,
    actor: Actor,
    membershipId: string,
    to: MembershipState,
    reason: string,
    /** For a cancellation: until when services go on (the period already paid). */
    cancellation?: { coverageEndsAt: Date },
  ): Promise<{ from: MembershipState; to: MembershipState }> {
    const found = await this.repository.byId(tx, membershipId, true);
    if (!found) throw new AppError('MEMBERSHIP_NOT_FOUND');
    const from = found.membership.state as MembershipState;
    if (!MEMBERSHIP_TRANSITIONS[from].includes(to)) {
      throw new AppError('MEMBERSHIP_TRANSITION_NOT_ALLOWED', { extensions: { from, to } });
    }
    const now = this.clock.now();
    await this.repository.update(tx, membershipId, {
      state: to,
      updatedAt: now,
      ...(to === 'cancelled'
        ? { cancelledAt: now, coverageEndsAt: cancellation?.coverageEndsAt ?? now }
        : {}),
    });
    // Nothing falls due after a cancellation (billing calendar).
    if (to === 'cancelled') await this.repository.clearSchedule(tx, membershipId);
    await this.records.event(tx, actor, membershipId, {
      type: 'state_changed',
      fromState: from,
      toState: to,
      reason,
    });
    await this.eventLog.record(tx, [
      {
        type: 'membership.state_changed',
        membershipId,
        channel: found.membership.channel as SalesChannel,
        data: { membershipId, number: found.membership.number, fromState: from, toState: to, reason },
      },
    ]);
    await this.audit.record(tx, actor, {
      action: 'membership.state_change',
      recordType: 'membership',
      recordId: membershipId,
      details: { from, to, reason },
    });
    return { from, to };
  }

  async events(actor: Actor, membershipId: string) {
    return this.db.transaction(async (tx) => {
      const { verification } = await this.records.loadDetail(tx, actor, membershipId);
      await this.records.auditRead(tx, actor, membershipId, 'membership.events_read', verification);
      return (await this.repository.eventsOf(tx, membershipId)).map((e) => ({
        id: e.id,
        at: e.at.toISOString(),
        type: e.type,
        fromState: e.fromState,
        toState: e.toState,
        reason: e.reason,
        actorType: e.actorType,
        actorId: e.actorId,
        details: e.details,
      }));
    });
  }

  /** Staff search by name, email, phone, membership number or card last 4: audited. */
  /** Memberships by state, channel, plan and contracting days, as CSV streamed batch by batch (audited). */
  async exportCsv(actor: Actor, query: MembershipExportQuery): Promise<AsyncGenerator<string>> {
    return new MembershipExport(await this.reads.reader(), this.repository, this.audit).exportCsv(
      actor,
      query,
    );
  }

  async search(actor: Actor, query: string, limit: number) {
    const normalised = searchable(query);
    const number = parseHumanNumber(query.trim());
    const terms = normalised
      .split(' ')
      .map((t) => t.replace(/[^\p{L}\p{N}@.+_-]/gu, ''))
      .filter((t) => t.length > 0);
    // A phone typed with spaces ("55 5480 0900") is one term.
    const digitsOnly = query.replace(/[\s()+-]/g, '');
    const searchTerms = /^\d{4,}$/.test(digitsOnly) ? [digitsOnly.replace(/^52(?=\d{10}$)/, '')] : terms;
    const formattedNumber = number
      ? `${number.prefix}-${String(number.year % 100).padStart(2, '0')}-${String(number.sequence).padStart(6, '0')}`
      : null;
    return this.db.transaction(async (tx) => {
      const found =
        searchTerms.length === 0 && !formattedNumber
          ? []
          : await this.repository.search(tx, searchTerms, formattedNumber, limit);
      await this.audit.record(tx, actor, {
        action: 'membership.search',
        recordType: 'membership',
        details: { query, results: found.length },
      });
      return found;
    });
  }
}
