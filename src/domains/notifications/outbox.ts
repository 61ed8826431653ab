import type { Database } from '../../db/client.ts';
import type { AttachmentRef } from '../../db/schema/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { MEXICO_CITY } from '../../lib/clock.ts';
import { toE164 } from '../../lib/phone.ts';
import type { Jobs } from '../../platform/jobs.ts';
import { type Language, subjectOf } from './catalogue.ts';
import type { Attachment, Channel, ChannelKind, Delivery, Receipt } from './channels.ts';
import type { NotificationRow, NotificationsRepository } from './repository.ts';

export const OUTBOX_QUEUE = 'notifications-deliver';

/** Minutes to wait after the n-th temporary failure (1, 5, 25, 125…); the last attempt fails. */
export const RETRY_MINUTES = [1, 5, 25, 125];
/** Attempts before a message that keeps failing temporarily is given up. */
export const MAX_ATTEMPTS = RETRY_MINUTES.length + 1;
/**
 * How long a claimed message is held by the worker delivering it. A worker that dies mid-send lets
 * it go when this passes, and the next one re-sends it (same Message-ID): at most one extra copy.
 */
export const LEASE_SECONDS = 300;

export type DeliveryOutcome = 'sent' | 'failed' | 'retry' | 'unconfigured';

export interface OutboxOptions {
  /** Messages one drain claims at a time. */
  batchSize?: number;
}

export interface DrainSummary {
  sent: number;
  failed: number;
  retried: number;
  unconfigured: number;
}

type Listener = (event: { channel: string; kind: string; outcome: DeliveryOutcome }) => void;

/**
 * Renders a file a message refers to (its owner's, e.g. invoicing's receipt PDF of a charge) as
 * the record stood at `asOf`, the message's writing: every attempt renders the same file.
 */
export type AttachmentResolver = (id: string, asOf: Date) => Promise<Attachment>;

export const EMAIL_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type Claimed = NotificationRow & { address: string | null; undeliverable: boolean };

/** A phone as SMS needs it (E.164): `55 1234 5678` → `+525512345678`; null if it is not one. */
export { toE164 };

/** Where this message goes on its channel, or null when the person has no usable address there. */
function addressOf(
  row: NotificationRow,
  members: Map<string, { email: string; phone: string }>,
  providers: Map<string, string>,
): string | null {
  // An address given for this message (a number an agent was told) goes before the contacts.
  if (row.address) return row.address;
  const contact = row.membershipId ? members.get(row.membershipId) : undefined;
  if (row.channel === 'email') {
    const email = contact?.email?.trim().toLowerCase();
    return email && EMAIL_ADDRESS.test(email) ? email : null;
  }
  const phone = row.providerId ? providers.get(row.providerId) : contact?.phone;
  return phone ? toE164(phone) : null;
}

/**
 * The outbox's delivery worker. Messages are recorded by the domains in the transaction of their
 * change; here they are claimed (`for update skip locked`, then leased) in a short transaction,
 * handed to their channel outside any transaction, and the outcome is written to the delivery log.
 */
export class Outbox {
  private readonly channels = new Map<string, Channel>();
  private readonly listeners: Listener[] = [];
  private readonly resolvers = new Map<string, AttachmentResolver>();
  private readonly batchSize: number;
  private jobs: Jobs | null = null;

  constructor(
    private readonly db: Database,
    private readonly repository: NotificationsRepository,
    channels: Channel[],
    private readonly clock: Clock,
    options: OutboxOptions = {},
  ) {
    for (const channel of channels) this.channels.set(channel.kind, channel);
    this.batchSize = options.batchSize ?? 50;
  }

  /** The kinds of channel this process can deliver through. */
  configured(): ChannelKind[] {
    return [...this.channels.keys()] as ChannelKind[];
  }

  /**
   * Who renders attachments of a kind (`charge_receipt`): a domain the outbox may not import
   * registers it when the services are built.
   */
  attachWith(kind: AttachmentRef['kind'], resolver: AttachmentResolver): void {
    this.resolvers.set(kind, resolver);
  }

  /** Told of every outcome (the metrics count them). */
  onDelivery(listener: Listener): void {
    this.listeners.push(listener);
  }

  /**
   * Woken by every transaction that writes messages (at the first one's time), and every minute as a
   * backstop (leases that passed, messages of a process that died), by whichever processes have
   * workers: each delivers what it claims.
   */
  registerJobs(jobs: Jobs): void {
    this.jobs = jobs;
    jobs.handle(
      OUTBOX_QUEUE,
      async () => {
        await this.drain();
      },
      { expireInSeconds: 600, schedule: { cron: '* * * * *', tz: MEXICO_CITY } },
    );
  }

  /** Delivers every message due now, batch by batch, until none is left. */
  async drain(): Promise<DrainSummary> {
    const summary: DrainSummary = { sent: 0, failed: 0, retried: 0, unconfigured: 0 };
    summary.unconfigured = await this.keepUnconfigured();
    for (;;) {
      const claimed = await this.claim();
      if (claimed.length === 0) break;
      for (const message of claimed) {
        const outcome = await this.deliver(message);
        if (outcome === 'sent') summary.sent++;
        else if (outcome === 'failed') summary.failed++;
        else summary.retried++;
      }
    }
    return summary;
  }

  async close(): Promise<void> {
    for (const channel of this.channels.values()) await channel.close?.();
  }

  /**
   * Due messages of a channel not configured here are kept, marked so, with the reason in the log:
   * nothing pretends to have sent them. A process with the channel picks them up later.
   */
  private async keepUnconfigured(): Promise<number> {
    const missing = ['email', 'sms'].filter((kind) => !this.channels.has(kind));
    if (missing.length === 0) return 0;
    let kept = 0;
    for (;;) {
      const now = this.clock.now();
      const batch = await this.db.transaction(async (tx) => {
        const rows = await this.repository.lockDue(tx, missing, ['pending'], now, this.batchSize);
        for (const row of rows) {
          await this.repository.settle(tx, row.id, { status: 'unconfigured', nextAttemptAt: null });
          await this.repository.logAttempt(tx, {
            notificationId: row.id,
            at: now,
            channel: row.channel,
            outcome: 'not_sent',
            detail: 'channel_not_configured',
          });
        }
        return rows;
      });
      for (const row of batch) this.emit(row, 'unconfigured');
      kept += batch.length;
      if (batch.length < this.batchSize) return kept;
    }
  }

  /** Takes a batch for this worker: locked past other workers, then leased past this transaction. */
  private async claim(): Promise<Claimed[]> {
    const configured = [...this.channels.keys()];
    if (configured.length === 0) return [];
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      const rows = await this.repository.lockDue(
        tx,
        configured,
        ['pending', 'unconfigured'],
        now,
        this.batchSize,
      );
      const leaseUntil = new Date(now.getTime() + LEASE_SECONDS * 1000);
      await this.repository.lease(
        tx,
        rows.map((r) => r.id),
        leaseUntil,
      );
      const members = await this.repository.contactsOf(
        tx,
        rows.flatMap((r) => (r.membershipId ? [r.membershipId] : [])),
      );
      const providers = await this.repository.providerPhonesOf(
        tx,
        rows.flatMap((r) => (r.providerId ? [r.providerId] : [])),
      );
      const claimed: Claimed[] = [];
      for (const r of rows) {
        const address = addressOf(r, members, providers);
        const undeliverable = address ? await this.repository.isUndeliverable(tx, r.channel, address) : false;
        claimed.push({ ...r, attempts: r.attempts + 1, address, undeliverable });
      }
      return claimed;
    });
  }

  private async deliver(message: Claimed): Promise<DeliveryOutcome> {
    const channel = this.channels.get(message.channel);
    const language: Language = message.language === 'en' ? 'en' : 'es';
    let delivery: Delivery;
    if (!channel) delivery = { outcome: 'permanent_failure', reason: 'channel_not_configured' };
    else if (!message.address) delivery = { outcome: 'permanent_failure', reason: 'recipient_missing' };
    else if (message.undeliverable)
      delivery = { outcome: 'permanent_failure', reason: 'address_undeliverable' };
    else {
      // Outside any transaction: a slow server holds no lock and no connection.
      const attached = await this.attachments(message);
      delivery =
        'outcome' in attached
          ? attached
          : await channel
              .send({
                id: message.id,
                kind: message.kind,
                to: message.address,
                language,
                subject: subjectOf(message.kind, language),
                text: language === 'en' ? message.bodyEn : message.bodyEs,
                ...(attached.files.length ? { attachments: attached.files } : {}),
              })
              .catch((error: Error) => ({ outcome: 'temporary_failure' as const, reason: error.message }));
    }
    const now = this.clock.now();
    let outcome: DeliveryOutcome;
    let change: { status: string; nextAttemptAt: Date | null; sentAt?: Date };
    if (delivery.outcome === 'sent') {
      outcome = 'sent';
      change = { status: 'sent', nextAttemptAt: null, sentAt: now };
    } else if (delivery.outcome === 'temporary_failure' && message.attempts < MAX_ATTEMPTS) {
      outcome = 'retry';
      const minutes = RETRY_MINUTES[message.attempts - 1] ?? RETRY_MINUTES.at(-1) ?? 1;
      change = { status: 'pending', nextAttemptAt: new Date(now.getTime() + minutes * 60_000) };
    } else {
      outcome = 'failed';
      change = { status: 'failed', nextAttemptAt: null };
    }
    await this.db.transaction(async (tx) => {
      await this.repository.settle(tx, message.id, change);
      // A retry is woken at its time (the schedule every minute would find it too).
      if (change.nextAttemptAt) await this.jobs?.nudge(tx, OUTBOX_QUEUE, change.nextAttemptAt);
      await this.repository.logAttempt(tx, {
        notificationId: message.id,
        at: now,
        channel: message.channel,
        outcome: delivery.outcome,
        address: message.address,
        detail: delivery.outcome === 'sent' ? null : delivery.reason,
        providerMessageId: delivery.outcome === 'sent' ? delivery.providerMessageId : null,
      });
      if (delivery.outcome === 'permanent_failure' && delivery.addressRejected && message.address)
        await this.repository.markUndeliverable(tx, {
          channel: message.channel,
          address: message.address,
          reason: delivery.reason,
          notificationId: message.id,
          at: now,
        });
    });
    this.emit(message, outcome);
    return outcome;
  }

  /**
   * The message's files, rendered now as of its writing. A file that cannot be rendered holds the
   * message back like a server that did not answer (it is tried again, then given up): it is never
   * sent without what it says it carries. A kind nobody renders is a permanent failure.
   */
  private async attachments(
    message: Claimed,
  ): Promise<
    { files: Attachment[] } | Extract<Delivery, { outcome: 'temporary_failure' | 'permanent_failure' }>
  > {
    const files: Attachment[] = [];
    for (const ref of message.attachments ?? []) {
      const resolver = this.resolvers.get(ref.kind);
      if (!resolver) return { outcome: 'permanent_failure', reason: 'attachment_unknown' };
      try {
        files.push(await resolver(ref.id, message.createdAt));
      } catch (error) {
        // The log keeps a code people are told in words; the cause goes to the operator's log.
        process.emitWarning(
          `outbox: ${ref.kind} ${ref.id} for message ${message.id}: ${(error as Error).message}`,
        );
        return { outcome: 'temporary_failure', reason: 'attachment_unavailable' };
      }
    }
    return { files };
  }

  /**
   * A channel's later word on a message it accepted (an SMPP delivery receipt) goes on the attempt
   * that sent it. A number the carrier says will never take messages is marked undeliverable and
   * the message failed; a receipt for a message this database never sent is ignored.
   */
  async recordReceipt(receipt: Receipt): Promise<void> {
    await this.db.transaction(async (tx) => {
      const attempt = await this.repository.attemptByProviderId(
        tx,
        receipt.channel,
        receipt.providerMessageId,
      );
      if (!attempt) return;
      await this.repository.recordReceipt(tx, attempt.id, receipt);
      if (receipt.status === 'delivered') return;
      await this.repository.settle(tx, attempt.notificationId, { status: 'failed', nextAttemptAt: null });
      if (receipt.status === 'undeliverable' && attempt.address)
        await this.repository.markUndeliverable(tx, {
          channel: receipt.channel,
          address: attempt.address,
          reason: receipt.detail,
          notificationId: attempt.notificationId,
          at: receipt.at,
        });
    });
  }

  private emit(row: NotificationRow, outcome: DeliveryOutcome): void {
    for (const listener of this.listeners) listener({ channel: row.channel, kind: row.kind, outcome });
  }
}
