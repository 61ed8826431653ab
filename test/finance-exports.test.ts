import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../src/db/client.ts';
import { MembershipExport } from '../src/domains/members/memberships-csv.ts';
import { MembersRepository } from '../src/domains/members/repository.ts';
import { type ManualClock, mexicoCityTime } from '../src/lib/clock.ts';
import { SYSTEM_ACTOR } from '../src/platform/principal.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, signIn } from './support/auth.ts';
import { type BuiltMembership, buildCase, buildMembership } from './support/factories.ts';
import { TEST_CARD } from './support/payments.ts';

/**
 * Finance's CSV exports of refunds, memberships and cases: their columns, their filters, who may
 * ask, the audit, no card data and no spreadsheet formulas. Batches of 2, so the exports read
 * several pages.
 */
let t: TestApp;
let clock: ManualClock;
let finance: Session;
let supervisor: Session;
let agent: Session;
let early: BuiltMembership[];
let late: BuiltMembership;
let formula: BuiltMembership;

beforeAll(async () => {
  t = await buildTestApp({ env: { BILLING_BATCH_SIZE: '2' } });
  clock = t.clock as ManualClock;
  clock.set(mexicoCityTime('2026-11-24T10:00'));
  early = [];
  for (let i = 0; i < 3; i++) early.push(await buildMembership(t, { card: TEST_CARD.visaCredit }));
  formula = await buildMembership(t, { card: TEST_CARD.mastercardCredit });
  await t.services.billing.run({ at: clock.now(), trigger: 'test' });
  clock.set(mexicoCityTime('2026-11-26T10:00'));
  late = await buildMembership(t, { card: TEST_CARD.visaDebit });
  await t.services.billing.run({ at: clock.now(), trigger: 'test' });
  finance = await signIn(t, await createUser(t, 'finance'));
  supervisor = await signIn(t, await createUser(t, 'supervisor'));
  agent = await signIn(t, await createUser(t, 'agent'));
  // Refunds: two on the 26th (one partial), one on the 27th.
  const refund = async (m: BuiltMembership, amountCentavos?: number, reason = 'Cobro duplicado') => {
    const [charge] = await t.services.billing.chargesOfMembership(SYSTEM_ACTOR, m.id);
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/charges/${charge?.id}/refunds`,
      headers: { ...finance.write, 'idempotency-key': `r-${m.id}` },
      payload: { reason, ...(amountCentavos ? { amountCentavos } : {}) },
    });
    expect(res.statusCode, res.body).toBe(201);
  };
  await refund(early[0] as BuiltMembership);
  await refund(early[1] as BuiltMembership, 1000);
  clock.set(mexicoCityTime('2026-11-27T10:00'));
  finance = await signIn(t, await createUser(t, 'finance'));
  supervisor = await signIn(t, await createUser(t, 'supervisor'));
  agent = await signIn(t, await createUser(t, 'agent'));
  await refund(formula, undefined, '=HYPERLINK("http://x.test";"Ana") duplicado');
  await buildCase(t, { membershipId: (early[2] as BuiltMembership).id });
}, 180_000);
afterAll(async () => t.close());

const get = (url: string, session: Session = finance) =>
  t.app.inject({ method: 'GET', url, headers: session.read });

/** The CSV's rows as fields (BOM and header checked, then dropped). */
function table(body: string, header: string): string[][] {
  expect(body.startsWith('\uFEFF')).toBe(true);
  const lines = body.slice(1).split('\r\n').filter(Boolean);
  expect(lines[0]).toBe(header);
  return lines.slice(1).map((l) => l.split(','));
}

describe('GET /v1/refunds/export', () => {
  const HEADER =
    'Id del reembolso,Membresía,Folio de recibo,Periodo,Importe (MXN),Estado,Motivo,Motivo de la falla,Solicitado por,Fecha de solicitud,Fecha de conclusión,Id del cobro';

  it('lists every refund, newest first, across pages, with its membership and receipt', async () => {
    const res = await get('/v1/refunds/export');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(
      /attachment; filename="reembolsos-\d{4}-\d{2}-\d{2}\.csv"/,
    );
    const rowsOf = table(res.body, HEADER);
    expect(rowsOf.map((r) => r[1])).toEqual([formula.number, early[1]?.number, early[0]?.number]);
    expect(rowsOf[1]).toMatchObject({ 3: '2026-11', 4: '10.00', 5: 'Reembolsado', 6: 'Cobro duplicado' });
    expect(rowsOf[1]?.[2]).toMatch(/^REC-2026-/);
    expect(rowsOf[0]?.[9]).toBe('2026-11-27 10:00');
    // A reason a spreadsheet would run as a formula starts with an apostrophe.
    expect(res.body).toContain(`,"'=HYPERLINK(""http://x.test"";""Ana"") duplicado",`);
  });

  it('filters by days, status and membership number', async () => {
    expect(table((await get('/v1/refunds/export?from=2026-11-26&to=2026-11-26')).body, HEADER)).toHaveLength(
      2,
    );
    expect(table((await get('/v1/refunds/export?from=2026-11-27')).body, HEADER)).toHaveLength(1);
    expect(table((await get('/v1/refunds/export?status=failed')).body, HEADER)).toHaveLength(0);
    const one = table((await get(`/v1/refunds/export?membershipNumber=${early[1]?.number}`)).body, HEADER);
    expect(one.map((r) => r[1])).toEqual([early[1]?.number]);
    expect(table((await get('/v1/refunds/export?membershipNumber=LM-26-999999')).body, HEADER)).toHaveLength(
      0,
    );
    const bad = await get('/v1/refunds/export?from=2026-02-30');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('querystring/from');
    expect((await get('/v1/refunds/export?from=2026-11-27&to=2026-11-26')).statusCode).toBe(400);
  });
});

describe('GET /v1/memberships/export', () => {
  const HEADER =
    'Membresía,Estado,Plan,Versión del plan,Canal,Titular,Correo,Teléfono,Fecha de contratación,Fin de los meses gratis,Fecha de cancelación,Fin de la cobertura,Id de la membresía';

  it('lists memberships with their titular’s contact, never card data', async () => {
    const res = await get('/v1/memberships/export');
    expect(res.statusCode, res.body).toBe(200);
    const all = table(res.body, HEADER);
    expect(all).toHaveLength(5);
    expect(all[0]).toMatchObject({ 0: late.number, 1: 'Activa', 2: 'libra-plus', 4: 'Teléfono' });
    for (const m of [...early, late, formula]) {
      const [charge] = await t.services.billing.chargesOfMembership(SYSTEM_ACTOR, m.id);
      expect(res.body).not.toContain(m.body.cardToken);
      expect(res.body).not.toContain(`•••• ${charge?.card.last4}`);
    }
    expect(all[1]).toMatchObject({
      0: formula.number,
      5: formula.body.titular.fullName,
      6: formula.body.titular.email,
    });
  });

  it('filters by contracting days, state, channel and plan', async () => {
    expect(
      table((await get('/v1/memberships/export?from=2026-11-25')).body, HEADER).map((r) => r[0]),
    ).toEqual([late.number]);
    expect(table((await get('/v1/memberships/export?to=2026-11-24')).body, HEADER)).toHaveLength(4);
    expect(table((await get('/v1/memberships/export?state=cancelled')).body, HEADER)).toHaveLength(0);
    expect(table((await get('/v1/memberships/export?channel=online')).body, HEADER)).toHaveLength(0);
    expect(table((await get('/v1/memberships/export?plan=libra-one')).body, HEADER)).toHaveLength(0);
    expect(
      table((await get('/v1/memberships/export?plan=libra-plus&channel=phone')).body, HEADER),
    ).toHaveLength(5);
    expect((await get('/v1/memberships/export?state=gone')).statusCode).toBe(400);
  });

  it('reads page by page (keyset), each row once', async () => {
    const csv = await new MembershipExport(
      t.database.handle.db,
      new MembersRepository({ open: async () => {}, openMany: async () => {}, close: async () => {} }),
      t.services.audit,
      2,
    ).exportCsv(SYSTEM_ACTOR, {});
    const pieces: string[] = [];
    for await (const piece of csv) pieces.push(piece);
    expect(pieces).toHaveLength(4);
    const numbers = table(pieces.join(''), HEADER).map((r) => r[0]);
    expect(new Set(numbers).size).toBe(5);
  });
});

describe('GET /v1/cases/export', () => {
  const HEADER =
    'Número de caso,Membresía,Servicio,Tipo de atención,Estado,Canal,Persona atendida,Entidad,Fecha de solicitud,Despachado,En el lugar,Concluido,Cerrado,Motivo de cierre,Costo final (MXN),Excedente (MXN),Reembolso aprobado (MXN),Id del caso';

  it('gives supervisors the cases, no address; finance only claims', async () => {
    const res = await get('/v1/cases/export', supervisor);
    expect(res.statusCode, res.body).toBe(200);
    const all = table(res.body, HEADER);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      1: early[2]?.number,
      2: 'tow-truck',
      3: 'Proveedor en el lugar',
      5: 'Teléfono',
    });
    expect(res.body).not.toContain('Plaza de la Constitución');
    expect(table((await get('/v1/cases/export')).body, HEADER)).toHaveLength(0);
  });

  it('filters like the queue, and by request days', async () => {
    expect(table((await get('/v1/cases/export?from=2026-11-28', supervisor)).body, HEADER)).toHaveLength(0);
    expect(table((await get('/v1/cases/export?to=2026-11-27', supervisor)).body, HEADER)).toHaveLength(1);
    expect(table((await get('/v1/cases/export?state=cancelled', supervisor)).body, HEADER)).toHaveLength(0);
    expect(table((await get('/v1/cases/export?fulfilment=dispatch', supervisor)).body, HEADER)).toHaveLength(
      1,
    );
    expect(
      table((await get(`/v1/cases/export?membershipId=${early[0]?.id}`, supervisor)).body, HEADER),
    ).toHaveLength(0);
    expect((await get('/v1/cases/export?to=2026-13-01', supervisor)).statusCode).toBe(400);
  });
});

describe('who may export, and the audit', () => {
  it('refuses agents (and supervisors for money), and audits each export with its filter', async () => {
    for (const url of ['/v1/refunds/export', '/v1/memberships/export', '/v1/cases/export'])
      expect((await get(url, agent)).statusCode, url).toBe(403);
    for (const url of ['/v1/refunds/export', '/v1/memberships/export'])
      expect((await get(url, supervisor)).statusCode, url).toBe(403);
    await get('/v1/memberships/export?state=active');
    const audited = await rows<{ action: string; details: Record<string, string> }>(
      t.database.handle.db,
      sql`select action, details from audit_log where action like '%.export' order by at`,
    );
    const actions = new Set(audited.map((a) => a.action));
    expect(actions).toEqual(new Set(['refund.export', 'membership.export', 'case.export']));
    expect(audited.filter((a) => a.action === 'membership.export').at(-1)?.details).toEqual({
      state: 'active',
    });
  });
});
