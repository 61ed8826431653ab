import type { Static } from '@sinclair/typebox';
import type { Database, Executor, Transaction } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError, type FieldError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { IdempotencyService, Replayable } from '../../platform/idempotency/service.ts';
import type { Actor } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import { clearanceFor, withVerification } from '../members/clearance.ts';
import { CATALOGUE, isMessageKind, type Language, type MessageKind, subjectOf } from './catalogue.ts';
import type { ChannelKind } from './channels.ts';
import './errors.ts';
import { channelsFor, type Preferences, QUIET_HOURS } from './notifier.ts';
import { EMAIL_ADDRESS, toE164 } from './outbox.ts';
import type { NotificationAttemptRow, NotificationRow, NotificationsRepository } from './repository.ts';
import type {
  AddressState,
  ConfirmationForecast,
  MessageAttemptView,
  MessagesPage,
  MessageView,
  PreferencesBody,
  PreferencesView,
} from './schemas.ts';

type MessageViewType = Static<typeof MessageView>;
type AttemptViewType = Static<typeof MessageAttemptView>;
type AddressStateType = Static<typeof AddressState>;
export type ConfirmationForecastType = Static<typeof ConfirmationForecast>;
export type PreferencesInput = Static<typeof PreferencesBody>;
type PreferencesViewType = Static<typeof PreferencesView>;

/**
 * What this domain asks of memberships: load one the caller may reach, or answer
 * MEMBERSHIP_NOT_FOUND (a customer reaches only their own; someone else's looks missing). The
 * members service answers it; taken as a port so that notifications import nothing of members'
 * services (members will write its own messages through the Notifier).
 */
export interface MembershipGate {
  load(executor: Transaction, actor: Actor, membershipId: string): Promise<unknown>;
}

/** Which kinds of channel this process delivers through (the outbox's configuration). */
export interface ConfiguredChannels {
  configured(): ChannelKind[];
}

/** Delivery-log details the outbox writes as codes, in people's words. */
const DETAIL_WORDS: Record<string, Record<Language, string>> = {
  channel_not_configured: { es: 'canal sin configurar', en: 'channel not set up' },
  test_clock: {
    es: 'mensaje de un reloj de prueba (sandbox): no se envía',
    en: 'a test clock’s message (sandbox): never sent',
  },
  recipient_missing: { es: 'sin correo o celular válido', en: 'no valid email address or mobile number' },
  address_undeliverable: {
    es: 'la dirección no recibe mensajes',
    en: 'the address does not take messages',
  },
  attachment_unavailable: {
    es: 'no se pudo preparar su archivo adjunto',
    en: 'its attachment could not be prepared',
  },
  attachment_unknown: { es: 'adjunto desconocido', en: 'unknown attachment' },
};

const RECEIPT_WORDS: Record<string, Record<Language, string>> = {
  undeliverable: { es: 'el operador no pudo entregarlo', en: 'the carrier could not deliver it' },
  expired: { es: 'venció sin entregarse', en: 'it expired undelivered' },
  rejected: { es: 'el operador lo rechazó', en: 'the carrier rejected it' },
};

function detailWords(detail: string | null, language: Language): string | null {
  if (detail === null) return null;
  return DETAIL_WORDS[detail]?.[language] ?? detail;
}

/** `maria@correo.com` → `m•••@correo.com`; `+525512345678` → `•••• 5678`. */
export function maskAddress(address: string): string {
  const at = address.indexOf('@');
  if (at > 0) return `${address[0]}•••${address.slice(at)}`;
  return `•••• ${address.slice(-4)}`;
}

/** The member's address on a channel, as the outbox would send to it; null when there is none usable. */
function memberAddress(channel: ChannelKind, contact: { email: string; phone: string } | undefined) {
  if (channel === 'email') {
    const email = contact?.email?.trim().toLowerCase();
    return email && EMAIL_ADDRESS.test(email) ? email : null;
  }
  return contact?.phone ? toE164(contact.phone) : null;
}

const CHANNELS: ChannelKind[] = ['email', 'sms'];

/** The kinds of message that go to members, in the catalogue's order. */
export const MEMBER_KINDS = (Object.keys(CATALOGUE) as MessageKind[]).filter(
  (kind) => CATALOGUE[kind].audience === 'member',
);

const pad = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

/**
 * A member's messages as staff and the member see them (their delivery state in words, the
 * delivery log, addresses that do not take messages), staff re-sending one, and the member's
 * choices: language, channels per kind, quiet hours. Staff reads and every change are audited.
 */
export class NotificationsService {
  constructor(
    private readonly db: Database,
    private readonly repository: NotificationsRepository,
    private readonly memberships: MembershipGate,
    private readonly channels: ConfiguredChannels,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    private readonly clock: Clock,
  ) {}

  /** The membership's messages, newest first, with how each went; staff reads are audited. */
  async messagesOf(
    actor: Actor,
    membershipId: string,
    reader: Language,
    limit = 50,
  ): Promise<Static<typeof MessagesPage>> {
    const customer = isCustomer(actor);
    return this.db.transaction(async (tx) => {
      await this.memberships.load(tx, actor, membershipId);
      const verification = await clearanceFor(tx, actor, membershipId, this.clock.now());
      const found = await this.repository.ofMembership(tx, membershipId, limit);
      const addresses = await this.addressesOf(tx, membershipId);
      if (!customer)
        await this.audit.record(tx, actor, {
          action: 'membership.messages_read',
          recordType: 'membership',
          recordId: membershipId,
          details: withVerification({ messages: found.length }, verification),
        });
      return {
        data: found.map(({ message, attempts }) => present(message, attempts, reader, customer)),
        addresses: addresses.map((a) =>
          customer && a.address ? { ...a, address: maskAddress(a.address) } : a,
        ),
      };
    });
  }

  /**
   * Staff send a message again: a new message copying the original (kind, channel, language, words,
   * recipient) that goes out now, pointing at the original. One still to go or withdrawn is refused.
   */
  async resend(
    actor: Actor,
    messageId: string,
    reader: Language,
    idempotencyKey: string | undefined,
  ): Promise<Replayable<MessageViewType>> {
    return this.db.transaction((tx) =>
      this.idempotency.run(
        tx,
        actor,
        { key: idempotencyKey, operation: `POST /v1/messages/${messageId}/resend`, body: {} },
        async () => {
          const original = await this.repository.byId(tx, messageId);
          if (!original?.membershipId) throw new AppError('MESSAGE_NOT_FOUND');
          await this.memberships.load(tx, actor, original.membershipId);
          const verification = await clearanceFor(tx, actor, original.membershipId, this.clock.now());
          if (original.status === 'pending') throw new AppError('MESSAGE_NOT_SENT_YET');
          if (original.status === 'cancelled') throw new AppError('MESSAGE_WITHDRAWN');
          const now = this.clock.now();
          const copy: NotificationRow = {
            ...original,
            id: newId(),
            resendOf: original.id,
            sendAt: now,
            status: 'pending',
            subjectKey: null,
            createdAt: now,
            attempts: 0,
            nextAttemptAt: null,
            sentAt: null,
          };
          await this.repository.insert(tx, copy);
          await this.audit.record(tx, actor, {
            action: 'notification.resend',
            recordType: 'notification',
            recordId: original.id,
            details: withVerification(
              {
                resendId: copy.id,
                membershipId: original.membershipId,
                kind: original.kind,
                channel: original.channel,
              },
              verification,
            ),
          });
          return { status: 201, body: present(copy, [], reader, false) };
        },
      ),
    );
  }

  /** The member's choices, every kind of message to members listed with its channels now. */
  async preferences(actor: Actor, membershipId: string): Promise<PreferencesViewType> {
    return this.db.transaction(async (tx) => {
      await this.memberships.load(tx, actor, membershipId);
      const verification = await clearanceFor(tx, actor, membershipId, this.clock.now());
      const preferences = await this.repository.preferencesOf(tx, membershipId);
      if (!isCustomer(actor))
        await this.audit.record(tx, actor, {
          action: 'membership.notification_preferences_read',
          recordType: 'membership',
          recordId: membershipId,
          ...(verification ? { details: { verification } } : {}),
        });
      return presentPreferences(preferences);
    });
  }

  /**
   * Replaces the member's choices. Every kind named must be one of members' messages and keep at
   * least one channel (every message today is transactional); a refusal names each kind at fault
   * and writes nothing. Kinds not named, or named with their defaults, follow the catalogue.
   */
  async savePreferences(
    actor: Actor,
    membershipId: string,
    input: PreferencesInput,
  ): Promise<PreferencesViewType> {
    const unknown: FieldError[] = [];
    const empty: FieldError[] = [];
    const channels: Preferences['channels'] = {};
    for (const [kind, chosen] of Object.entries(input.channels)) {
      const field = `body/channels/${kind}`;
      if (!isMessageKind(kind) || CATALOGUE[kind].audience !== 'member') {
        unknown.push({ field, message: 'is not a kind of message to members' });
        continue;
      }
      if (chosen.length === 0) {
        empty.push({ field, message: 'needs at least one channel: this message cannot be turned off' });
        continue;
      }
      const ordered = CHANNELS.filter((c) => chosen.includes(c));
      // The defaults are not pinned: a kind chosen as its defaults follows the catalogue later.
      if (!sameChannels(ordered, CATALOGUE[kind].defaults)) channels[kind] = ordered;
    }
    if (unknown.length > 0) throw new AppError('NOTIFICATION_KIND_UNKNOWN', { errors: unknown });
    if (empty.length > 0) throw new AppError('NOTIFICATION_CHANNEL_REQUIRED', { errors: empty });
    const next: Preferences = { language: input.language, quietHours: input.quietHours, channels };
    return this.db.transaction(async (tx) => {
      await this.memberships.load(tx, actor, membershipId);
      const verification = await clearanceFor(tx, actor, membershipId, this.clock.now());
      const before = await this.repository.preferencesOf(tx, membershipId);
      await this.repository.savePreferences(tx, membershipId, next, this.clock.now());
      await this.audit.record(tx, actor, {
        action: 'membership.notification_preferences_update',
        recordType: 'membership',
        recordId: membershipId,
        details: withVerification({ before, after: next }, verification),
      });
      return presentPreferences(next);
    });
  }

  /**
   * What will become of a message of this kind written for the member now (the Notifier writes it
   * on the channels `channelsFor` names): sent by the channels configured here to an address that
   * takes messages; otherwise why not. For the words a page shows after the change it tells about.
   */
  async forecast(
    executor: Executor,
    membershipId: string,
    kind: MessageKind,
  ): Promise<ConfirmationForecastType> {
    const preferences = await this.repository.preferencesOf(executor, membershipId);
    const written = channelsFor(kind, preferences);
    const configured = new Set(this.channels.configured());
    const usable = written.filter((c) => configured.has(c));
    if (usable.length === 0) return { channels: [], delivery: 'not_configured' };
    const reachable = (await this.addressesOf(executor, membershipId)).filter(
      (a) => usable.includes(a.channel) && a.address !== null && a.undeliverable === null,
    );
    if (reachable.length === 0) return { channels: [], delivery: 'undeliverable' };
    return {
      channels: CHANNELS.filter((c) => reachable.some((a) => a.channel === c)),
      delivery: 'will_send',
    };
  }

  /**
   * What will become of a message written now to this address on this channel (an address given
   * for one message, not a member's contact): sent, not configured here, or refused before.
   */
  async forecastTo(
    executor: Executor,
    channel: ChannelKind,
    address: string,
  ): Promise<'will_send' | 'not_configured' | 'undeliverable'> {
    if (!this.channels.configured().includes(channel)) return 'not_configured';
    return (await this.repository.isUndeliverable(executor, channel, address))
      ? 'undeliverable'
      : 'will_send';
  }

  /** The member's email and mobile as messages go to them, each with whether it takes messages. */
  private async addressesOf(executor: Executor, membershipId: string): Promise<AddressStateType[]> {
    const contact = (await this.repository.contactsOf(executor, [membershipId])).get(membershipId);
    const addresses = CHANNELS.map((channel) => ({ channel, address: memberAddress(channel, contact) }));
    const listed = await this.repository.undeliverableAmong(
      executor,
      addresses.flatMap((a) => (a.address ? [{ channel: a.channel, address: a.address }] : [])),
    );
    return addresses.map((a) => {
      const found = listed.find((l) => l.channel === a.channel && l.address === a.address);
      return {
        ...a,
        undeliverable: found ? { reason: found.reason, since: found.at.toISOString() } : null,
      };
    });
  }
}

function isCustomer(actor: Actor): boolean {
  return actor.principal?.kind === 'user' && actor.principal.role === 'customer';
}

function sameChannels(a: readonly ChannelKind[], b: readonly ChannelKind[]): boolean {
  return a.length === b.length && a.every((c) => b.includes(c));
}

function presentPreferences(p: Preferences): PreferencesViewType {
  const kinds = MEMBER_KINDS.map((kind) => ({
    kind,
    label: CATALOGUE[kind].subject,
    channels: CHANNELS.filter((c) => channelsFor(kind, p).includes(c)),
    defaults: [...CATALOGUE[kind].defaults],
    chosen: (p.channels[kind]?.length ?? 0) > 0,
    live: CATALOGUE[kind].live,
  }));
  return {
    language: p.language,
    quietHours: p.quietHours,
    quietHoursWindow: { from: pad(QUIET_HOURS.from), to: pad(QUIET_HOURS.to) },
    channels: Object.fromEntries(kinds.map((k) => [k.kind, k.channels])),
    kinds,
  };
}

/** The state people are told, and why a message did not go. */
function stateOf(
  message: NotificationRow,
  attempts: NotificationAttemptRow[],
  reader: Language,
): { state: MessageViewType['state']; reason: string | null } {
  const last = attempts.at(-1);
  switch (message.status) {
    case 'sent':
      return {
        state: attempts.some((a) => a.receipt === 'delivered') ? 'delivered' : 'sent',
        reason: null,
      };
    case 'failed': {
      const refused = [...attempts].reverse().find((a) => a.receipt && a.receipt !== 'delivered');
      if (refused?.receipt) {
        const words = RECEIPT_WORDS[refused.receipt]?.[reader] ?? refused.receipt;
        return {
          state: 'failed',
          reason: refused.receiptDetail ? `${words} (${refused.receiptDetail})` : words,
        };
      }
      return { state: 'failed', reason: detailWords(last?.detail ?? null, reader) };
    }
    case 'unconfigured':
      return { state: 'unconfigured', reason: DETAIL_WORDS.channel_not_configured?.[reader] ?? null };
    case 'cancelled':
      return { state: 'cancelled', reason: null };
    // Written by a test clock's advance: kept to be read, like a message no channel could take.
    case 'test':
      return { state: 'unconfigured', reason: DETAIL_WORDS.test_clock?.[reader] ?? null };
    default:
      return { state: 'pending', reason: null };
  }
}

function present(
  message: NotificationRow,
  attempts: NotificationAttemptRow[],
  reader: Language,
  masked: boolean,
): MessageViewType {
  const { state, reason } = stateOf(message, attempts, reader);
  return {
    id: message.id,
    kind: message.kind,
    channel: message.channel as ChannelKind,
    language: message.language === 'en' ? 'en' : 'es',
    status: message.status,
    state,
    reason,
    createdAt: message.createdAt.toISOString(),
    sendAt: message.sendAt.toISOString(),
    sentAt: message.sentAt?.toISOString() ?? null,
    caseId: message.caseId,
    subject: subjectOf(message.kind, reader),
    body: reader === 'en' ? message.bodyEn : message.bodyEs,
    resendOf: message.resendOf,
    attempts: attempts.map((a) => presentAttempt(a, reader, masked)),
  };
}

function presentAttempt(a: NotificationAttemptRow, reader: Language, masked: boolean): AttemptViewType {
  return {
    attempt: a.attempt,
    at: a.at.toISOString(),
    channel: a.channel as ChannelKind,
    outcome: a.outcome as AttemptViewType['outcome'],
    detail: detailWords(a.detail, reader),
    address: a.address ? (masked ? maskAddress(a.address) : a.address) : null,
    receipt: a.receipt
      ? { status: a.receipt, detail: a.receiptDetail, at: a.receiptAt?.toISOString() ?? null }
      : null,
  };
}
