import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARD_NUMBER_REMOVED } from '../src/lib/card-numbers.ts';
import { buildWorld, type World } from './support/bad-input/world.ts';
import { expectProblem } from './support/problems.ts';

/**
 * Issue 19, findings 2 and 5: a body nested 10,000 deep overflowed the card-number scan (a 500 on
 * every route with a body, public ones included), and the refusals Fastify and Node make themselves
 * — a path parameter over 100 characters (414), a path that is not UTF-8, request headers over
 * 16 KB (431), a 10 MB body (413) — were not problem+json, or never reached a client that sends its
 * whole body before reading the answer. The last ones need a real socket: inject has no HTTP parser.
 */
let world: World;
let port: number;

beforeAll(async () => {
  world = await buildWorld();
  await world.t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (world.t.app.server.address() as { port: number }).port;
}, 120_000);
afterAll(async () => world?.t.close());

/**
 * Writes the whole request, reading nothing, and only then reads the answer — as curl and most HTTP
 * libraries do. A server that closes the connection while the body is still coming makes the write
 * fail (EPIPE, ECONNRESET) and the answer is lost.
 */
function sendThenRead(head: string, body: Buffer = Buffer.alloc(0)): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.pause();
    let answer = '';
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(`socket error ${error.code}`));
    socket.write(head);
    socket.write(body, (error) => {
      if (error) return resolve(`write failed ${(error as NodeJS.ErrnoException).code}`);
      socket.on('data', (chunk) => {
        answer += chunk;
      });
      socket.on('end', () => resolve(answer));
      socket.resume();
    });
  });
}

/** Status line, headers and body of a raw HTTP/1.1 answer. */
function parse(raw: string) {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [
      line.slice(0, line.indexOf(':')).toLowerCase(),
      line.slice(line.indexOf(':') + 1).trim(),
    ]),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

describe('finding 2: deep bodies are refused before anything walks them', () => {
  it('every route with a body answers 400 JSON_TOO_DEEP, public ones included', async () => {
    const routes = world.t.app.registeredRoutes.filter(
      (r) => ['POST', 'PUT', 'DELETE', 'PATCH'].includes(r.method) && !r.url.startsWith('/docs'),
    );
    expect(routes.length).toBeGreaterThan(40);
    const answers: string[] = [];
    for (const route of routes) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) => world.pathValue(path, name));
      const { headers } = await world.callerFor(route.policy);
      for (const payload of [
        `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
        `${'{"a":'.repeat(65)}1${'}'.repeat(65)}`,
      ]) {
        const res = await world.t.app.inject({
          method: route.method as 'POST',
          url,
          headers: { ...headers, 'content-type': 'application/json' },
          payload,
        });
        answers.push(`${route.method} ${route.url} ${res.statusCode} ${res.json().code}`);
      }
    }
    expect(answers.filter((a) => !a.endsWith(' 400 JSON_TOO_DEEP'))).toEqual([]);
  });

  it('takes a body 64 deep', async () => {
    const res = await world.t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: `{"email":"a@example.com","password":${'['.repeat(63)}${']'.repeat(63)}}`,
    });
    expect(res.json().code).toBe('VALIDATION_FAILED');
  });
});

describe('finding 5: refusals before routing are problem+json', () => {
  it('a path parameter over 100 characters: 414 URL_TOO_LONG, with the request id', async () => {
    const { headers } = await world.callerFor({ allow: ['agent'], record: 'case' });
    const res = await world.t.app.inject({ method: 'GET', url: `/v1/cases/${'a'.repeat(150)}`, headers });
    expect(res.statusCode).toBe(414);
    const problem = expectProblem(res, 414, 'URL_TOO_LONG');
    expect(res.headers['x-request-id']).toBe(problem.requestId);
  });

  it('a card number in a refused path is not echoed', async () => {
    const res = await world.t.app.inject({
      method: 'GET',
      url: `/v1/cases/${'4242424242424242 '.repeat(8)}`,
    });
    expect(res.statusCode).toBe(414);
    expect(res.body).not.toContain('4242424242424242');
    expect(res.json().instance).toContain(CARD_NUMBER_REMOVED);
  });

  it('a path that is not UTF-8: 400 MALFORMED_URL', async () => {
    const res = await world.t.app.inject({ method: 'GET', url: '/v1/cases/%E0%A4%A' });
    expect(res.statusCode).toBe(400);
    expectProblem(res, 400, 'MALFORMED_URL');
  });

  it('over a socket too: 414 and MALFORMED_URL', async () => {
    const long = parse(
      await sendThenRead(`GET /v1/plans/${'a'.repeat(150)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
    );
    expect(long.status).toBe(414);
    expectProblem(long, 414, 'URL_TOO_LONG');
    const bad = parse(
      await sendThenRead('GET /v1/cases/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    );
    expectProblem(bad, 400, 'MALFORMED_URL');
  });

  it('a query string over 16 KB: 431 HEADERS_TOO_LARGE', async () => {
    const answer = parse(
      await sendThenRead(`GET /v1/plans?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`),
    );
    expect(answer.status).toBe(431);
    const problem = expectProblem(answer, 431, 'HEADERS_TOO_LARGE');
    expect(answer.headers['x-request-id']).toBe(problem.requestId);
  });

  it('a request that is not HTTP: 400 MALFORMED_REQUEST', async () => {
    const answer = parse(await sendThenRead('HELLO THERE\r\n\r\n'));
    expectProblem(answer, 400, 'MALFORMED_REQUEST');
  });

  it('a 10 MB body: the 413 reaches a client that sends it all before reading, every time', async () => {
    const body = Buffer.alloc(10 * 1024 * 1024, 'a');
    const head = (path: string, type = 'application/json') =>
      `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    for (let i = 0; i < 3; i++) {
      const answer = parse(await sendThenRead(head('/v1/auth/login'), body));
      expect(answer.status).toBe(413);
      expectProblem(answer, 413, 'PAYLOAD_TOO_LARGE');
    }
    // A claim's document has its own limit (5 MB) and its own code.
    const { headers } = await world.callerFor({ allow: ['agent'], record: 'case' });
    const cookies = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    const path = `/v1/cases/${world.pathValue('/v1/cases/{id}/documents', 'id')}/documents?filename=a.pdf`;
    const upload = parse(
      await sendThenRead(head(path, 'application/pdf').replace('\r\n\r\n', `\r\n${cookies}\r\n`), body),
    );
    expectProblem(upload, 413, 'DOCUMENT_TOO_LARGE');
  }, 60_000);

  it('keeps the connection after a 413 whose body it read to the end', async () => {
    const body = Buffer.alloc(2 * 1024 * 1024, 'a');
    const head = `POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const second = 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
    const answer = await sendThenRead(head, Buffer.concat([body, Buffer.from(second)]));
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer).toContain('HTTP/1.1 200 OK');
  });
});
