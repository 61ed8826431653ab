import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rows } from '../src/db/client.ts';
import { ChargesRepository } from '../src/domains/billing/charges-repository.ts';
import { type ManualClock, mexicoCityTime } from '../src/lib/clock.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, signIn } from './support/auth.ts';
import { buildMembership } from './support/factories.ts';
import { TEST_CARD } from './support/payments.ts';

/** Export batches of 4, so a couple of dozen charges take several reads. */
const BATCH = 4;
let t: TestApp;
let clock: ManualClock;
let finance: Session;
let agent: Session;
let supervisor: Session;
/** Charged on 25 nov: 9 paid and 3 declined; on 27 nov: 6 paid (one of them the number we filter by). */
let filtered: { id: string; number: string };

async function membershipsChargedAt(local: string, cards: string[]) {
  clock.set(mexicoCityTime(local));
  const built = [];
  for (const card of cards) built.push(await buildMembership(t, { card }));
  await t.services.billing.run({ at: clock.now(), trigger: 'test' });
  return built;
}

beforeAll(async () => {
  t = await buildTestApp({ env: { BILLING_BATCH_SIZE: String(BATCH) } });
  clock = t.clock as ManualClock;
  await membershipsChargedAt('2026-11-25T10:00', [
    ...Array<string>(9).fill(TEST_CARD.visaCredit),
    ...Array<string>(3).fill(TEST_CARD.alwaysDeclined),
  ]);
  const later = await membershipsChargedAt(
    '2026-11-27T23:30',
    Array<string>(6).fill(TEST_CARD.mastercardCredit),
  );
  filtered = later[2] as { id: string; number: string };
  finance = await signIn(t, await createUser(t, 'finance'));
  agent = await signIn(t, await createUser(t, 'agent'));
  supervisor = await signIn(t, await createUser(t, 'supervisor'));
}, 120_000);
afterAll(async () => t.close());

const get = (url: string, session: Session = finance) =>
  t.app.inject({ method: 'GET', url, headers: session.read });

describe('finance filters charges', () => {
  it('by Mexico City days, inclusive, with totals per status and overall', async () => {
    const day = await get('/v1/charges?from=2026-11-25&to=2026-11-25&limit=5');
    expect(day.statusCode, day.body).toBe(200);
    const body = day.json();
    expect(body.data).toHaveLength(5);
    expect(body.totals.count).toBe(12);
    const paid = body.totals.byStatus.find((s: { status: string }) => s.status === 'succeeded');
    const declined = body.totals.byStatus.find((s: { status: string }) => s.status === 'failed');
    expect(paid.count).toBe(9);
    expect(declined.count).toBe(3);
    expect(body.totals.amountCentavos).toBe(paid.amountCentavos + declined.amountCentavos);
    expect(paid.amountCentavos % 9).toBe(0);

    // 27 nov 23:30 in Mexico City is already 28 nov in UTC: the day is Mexico City's.
    const both = await get('/v1/charges?from=2026-11-26&to=2026-11-27');
    expect(both.json().totals.count).toBe(6);
    const none = await get('/v1/charges?from=2026-11-28&to=2026-11-30');
    expect(none.json()).toMatchObject({ data: [], totals: { count: 0, amountCentavos: 0, byStatus: [] } });
  });

  it('by status and by membership number, keeping the keyset pages', async () => {
    const failed = await get('/v1/charges?status=failed');
    expect(failed.json().data.map((c: { status: string }) => c.status)).toEqual([
      'failed',
      'failed',
      'failed',
    ]);
    expect(failed.json().totals).toMatchObject({ count: 3 });

    const byNumber = await get(`/v1/charges?membershipNumber=${filtered.number.toLowerCase()}`);
    expect(byNumber.json().data).toHaveLength(1);
    expect(byNumber.json().data[0].membershipNumber).toBe(filtered.number);
    const unknown = await get('/v1/charges?membershipNumber=LM-26-999999');
    expect(unknown.json()).toMatchObject({ data: [], totals: { count: 0 } });

    const first = await get('/v1/charges?status=succeeded&limit=10');
    const last = first.json().data.at(-1).id;
    const second = await get(`/v1/charges?status=succeeded&limit=10&before=${last}`);
    expect(second.json().data).toHaveLength(5);
    expect(second.json().totals.count).toBe(15);
    const ids = [...first.json().data, ...second.json().data].map((c: { id: string }) => c.id);
    expect(new Set(ids).size).toBe(15);
  });

  it('refuses dates that do not exist, a range backwards and an unknown status (400 problems)', async () => {
    for (const [url, field] of [
      ['/v1/charges?from=2026-02-30', 'querystring/from'],
      ['/v1/charges?to=2026-13-01', 'querystring/to'],
      ['/v1/charges?from=2026-11-27&to=2026-11-25', 'querystring/to'],
      ['/v1/charges/export?from=2026-02-30', 'querystring/from'],
    ] as const) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe('VALIDATION_FAILED');
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    for (const url of [
      '/v1/charges?status=refunded',
      '/v1/charges?from=25-11-2026',
      '/v1/charges/export?status=x',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
  });

  it('is finance’s: agents and supervisors are refused, and each read is audited', async () => {
    for (const session of [agent, supervisor]) {
      expect((await get('/v1/charges', session)).statusCode).toBe(403);
      expect((await get('/v1/charges/export', session)).statusCode).toBe(403);
    }
    expect((await t.app.inject({ method: 'GET', url: '/v1/charges/export' })).statusCode).toBe(401);
    await get('/v1/charges/export?status=failed');
    const audited = await rows<{ action: string; details: Record<string, string> }>(
      t.database.handle.db,
      sql`select action, details from audit_log where action in ('charge.list', 'charge.export') order by at`,
    );
    expect(audited.map((a) => a.action)).toContain('charge.list');
    expect(audited.find((a) => a.action === 'charge.export')?.details).toMatchObject({ status: 'failed' });
  });
});

describe('the CSV of what is filtered', () => {
  it('is Excel’s UTF-8 with BOM, Spanish headers, pesos and Mexico City dates', async () => {
    const res = await get('/v1/charges/export?from=2026-11-25&to=2026-11-25&status=succeeded');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="cobros-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = res.rawPayload.subarray(3).toString('utf8').split('\r\n').filter(Boolean);
    expect(lines[0]).toBe(
      'Folio de recibo,Membresía,Periodo,Fecha del cobro,Estado,Importe (MXN),Base (MXN),IVA (MXN),Reembolsado (MXN),Método,Tarjeta,Fecha de pago,Id del cobro',
    );
    expect(lines).toHaveLength(1 + 9);
    const [folio, number, period, createdAt, status, total, base, iva] = (lines[1] ?? '').split(',');
    expect(folio).toMatch(/^REC-2026-\d{6}$/);
    expect(number).toMatch(/^LM-26-\d{6}$/);
    expect(period).toBe('2026-11');
    expect(createdAt).toBe('2026-11-25 10:00');
    expect(status).toBe('Pagado');
    expect(total).toMatch(/^\d+\.\d{2}$/);
    expect(Number(base) + Number(iva)).toBeCloseTo(Number(total), 2);
  });

  it('streams: the answer is chunked over HTTP and the charges are read batch by batch', async () => {
    const read = vi.spyOn(ChargesRepository.prototype, 'listCharges');
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const res = await fetch(`${address}/v1/charges/export`, { headers: finance.read });
      expect(res.status).toBe(200);
      expect(res.headers.get('transfer-encoding')).toBe('chunked');
      expect(res.headers.get('content-length')).toBeNull();
      const text = await res.text();
      // 18 charges in batches of 4: five reads that found rows (4+4+4+4+2), no read of everything.
      expect(text.split('\r\n').filter(Boolean)).toHaveLength(1 + 18);
      expect(read.mock.calls.map(([, filter]) => filter.limit)).toEqual([BATCH, BATCH, BATCH, BATCH, BATCH]);
      const ids = text
        .split('\r\n')
        .slice(1)
        .filter(Boolean)
        .map((l) => l.split(',').at(-1));
      expect(new Set(ids).size).toBe(18);
    } finally {
      read.mockRestore();
    }
  });
});

describe('receipt folios', () => {
  it('are readable, unique, given once when paid and kept when read again', async () => {
    const paid = await rows<{ id: string; receipt_folio: string | null; status: string }>(
      t.database.handle.db,
      sql`select id, receipt_folio, status from charges`,
    );
    const folios = paid.filter((c) => c.status === 'succeeded').map((c) => c.receipt_folio);
    expect(folios).toHaveLength(15);
    expect(new Set(folios).size).toBe(15);
    for (const folio of folios) expect(folio).toMatch(/^REC-2026-\d{6}$/);
    expect(paid.filter((c) => c.status === 'failed').every((c) => c.receipt_folio === null)).toBe(true);

    const one = paid.find((c) => c.status === 'succeeded');
    const view = await get(`/v1/charges/${one?.id}`);
    expect(view.json().receipt.folio).toBe(one?.receipt_folio);
    const again = await get(`/v1/charges/${one?.id}`);
    expect(again.json().receipt.folio).toBe(one?.receipt_folio);
  });
});
