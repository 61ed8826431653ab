import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small HTTP server on loopback that answers recorded responses (test/fixtures/…), for the HTTP
 * adapters' tests: each request is kept, and `answer` decides per request — a fixture, a status,
 * or nothing at all (a server that never answers, for the timeout path).
 */
export type Answer =
  | { fixture: string; status?: number }
  | { status: number; body?: string }
  | { hang: true };

export interface RecordedServer {
  url: string;
  requests: { url: URL; headers: IncomingMessage['headers'] }[];
  /** What the next requests get, by their path; unmatched paths answer 404. */
  answer: (route: (url: URL) => Answer | undefined) => void;
  close(): Promise<void>;
}

export function fixture(path: string): string {
  return readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');
}

export async function startRecordedServer(): Promise<RecordedServer> {
  const requests: RecordedServer['requests'] = [];
  let route: (url: URL) => Answer | undefined = () => undefined;
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ url, headers: req.headers });
    const answer = route(url);
    if (!answer) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    } else if ('hang' in answer) {
      hanging.add(res);
    } else if ('fixture' in answer) {
      res
        .writeHead(answer.status ?? 200, { 'content-type': 'application/json' })
        .end(fixture(answer.fixture));
    } else {
      res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body ?? '');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: (next) => {
      route = next;
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
