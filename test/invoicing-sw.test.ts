import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ivaBounds, type PacPort, pesos, refundSplit, SwPac } from '../src/domains/invoicing/cfdi/index.ts';
import { SAT_FILES } from '../src/domains/invoicing/cfdi/sat-files.ts';
import { xmllintSchema, xsltproc } from '../src/domains/invoicing/cfdi/sat-tools.ts';
import {
  SW_FIXED_TOKEN,
  type SwTestServer,
  startSwTestServer,
} from '../src/domains/invoicing/cfdi/sw-test-server.ts';
import { ManualClock } from '../src/lib/clock.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, signIn } from './support/auth.ts';
import { buildCharge } from './support/factories.ts';

/**
 * Invoices through the real PAC adapter (SW Sapien's REST API, answered by its local stand-in on
 * loopback): a partial refund's credit note carries the refunded amount with its IVA, over many
 * amounts; and a stamp request that timed out, asked again by the customer while the stamp queue
 * asks too, gives one stamped invoice for the charge — never two.
 */

const PERSON = {
  rfc: 'GODE561231GR8',
  name: 'DIEGO GÓMEZ DE LA O',
  fiscalRegime: '605',
  postalCode: '06600',
  cfdiUse: 'S01',
};

/** The app's PAC: SW's adapter, with a client timeout the test may shorten for one request. */
class Switchable implements PacPort {
  readonly name = 'sw';
  constructor(public current: PacPort) {}
  stamp(request: Parameters<PacPort['stamp']>[0]) {
    return this.current.stamp(request);
  }
  cancel(request: Parameters<PacPort['cancel']>[0]) {
    return this.current.cancel(request);
  }
}

let t: TestApp;
let server: SwTestServer;
let pac: Switchable;
let patient: SwPac;
let finance: Session;
const clock = new ManualClock('2026-11-25T18:00:00Z');

beforeAll(async () => {
  server = await startSwTestServer(clock, (xml) => xsltproc(SAT_FILES.cfdiStylesheet, xml));
  patient = new SwPac({ url: server.url, token: SW_FIXED_TOKEN, clock, timeoutMs: 30_000 });
  pac = new Switchable(patient);
  t = await buildTestApp({ clock, serviceOptions: { pac } });
  finance = await signIn(t, await createUser(t, 'finance'));
});
afterAll(async () => {
  await t?.close();
  await server?.close();
});

const post = (url: string, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url, headers: finance.write, payload });
const get = (url: string) => t.app.inject({ method: 'GET', url, headers: finance.read });
const attr = (xml: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(xml)?.[1];

async function expectValid(xml: string) {
  const checked = await xmllintSchema(SAT_FILES.stampedSchema, xml);
  expect(checked.ok, checked.messages).toBe(true);
}

/** A paid charge, invoiced, refunded in part: the refund's credit note as JSON and stamped XML. */
async function refundedInPart(amountCentavos: number) {
  const { charge } = await buildCharge(t);
  const invoice = await post(`/v1/charges/${charge.id}/invoice`, PERSON);
  expect(invoice.statusCode, invoice.body).toBe(201);
  const refund = await post(`/v1/charges/${charge.id}/refunds`, { amountCentavos, reason: 'Parcial' });
  expect(refund.statusCode, refund.body).toBe(201);
  await t.services.invoicing.stampDrafts();
  const documents = (await get(`/v1/memberships/${charge.membershipId}/invoices`)).json().data;
  const note = documents.find((d: { kind: string }) => d.kind === 'credit_note');
  const xml = (await get(`/v1/invoices/${note.id}/xml`)).body;
  return { charge, invoice: invoice.json(), note, xml };
}

describe('credit notes through the SW adapter', () => {
  it('a partial refund’s credit note carries the refunded amount with its IVA', async () => {
    const { charge, invoice, note, xml } = await refundedInPart(10_000);
    // $100.00 of a $218.00 charge: base $86.21 and IVA $13.79, the split of the refund itself.
    const expected = refundSplit(
      {
        base: charge.amount.baseCentavos,
        iva: charge.amount.ivaCentavos,
        total: charge.amount.totalCentavos,
      },
      { base: 0, iva: 0, total: 0 },
      10_000,
    );
    expect(expected).toEqual({ base: 8_621, iva: 1_379, total: 10_000 });
    expect(note).toMatchObject({
      type: 'E',
      status: 'stamped',
      relatedUuid: invoice.uuid,
      baseCentavos: 8_621,
      ivaCentavos: 1_379,
      totalCentavos: 10_000,
    });
    expect(attr(xml, 'TipoDeComprobante')).toBe('E');
    expect(attr(xml, 'SubTotal')).toBe('86.21');
    expect(attr(xml, 'Total')).toBe('100.00');
    expect(attr(xml, 'TotalImpuestosTrasladados')).toBe('13.79');
    const traslado = /<cfdi:Traslado [^>]*>/.exec(xml.slice(xml.lastIndexOf('</cfdi:Conceptos>')))?.[0] ?? '';
    expect(attr(traslado, 'Base')).toBe('86.21');
    expect(attr(traslado, 'Importe')).toBe('13.79');
    expect(attr(traslado, 'TasaOCuota')).toBe('0.160000');
    await expectValid(xml);
  });

  it('property: any partial refund’s credit note is that amount, with the IVA of its own base', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 21_799 }), async (amount) => {
        const { note, xml } = await refundedInPart(amount);
        expect(note.totalCentavos).toBe(amount);
        expect(note.baseCentavos + note.ivaCentavos).toBe(amount);
        const { min, max } = ivaBounds(note.baseCentavos);
        expect(note.ivaCentavos).toBeGreaterThanOrEqual(min);
        expect(note.ivaCentavos).toBeLessThanOrEqual(max);
        expect(attr(xml, 'Total')).toBe(pesos(amount));
        expect(attr(xml, 'SubTotal')).toBe(pesos(note.baseCentavos));
        expect(attr(xml, 'TotalImpuestosTrasladados')).toBe(pesos(note.ivaCentavos));
      }),
      { numRuns: 6 },
    );
  }, 120_000);
});

describe('a stamp that timed out', () => {
  it('asked again by the customer while the stamp queue asks too: one stamped invoice for the charge', async () => {
    const { charge } = await buildCharge(t);
    // SW stamps but answers after the client gave up.
    server.mode = 'slow';
    server.slowMs = 3_000;
    pac.current = new SwPac({ url: server.url, token: SW_FIXED_TOKEN, clock, timeoutMs: 200 });
    const stampCalls = () => server.calls.filter((c) => c.startsWith('POST /v4/cfdi33/stamp/v4')).length;
    const before = stampCalls();
    const lost = await post(`/v1/charges/${charge.id}/invoice`, PERSON);
    expect(lost.statusCode, lost.body).toBe(503);
    expect(lost.json().code).toBe('INVOICE_STAMP_PENDING');
    server.mode = 'ok';
    pac.current = patient;

    const [retried, queued] = await Promise.all([
      post(`/v1/charges/${charge.id}/invoice`, PERSON),
      t.services.invoicing.stampDrafts(),
    ]);
    expect(retried.statusCode, retried.body).toBe(200);
    const invoice = retried.json();
    expect(invoice).toMatchObject({ status: 'stamped', chargeIds: [charge.id] });
    expect(queued).toBeLessThanOrEqual(1);
    // The PAC was asked again about the same document, and one invoice holds the charge.
    expect(stampCalls() - before).toBeGreaterThanOrEqual(2);
    const documents = (await get(`/v1/memberships/${charge.membershipId}/invoices`)).json().data;
    expect(documents.map((d: { id: string; status: string }) => [d.id, d.status])).toEqual([
      [invoice.id, 'stamped'],
    ]);
    const xml = (await get(`/v1/invoices/${invoice.id}/xml`)).body;
    expect(xml.match(/<tfd:TimbreFiscalDigital /g)).toHaveLength(1);
    expect(attr(xml, 'UUID')).toBe(invoice.uuid);
    await expectValid(xml);
    // Asked once more, the charge answers the same invoice.
    const again = await post(`/v1/charges/${charge.id}/invoice`, {});
    expect(again.json()).toMatchObject({ id: invoice.id, uuid: invoice.uuid });
  });
});

describe('a substitution through the SW adapter', () => {
  it('stamps the substitute (TipoRelacion 04) at SW, then cancels the original there with reason 01 and the new UUID; a stamp that timed out is resumed, not doubled', async () => {
    const { charge } = await buildCharge(t);
    const original = (await post(`/v1/charges/${charge.id}/invoice`, PERSON)).json();
    expect(original.status).toBe('stamped');
    const COMPANY = {
      rfc: 'URE180429TM6',
      name: 'UNIVERSIDAD ROBOTICA ESPAÑOLA',
      fiscalRegime: '601',
      postalCode: '86991',
      cfdiUse: 'G03',
    };
    // The first answer is lost: SW stamps after the client gave up.
    server.mode = 'slow';
    server.slowMs = 3_000;
    pac.current = new SwPac({ url: server.url, token: SW_FIXED_TOKEN, clock, timeoutMs: 200 });
    const lost = await post(`/v1/invoices/${original.id}/substitution`, COMPANY);
    expect(lost.statusCode, lost.body).toBe(503);
    expect(lost.json().code).toBe('INVOICE_STAMP_PENDING');
    server.mode = 'ok';
    pac.current = patient;

    const res = await post(`/v1/invoices/${original.id}/substitution`, COMPANY);
    expect(res.statusCode, res.body).toBe(200);
    const substitute = res.json();
    expect(substitute).toMatchObject({
      status: 'stamped',
      chargeIds: [charge.id],
      pac: 'sw',
      substitutes: { id: original.id, status: 'cancelled' },
    });
    const xml = (await get(`/v1/invoices/${substitute.id}/xml`)).body;
    await expectValid(xml);
    expect(xml).toContain(
      `<cfdi:CfdiRelacionados TipoRelacion="04"><cfdi:CfdiRelacionado UUID="${original.uuid}"/></cfdi:CfdiRelacionados>`,
    );
    // SW was asked to cancel the original with reason 01 naming the substitute (its URL form).
    expect(server.calls).toContain(`POST /cfdi33/cancel/EKU9003173C9/${original.uuid}/01/${substitute.uuid}`);
    expect(
      (await server.sandbox.cancel({ issuerRfc: 'EKU9003173C9', uuid: original.uuid, reason: '02' })).reason,
    ).toBe('01');
    expect((await get(`/v1/invoices/${original.id}`)).json()).toMatchObject({
      status: 'cancelled',
      cancellation: { reason: '01', substituteUuid: substitute.uuid },
    });
    const documents = (await get(`/v1/memberships/${charge.membershipId}/invoices`)).json().data;
    expect(documents.map((d: { id: string; status: string }) => [d.id, d.status])).toEqual([
      [substitute.id, 'stamped'],
      [original.id, 'cancelled'],
    ]);
  });
});
