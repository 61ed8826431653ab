import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got: its headers and the body exactly as sent. */
export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/** What the receiver answers to one request: a status, and where a 3xx sends it. */
export interface Answer {
  status: number;
  location?: string;
  body?: string;
}

/**
 * A partner's webhook receiver on loopback, as a test starts it: it keeps every request and
 * answers from a script (`answer`), 200 once the script is spent, or always `fallback`.
 */
export interface WebhookReceiver {
  url: string;
  received: Received[];
  /** Answers for the next requests, in order. */
  answer(...answers: (number | Answer)[]): void;
  /** The answer once the script is spent (default 200). */
  fallback: number;
  /** Stops answering at all: connections are refused (the receiver is down). */
  close(): Promise<void>;
}

export async function startWebhookReceiver(path = '/hooks/libra'): Promise<WebhookReceiver> {
  const script: Answer[] = [];
  const received: Received[] = [];
  const receiver = {
    url: '',
    received,
    fallback: 200,
    answer: (...answers: (number | Answer)[]) => {
      script.push(...answers.map((a) => (typeof a === 'number' ? { status: a } : a)));
    },
    close: async () => {},
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = script.shift() ?? { status: receiver.fallback };
      received.push({
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        status: answer.status,
      });
      response.writeHead(answer.status, {
        'content-type': 'text/plain',
        ...(answer.location ? { location: answer.location } : {}),
      });
      response.end(answer.body ?? (answer.status < 300 ? 'ok' : 'no'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}${path}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

/** The Standard Webhooks headers of a request, as the `standardwebhooks` verifier takes them. */
export function webhookHeaders(r: Received): Record<string, string> {
  return {
    'webhook-id': String(r.headers['webhook-id'] ?? ''),
    'webhook-timestamp': String(r.headers['webhook-timestamp'] ?? ''),
    'webhook-signature': String(r.headers['webhook-signature'] ?? ''),
  };
}
