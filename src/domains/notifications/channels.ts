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
  /** An email address or a phone number, per channel. */
  to: string;
  bodyEs: string;
  bodyEn: string;
}

export type Delivery =
  | { outcome: 'sent'; providerMessageId: string }
  | { outcome: 'temporary_failure'; reason: string }
  | { outcome: 'permanent_failure'; reason: string };

export interface Channel {
  kind: ChannelKind;
  send(message: OutgoingMessage): Promise<Delivery>;
  close?(): Promise<void>;
}

export interface SmtpChannelOptions {
  /** `smtp://user:pass@host:port` (or `smtps://`). */
  url: string;
  /** The From address: `Libra <avisos@libra.mx>` or a bare address. */
  from: string;
}

/** Subjects by message kind; bilingual, like the body (es-MX first). */
const SUBJECTS: Record<string, string> = {
  appointment_confirmation: 'Confirmación de tu cita / Appointment confirmation',
  appointment_reminder_24h: 'Recordatorio de tu cita / Appointment reminder',
  appointment_reminder_2h: 'Tu cita es en 2 horas / Your appointment is in 2 hours',
  cancellation_confirmation: 'Cancelación de tu membresía / Membership cancellation',
  charge_notice: 'Aviso de cargo automático / Automatic charge notice',
  complaint_received: 'Recibimos tu queja / We received your complaint',
  complaint_resolution: 'Resolución de tu queja / Your complaint resolution',
};
const DEFAULT_SUBJECT = 'Mensaje de Asistencia Libra Plus / Message from Asistencia Libra Plus';

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
    const text = `${message.bodyEs}\n\n---\n\n${message.bodyEn}\n`;
    const html = `<!doctype html><html lang="es-MX"><body>${paragraphs(message.bodyEs)}<hr><div lang="en">${paragraphs(message.bodyEn)}</div></body></html>`;
    try {
      await this.transport.sendMail({
        from: this.options.from,
        to: message.to,
        subject: SUBJECTS[message.kind] ?? DEFAULT_SUBJECT,
        text,
        html,
        messageId,
      });
      return { outcome: 'sent', providerMessageId: messageId };
    } catch (error) {
      const code = replyCode(error);
      const reason = (error as Error).message?.slice(0, 500) || 'smtp error';
      // A 5xx is the server's final word (unknown mailbox, refused); anything else may pass later.
      if (code !== undefined && code >= 500 && code < 600) return { outcome: 'permanent_failure', reason };
      return { outcome: 'temporary_failure', reason };
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
