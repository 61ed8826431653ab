import nodemailer, { type Transporter } from 'nodemailer';

/**
 * The channel port: one adapter per way of reaching a person (SMTP email today; SMPP, an HTTP SMS
 * API or WhatsApp Business later). The outbox hands a message to the channel of its kind and
 * records what the channel says happened — nothing else decides that a message was sent.
 */

export type ChannelKind = 'email' | 'sms';

export interface OutgoingMessage {
  /** The notification's id: the stable identity of this message across re-sends. */
  id: string;
  kind: string;
  /** An email address, or a phone number in E.164 (`+525512345678`), per channel. */
  to: string;
  /** The person's language: the subject and text are in it. */
  language: 'es' | 'en';
  /** The email's subject (channels without one ignore it). */
  subject: string;
  /** The message, plain text, paragraphs separated by a blank line. */
  text: string;
  /** Files it carries (an email's receipt PDF); channels without attachments are never handed any. */
  attachments?: Attachment[];
}

/** A file rendered for one delivery of a message. */
export interface Attachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

/**
 * What a carrier said later about a message it accepted (an SMPP delivery receipt): `delivered`
 * reached the handset; `undeliverable` never will (unknown or dead number: the address is marked);
 * `expired`/`rejected` ended without reaching it.
 */
export interface Receipt {
  channel: ChannelKind;
  /** The id the channel returned when it accepted the message (`Delivery.providerMessageId`). */
  providerMessageId: string;
  status: 'delivered' | 'undeliverable' | 'expired' | 'rejected';
  /** The carrier's own words (`stat:UNDELIV err:001`), kept in the log. */
  detail: string;
  at: Date;
}

export type Delivery =
  | { outcome: 'sent'; providerMessageId: string }
  | { outcome: 'temporary_failure'; reason: string }
  /**
   * `addressRejected`: the server refused the recipient itself (an SMTP 5xx to RCPT TO, an SMSC's
   * invalid destination): the address is marked undeliverable until the person changes it.
   */
  | { outcome: 'permanent_failure'; reason: string; addressRejected?: boolean };

export interface Channel {
  kind: ChannelKind;
  send(message: OutgoingMessage): Promise<Delivery>;
  /** Channels that learn the fate of a message later (SMPP) report it here; the outbox listens. */
  onReceipt?(listener: (receipt: Receipt) => void | Promise<void>): void;
  close?(): Promise<void>;
}

export interface SmtpChannelOptions {
  /** `smtp://user:pass@host:port` (or `smtps://`). */
  url: string;
  /** The From address: `Libra <avisos@libra.mx>` or a bare address. */
  from: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function paragraphs(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
}

/** The domain of an address (`Libra <avisos@libra.mx>` → `libra.mx`), for the Message-ID. */
function domainOf(from: string): string {
  const match = /@([A-Za-z0-9.-]+)/.exec(from);
  return match?.[1] ?? 'libra.invalid';
}

/** The Message-ID of a notification: the same on every attempt, so a re-send can be recognised. */
export function messageIdOf(notificationId: string, from: string): string {
  return `<${notificationId}@${domainOf(from)}>`;
}

/** The SMTP reply code of a nodemailer error, when the server answered at all. */
function replyCode(error: unknown): number | undefined {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' ? code : undefined;
}

/** Email over SMTP with nodemailer: 2xx sent, 5xx permanent, 4xx and no answer temporary. */
export class SmtpChannel implements Channel {
  readonly kind = 'email' as const;
  private readonly transport: Transporter;

  constructor(private readonly options: SmtpChannelOptions) {
    this.transport = nodemailer.createTransport(options.url);
  }

  async send(message: OutgoingMessage): Promise<Delivery> {
    const messageId = messageIdOf(message.id, this.options.from);
    const text = `${message.text}\n`;
    const lang = message.language === 'en' ? 'en' : 'es-MX';
    const html = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(message.subject)}</title></head><body>${paragraphs(message.text)}</body></html>`;
    try {
      await this.transport.sendMail({
        from: this.options.from,
        to: message.to,
        subject: message.subject,
        text,
        html,
        messageId,
        ...(message.attachments?.length
          ? {
              attachments: message.attachments.map((a) => ({
                filename: a.filename,
                contentType: a.contentType,
                content: a.content,
              })),
            }
          : {}),
      });
      return { outcome: 'sent', providerMessageId: messageId };
    } catch (error) {
      const code = replyCode(error);
      const reason = (error as Error).message?.slice(0, 500) || 'smtp error';
      // A 5xx is the server's final word (unknown mailbox, refused); anything else may pass later.
      if (code !== undefined && code >= 500 && code < 600) {
        const command = (error as { command?: unknown }).command;
        return { outcome: 'permanent_failure', reason, addressRejected: command === 'RCPT TO' };
      }
      return { outcome: 'temporary_failure', reason };
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
