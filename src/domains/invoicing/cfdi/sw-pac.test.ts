import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../lib/clock.ts';
import { buildInvoice } from './documents.ts';
import type { CfdiError } from './errors.ts';
import { createPac } from './pacs.ts';
import { SAT_FILES } from './sat-files.ts';
import { xsltproc } from './sat-tools.ts';
import { sealComprobante } from './seal.ts';
import { stampProblems } from './stamp-checks.ts';
import { SwPac } from './sw-pac.ts';
import {
  SW_FIXED_TOKEN,
  SW_TEST_PASSWORD,
  SW_TEST_USER,
  type SwTestServer,
  startSwTestServer,
} from './sw-test-server.ts';
import { COMPANY, charge, numbering, TEST_ISSUER, testCsd } from './test-support.ts';

const csd = testCsd();
const clock = new ManualClock('2026-11-30T18:05:00Z');
const invoice = (folio: number) =>
  sealComprobante(
    buildInvoice({
      issuer: TEST_ISSUER,
      receiver: COMPANY,
      charges: [charge(21_800, '04')],
      numbering: numbering('F', folio),
    }),
    csd,
  ).xml;

let server: SwTestServer;
beforeAll(async () => {
  server = await startSwTestServer(clock, (xml) => xsltproc(SAT_FILES.cfdiStylesheet, xml));
});
afterAll(() => server.close());

const withPassword = () =>
  new SwPac({ url: server.url, user: SW_TEST_USER, password: SW_TEST_PASSWORD, clock, timeoutMs: 5000 });
const withToken = (token = SW_FIXED_TOKEN) =>
  new SwPac({ url: `${server.url}/`, token, clock, timeoutMs: 5000 });

async function failure(p: Promise<unknown>): Promise<CfdiError> {
  try {
    await p;
  } catch (e) {
    return e as CfdiError;
  }
  throw new Error('did not fail');
}

describe('SW Sapien PAC adapter (against a local server in its documented format)', () => {
  it('stamps: authenticates, sends the sealed XML and returns a stamp that passes every check', async () => {
    server.mode = 'ok';
    const pac = withPassword();
    const xml = invoice(1);
    const stamp = await pac.stamp({ documentId: 'inv-1', xml });
    expect(await stampProblems(stamp, xml, server.sandbox.certificate)).toEqual([]);
    expect(stamp.uuid).toMatch(/^[0-9A-F-]{36}$/);
    expect(stamp.leyenda).toBeDefined();
    expect(server.calls).toContain('POST /v2/security/authenticate');
    // The token is kept: a second document does not authenticate again.
    const before = server.calls.filter((c) => c.includes('authenticate')).length;
    await pac.stamp({ documentId: 'inv-2', xml: invoice(2) });
    expect(server.calls.filter((c) => c.includes('authenticate')).length).toBe(before);
  });

  it('with a fixed token stamps without authenticating', async () => {
    server.mode = 'ok';
    const calls = server.calls.length;
    const stamp = await withToken().stamp({ documentId: 'inv-3', xml: invoice(3) });
    expect(stamp.xml).toContain('tfd:TimbreFiscalDigital');
    expect(server.calls.slice(calls)).toEqual(['POST /v4/cfdi33/stamp/v4']);
  });

  it('a validation error is PAC_REJECTED with the PAC code and message', async () => {
    server.mode = 'validation';
    const error = await failure(withToken().stamp({ documentId: 'inv-4', xml: invoice(4) }));
    expect(error.code).toBe('PAC_REJECTED');
    expect(error.message).toContain('CFDI40108');
    server.mode = 'ok';
  });

  it('wrong credentials or a revoked token are PAC_AUTH_FAILED; an expired temporary token is renewed', async () => {
    server.mode = 'ok';
    const bad = new SwPac({ url: server.url, user: SW_TEST_USER, password: 'otra', clock });
    const wrong = await failure(bad.stamp({ documentId: 'inv-5', xml: invoice(5) }));
    expect(wrong.code).toBe('PAC_AUTH_FAILED');
    expect(wrong.message).toContain('AU2000');
    expect((await failure(withToken('revocado').stamp({ documentId: 'inv-5', xml: invoice(5) }))).code).toBe(
      'PAC_AUTH_FAILED',
    );
    const pac = withPassword();
    await pac.stamp({ documentId: 'inv-6', xml: invoice(6) });
    server.tokens.clear(); // the PAC forgets the session: the next call is a 401, then a new token
    const stamp = await pac.stamp({ documentId: 'inv-7', xml: invoice(7) });
    expect(stamp.uuid).toBeTruthy();
    expect(server.tokens.size).toBe(1);
  });

  it('a timeout is PAC_UNAVAILABLE, and the retry answers the first stamp: one UUID per document', async () => {
    server.mode = 'slow';
    const pac = new SwPac({ url: server.url, token: SW_FIXED_TOKEN, clock, timeoutMs: 100 });
    const xml = invoice(8);
    const timeout = await failure(pac.stamp({ documentId: 'inv-8', xml }));
    expect(timeout.code).toBe('PAC_UNAVAILABLE');
    expect(timeout.message).toContain('tiempo agotado');
    server.mode = 'ok';
    // The PAC did stamp it: the retry with the same customid gets "307 … timbre previo" and its data.
    const retried = await pac.stamp({ documentId: 'inv-8', xml });
    const again = await pac.stamp({ documentId: 'inv-8', xml });
    expect(again.uuid).toBe(retried.uuid);
    expect(await stampProblems(retried, xml, server.sandbox.certificate)).toEqual([]);
    const held = await server.sandbox.stamp({ documentId: 'inv-8', xml });
    expect(retried.uuid).toBe(held.uuid);
  });

  it('a repeat answered "CFDI3307" with the stamp of this XML is also the first stamp', async () => {
    server.mode = 'ok';
    const pac = withToken();
    const xml = invoice(13);
    const first = await pac.stamp({ documentId: 'inv-13', xml });
    server.repeatAnswer = 'CFDI3307';
    try {
      expect((await pac.stamp({ documentId: 'inv-13', xml })).uuid).toBe(first.uuid);
    } finally {
      server.repeatAnswer = '307';
    }
  });

  it('the same document id with another XML is PAC_CONFLICT', async () => {
    server.mode = 'ok';
    const pac = withToken();
    await pac.stamp({ documentId: 'inv-9', xml: invoice(9) });
    expect((await failure(pac.stamp({ documentId: 'inv-9', xml: invoice(10) }))).code).toBe('PAC_CONFLICT');
  });

  it.each(['outage', 'html'] as const)('a %s (5xx) is PAC_UNAVAILABLE', async (mode) => {
    server.mode = mode;
    const error = await failure(withToken().stamp({ documentId: 'inv-11', xml: invoice(11) }));
    expect(error.code).toBe('PAC_UNAVAILABLE');
    server.mode = 'ok';
  });

  it('a closed port is PAC_UNAVAILABLE', async () => {
    const pac = new SwPac({ url: 'http://127.0.0.1:9', token: SW_FIXED_TOKEN, clock, timeoutMs: 2000 });
    expect((await failure(pac.stamp({ documentId: 'x', xml: invoice(12) }))).code).toBe('PAC_UNAVAILABLE');
  });

  it('cancels with reasons 02–04 and 01 with a substitute; an unknown UUID is PAC_NOT_FOUND', async () => {
    server.mode = 'ok';
    const pac = withPassword();
    const first = await pac.stamp({ documentId: 'inv-20', xml: invoice(20) });
    const substitute = await pac.stamp({ documentId: 'inv-21', xml: invoice(21) });
    const cancelled = await pac.cancel({
      issuerRfc: TEST_ISSUER.rfc,
      uuid: first.uuid,
      reason: '01',
      substituteUuid: substitute.uuid,
    });
    expect(cancelled).toMatchObject({
      uuid: first.uuid,
      status: 'cancelled',
      reason: '01',
      substituteUuid: substitute.uuid,
    });
    expect(server.calls).toContain(
      `POST /cfdi33/cancel/${TEST_ISSUER.rfc}/${first.uuid}/01/${substitute.uuid}`,
    );
    for (const reason of ['02', '03', '04'] as const) {
      const s = await pac.stamp({ documentId: `inv-3${reason}`, xml: invoice(30 + Number(reason)) });
      expect((await pac.cancel({ issuerRfc: TEST_ISSUER.rfc, uuid: s.uuid, reason })).reason).toBe(reason);
      expect(server.calls.at(-1)).toBe(`POST /cfdi33/cancel/${TEST_ISSUER.rfc}/${s.uuid}/${reason}`);
    }
    const unknown = await failure(
      pac.cancel({ issuerRfc: TEST_ISSUER.rfc, uuid: '6F1D8A2C-0000-4000-8000-000000000000', reason: '02' }),
    );
    expect(unknown.code).toBe('PAC_NOT_FOUND');
  });

  it('refuses a cancellation the SAT would refuse before calling the PAC', async () => {
    const pac = withToken();
    const calls = server.calls.length;
    const uuid = '6F1D8A2C-0000-4000-8000-000000000000';
    const missing = await failure(pac.cancel({ issuerRfc: TEST_ISSUER.rfc, uuid, reason: '01' }));
    expect([missing.code, missing.field]).toEqual(['PAC_REJECTED', 'substituteUuid']);
    const extra = await failure(
      pac.cancel({ issuerRfc: TEST_ISSUER.rfc, uuid, reason: '02', substituteUuid: uuid }),
    );
    expect(extra.field).toBe('substituteUuid');
    const reason = await failure(pac.cancel({ issuerRfc: TEST_ISSUER.rfc, uuid, reason: '05' as '01' }));
    expect(reason.field).toBe('reason');
    expect(
      (await failure(pac.cancel({ issuerRfc: TEST_ISSUER.rfc, uuid: '../x', reason: '02' }))).field,
    ).toBe('uuid');
    expect(server.calls.length).toBe(calls);
  });
});

describe('createPac', () => {
  it('builds the configured PAC: the sandbox by default, SW with its URL and credentials', async () => {
    expect(createPac({ name: 'sandbox' }, { clock }).name).toBe('sandbox');
    const pac = createPac({ name: 'sw', url: server.url, token: SW_FIXED_TOKEN, timeoutMs: 5000 }, { clock });
    expect(pac.name).toBe('sw');
    expect((await pac.stamp({ documentId: 'inv-40', xml: invoice(40) })).xml).toContain(
      'tfd:TimbreFiscalDigital',
    );
  });
});
