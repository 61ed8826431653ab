import type { Executor } from '../../db/client.ts';
import type { AttachmentRef } from '../../db/schema/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { inMexicoCity } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import { CATALOGUE, type Language, type MessageKind, type MessageParams, render } from './catalogue.ts';
import type { ChannelKind } from './channels.ts';
import type { NewNotification, NotificationsRepository } from './repository.ts';

/** SMS that can wait are held from 21:00 to 08:00, Mexico City (unless the person turned this off). */
export const QUIET_HOURS = { from: 21, to: 8 } as const;

export interface Preferences {
  language: Language;
  /** Kinds the person chose channels for; the rest keep the catalogue's defaults. */
  channels: Partial<Record<MessageKind, ChannelKind[]>>;
  quietHours: boolean;
}

export const DEFAULT_PREFERENCES: Preferences = { language: 'es', channels: {}, quietHours: true };

/** The channels a message of this kind goes through for this person. */
export function channelsFor(kind: MessageKind, preferences: Preferences): ChannelKind[] {
  const chosen = preferences.channels[kind];
  return chosen && chosen.length > 0 ? chosen : CATALOGUE[kind].defaults;
}

/** The first moment at or after `at` outside quiet hours. */
export function afterQuietHours(at: Date): Date {
  const local = inMexicoCity(at);
  if (local.hour >= QUIET_HOURS.to && local.hour < QUIET_HOURS.from) return at;
  const morning = local.hour >= QUIET_HOURS.from ? local.plus({ days: 1 }) : local;
  return morning.set({ hour: QUIET_HOURS.to, minute: 0, second: 0, millisecond: 0 }).toJSDate();
}

/** Where the links in messages point: the public address people use. */
export class MessageLinks {
  constructor(private readonly base: string) {}
  private at(path: string): string {
    return `${this.base.replace(/\/$/, '')}${path}`;
  }
  receipt(chargeId: string): string {
    return this.at(`/app/cobros/${chargeId}`);
  }
  charges(): string {
    return this.at('/app/cobros');
  }
  /** Where a member changes the card (a declined charge is paid with the new one at once). */
  card(): string {
    return this.at('/app/tarjeta');
  }
  cancel(): string {
    return this.at('/app/cancelar');
  }
  case(caseId: string): string {
    return this.at(`/app/casos/${caseId}`);
  }
  providerJobs(): string {
    return this.at('/proveedor');
  }
  /** The page where an invited beneficiary opens their own account. */
  invitation(token: string): string {
    return this.at(`/invitacion/${token}`);
  }
  /** The page where whoever holds a one-time location link shares their position. */
  location(token: string): string {
    return this.at(`/ubicacion/${token}`);
  }
}

interface Addressing {
  caseId?: string | null;
  /** When it goes out (a reminder ahead of time); now when absent. */
  sendAt?: Date;
  /** One message per subject and channel: recording it twice keeps the first. */
  subjectKey?: string;
}

export type MemberMessage<K extends MessageKind> = Addressing & {
  kind: K;
  membershipId: string;
  params: MessageParams[K];
  /** Files its email carries, by reference (rendered when sent); other channels carry none. */
  attachments?: AttachmentRef[];
  /**
   * An address given for this message instead of the titular's contact (a location link texted to
   * whoever is calling): it goes on that channel only, to that address, in the member's language.
   * The address is as the outbox sends it (E.164 for SMS).
   */
  to?: { channel: ChannelKind; address: string };
};

export type ProviderMessage<K extends MessageKind> = Addressing & {
  kind: K;
  providerId: string;
  params: MessageParams[K];
};

/**
 * How the domains owe a message: called inside the transaction of the change it tells about (the
 * outbox), it writes the message in both languages on each channel the person chose, at the time it
 * may go out. The outbox's worker delivers it after the commit; a rollback leaves nothing to send.
 */
export class Notifier {
  constructor(
    private readonly repository: NotificationsRepository,
    private readonly clock: Clock,
    readonly links: MessageLinks,
    /** Wakes the outbox's worker when the first of the new messages is due (same transaction). */
    private readonly wake: (executor: Executor, at: Date) => Promise<void> = async () => {},
    /**
     * Sandbox: a test clock's notifier (docs/test-clocks.md) writes its messages as `test`, to be
     * read and never delivered (the outbox claims only `pending` ones), and wakes no worker.
     */
    private readonly test = false,
  ) {}

  async toMember<K extends MessageKind>(executor: Executor, message: MemberMessage<K>): Promise<string[]> {
    const preferences = await this.repository.preferencesOf(executor, message.membershipId);
    const rows = this.rows(message, preferences, { membershipId: message.membershipId });
    await this.record(executor, rows);
    return rows.map((r) => r.id);
  }

  /**
   * Many messages at once (a billing batch's outcomes, a day's charge notices): the people's
   * preferences in one read and the rows in one insert.
   */
  async toMembers(executor: Executor, messages: MemberMessage<MessageKind>[]): Promise<number> {
    if (messages.length === 0) return 0;
    const preferences = await this.repository.preferencesOfMany(executor, [
      ...new Set(messages.map((m) => m.membershipId)),
    ]);
    const rows = messages.flatMap((m) =>
      this.rows(m, preferences.get(m.membershipId) ?? DEFAULT_PREFERENCES, { membershipId: m.membershipId }),
    );
    return this.record(executor, rows);
  }

  /** Staff alerts (a new offer to a provider's dispatch phone): Spanish, its default channels. */
  async toProvider<K extends MessageKind>(
    executor: Executor,
    message: ProviderMessage<K>,
  ): Promise<string[]> {
    const rows = this.rows(
      message,
      { ...DEFAULT_PREFERENCES, quietHours: false },
      { providerId: message.providerId },
    );
    await this.repository.insertEach(executor, rows);
    return rows.map((r) => r.id);
  }

  /**
   * Withdraws the messages about a subject not sent yet (their subject key starts with `prefix`):
   * a link replaced or used before its SMS went is not sent afterwards.
   */
  async withdraw(executor: Executor, subjectKeyPrefix: string): Promise<void> {
    await this.repository.withdrawPendingWithSubjectPrefix(executor, subjectKeyPrefix);
  }

  private async record(executor: Executor, rows: (NewNotification & { id: string })[]): Promise<number> {
    const made = await this.repository.insertEach(executor, rows);
    if (made > 0 && !this.test) {
      const first = rows.reduce((min, r) => (r.sendAt < min ? r.sendAt : min), rows[0]?.sendAt as Date);
      await this.wake(executor, first);
    }
    return made;
  }

  private rows<K extends MessageKind>(
    message: Addressing & {
      kind: K;
      params: MessageParams[K];
      to?: { channel: ChannelKind; address: string } | undefined;
      attachments?: AttachmentRef[] | undefined;
    },
    preferences: Preferences,
    recipient: { membershipId: string } | { providerId: string },
  ): (NewNotification & { id: string })[] {
    const now = this.clock.now();
    const body = render(message.kind, message.params);
    const live = CATALOGUE[message.kind].live;
    const at = message.sendAt ?? now;
    const channels = message.to ? [message.to.channel] : channelsFor(message.kind, preferences);
    return channels.map((channel) => ({
      id: newId(),
      ...recipient,
      address: message.to?.address ?? null,
      caseId: message.caseId ?? null,
      kind: message.kind,
      channel,
      language: preferences.language,
      sendAt: channel === 'sms' && !live && preferences.quietHours ? afterQuietHours(at) : at,
      status: this.test ? 'test' : 'pending',
      bodyEs: body.es,
      bodyEn: body.en,
      subjectKey: message.subjectKey ?? null,
      createdAt: now,
      attachments: channel === 'email' && message.attachments?.length ? message.attachments : null,
    }));
  }
}
