import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, signIn } from './support/auth.ts';
import { contractByPhone, createProviderUser, registerProvider, towRequest } from './support/dispatch.ts';
import { onlineCustomer } from './support/web.ts';

/** The case board's live feed: GET /v1/cases/live tells staff which case changed, whoever changed it. */
describe('GET /v1/cases/live', () => {
  let t: TestApp;
  let agent: Session;
  let supervisor: Session;
  let dispatcher: Session;
  let membershipId: string;
  let baseUrl: string;

  beforeAll(async () => {
    t = await buildTestApp();
    agent = await signIn(t, await createUser(t, 'agent'));
    supervisor = await signIn(t, await createUser(t, 'supervisor'));
    const providerId = await registerProvider(t, { kmNorth: 1, capacity: 10 });
    dispatcher = await signIn(t, await createProviderUser(t, providerId));
    membershipId = await contractByPhone(t, agent.write);
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Reads the stream until `enough` says so (or 20 s pass); `onOpen` runs once it is open. */
  async function follow(
    headers: Record<string, string>,
    onOpen: () => Promise<void>,
    enough: (changed: string[]) => boolean,
  ) {
    const controller = new AbortController();
    const res = await fetch(`${baseUrl}/v1/cases/live`, { headers, signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const changed: string[] = [];
    let buffer = '';
    let opened = false;
    const deadline = setTimeout(() => controller.abort(), 20_000);
    try {
      while (!enough(changed)) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (type === 'changed' && data) changed.push(JSON.parse(data).caseId);
          end = buffer.indexOf('\n\n');
        }
        if (!opened) {
          opened = true;
          await onOpen();
        }
      }
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    } finally {
      clearTimeout(deadline);
      controller.abort();
    }
    return changed;
  }

  it('announces a case opened and moved by other requests, naming the case', async () => {
    let caseId = '';
    const changed = await follow(
      supervisor.read,
      async () => {
        const res = await t.app.inject({
          method: 'POST',
          url: '/v1/cases',
          headers: agent.write,
          payload: towRequest(membershipId),
        });
        expect(res.statusCode).toBe(201);
        caseId = res.json().id;
        const [offer] = await t.services.dispatch.offersOfJob(t.database.handle.db, caseId);
        const accepted = await t.app.inject({
          method: 'POST',
          url: `/v1/offers/${offer?.id}/accept`,
          headers: dispatcher.write,
          payload: { quoteCentavos: 60_000 },
        });
        expect(accepted.statusCode).toBe(200);
      },
      // requested, offered, offer_accepted, dispatched: one `changed` each.
      (seen) => seen.filter((id) => id === caseId).length >= 4,
    );
    expect(caseId).not.toBe('');
    expect(changed.filter((id) => id === caseId).length).toBeGreaterThanOrEqual(4);
    expect(changed.every((id) => id === caseId)).toBe(true);

    // The board's list now names the provider holding the case.
    const list = await t.app.inject({
      method: 'GET',
      url: '/v1/cases?state=dispatched',
      headers: agent.read,
    });
    const row = list.json().data.find((c: { id: string }) => c.id === caseId);
    expect(row.provider?.name).toMatch(/^Proveedor de prueba/);
  });

  it('is audited as a read of the case list, once per stream', async () => {
    await follow(
      agent.read,
      async () => {},
      () => true,
    );
    const audit = await t.app.inject({
      method: 'GET',
      url: '/v1/audit?action=case.list.follow',
      headers: supervisor.read,
    });
    expect(audit.statusCode).toBe(200);
    expect(audit.json().data.length).toBeGreaterThanOrEqual(2);
    expect(audit.json().data[0].recordType).toBe('case');
  });

  it('is refused to customers, finance and anyone not signed in', async () => {
    const customer = await signIn(t, await onlineCustomer(t));
    const finance = await signIn(t, await createUser(t, 'finance'));
    for (const [who, headers, status] of [
      ['customer', customer.read, 403],
      ['finance', finance.read, 403],
      ['anonymous', {}, 401],
    ] as const) {
      const res = await t.app.inject({ method: 'GET', url: '/v1/cases/live', headers });
      expect(res.statusCode, who).toBe(status);
      expect(res.headers['content-type'], who).toMatch(/problem\+json/);
    }
  });
});
