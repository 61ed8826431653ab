import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface TestSmtpServer {
  port: number;
  url: string;
  received: ReceivedMail[];
  /** Answers the next recipients with these SMTP reply codes (450, 550…), one per attempt. */
  refuseNext(...codes: number[]): void;
  close(): Promise<void>;
}

/**
 * A real SMTP peer on loopback (the `smtp-server` package): it speaks the protocol nodemailer speaks
 * to a real server, checks the credentials of the URL, and keeps every message it accepts.
 */
export async function startSmtpServer(
  credentials = { user: 'libra', pass: 'secreto' },
): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const refusals: number[] = [];
  const server = new SMTPServer({
    // Plain loopback: no TLS to negotiate with a self-signed certificate.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === credentials.user && auth.password === credentials.pass)
        return callback(null, { user: auth.username });
      return callback(new Error('Invalid username or password'));
    },
    onRcptTo(_address, _session, callback) {
      const code = refusals.shift();
      if (code === undefined) return callback();
      const error = Object.assign(new Error(code >= 500 ? 'Mailbox unavailable' : 'Try again later'), {
        responseCode: code,
      });
      return callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://${credentials.user}:${credentials.pass}@127.0.0.1:${port}`,
    received,
    refuseNext: (...codes) => refusals.push(...codes),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The value of a header in a raw message (first occurrence, unfolded). */
export function header(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const match = new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(head);
  return match?.[1]?.replace(/\r?\n[ \t]+/g, ' ').trim();
}

export interface ParsedMail {
  to: string;
  subject: string;
  messageId: string;
  text: string;
  html: string;
  language: string | undefined;
  attachments: { filename: string; contentType: string; content: Buffer }[];
}

/** A received message decoded as a mail client would show it (quoted-printable, encoded words…). */
export async function parse(mail: ReceivedMail): Promise<ParsedMail> {
  const parsed = await simpleParser(mail.raw);
  const html = typeof parsed.html === 'string' ? parsed.html : '';
  return {
    to: mail.to.join(','),
    subject: parsed.subject ?? '',
    messageId: parsed.messageId ?? '',
    text: parsed.text ?? '',
    html,
    language: /<html lang="([^"]+)"/.exec(html)?.[1],
    attachments: parsed.attachments.map((a) => ({
      filename: a.filename ?? '',
      contentType: a.contentType,
      content: a.content,
    })),
  };
}

/** Every message received for one address, decoded, in arrival order. */
export async function mailboxOf(smtp: TestSmtpServer, address: string): Promise<ParsedMail[]> {
  const mine = smtp.received.filter((m) => m.to.includes(address.toLowerCase()) || m.to.includes(address));
  return Promise.all(mine.map(parse));
}
