import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../src/db/client.ts';
import { CfdiError, type PacPort, SandboxPac, type Stamp } from '../src/domains/invoicing/cfdi/index.ts';
import { SAT_FILES } from '../src/domains/invoicing/cfdi/sat-files.ts';
import { xmllintSchema } from '../src/domains/invoicing/cfdi/sat-tools.ts';
import { ManualClock, mexicoCityTime } from '../src/lib/clock.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, signIn, type TestUser } from './support/auth.ts';
import { buildCharge } from './support/factories.ts';
import { clearForDetails } from './support/members.ts';

/**
 * Substituting an invoice (POST /v1/invoices/{id}/substitution): a new CFDI holding the same
 * charge with CfdiRelacionados 04 naming the original, stamped, then the original cancelled with
 * reason 01 and the new UUID. Asked again after a timeout (of the stamp or of the cancellation),
 * or finished by the stamp queue, it is the same substitute — never two. Refused for credit
 * notes, cancelled documents and invoices with credit notes in force. A global invoice is
 * substituted by a global invoice of the same charges.
 */

const PERSON = {
  rfc: 'GODE561231GR8',
  name: 'DIEGO GÓMEZ DE LA O',
  fiscalRegime: '605',
  postalCode: '06600',
  cfdiUse: 'S01',
};
const COMPANY = {
  rfc: 'URE180429TM6',
  name: 'UNIVERSIDAD ROBOTICA ESPAÑOLA',
  fiscalRegime: '601',
  postalCode: '86991',
  cfdiUse: 'G03',
};

/** The sandbox, with answers the test may lose or refuse, counting stamps per UUID. */
class ScriptedPac implements PacPort {
  readonly name = 'sandbox';
  readonly stamps = new Map<string, number>();
  readonly cancels: Array<{ uuid: string; reason: string; substituteUuid?: string | undefined }> = [];
  loseStamp = 0;
  loseCancel = 0;
  rejectStamp = false;
  refuseCancel = false;
  constructor(private readonly inner: SandboxPac) {}
  async stamp(request: Parameters<PacPort['stamp']>[0]): Promise<Stamp> {
    if (this.rejectStamp) {
      this.rejectStamp = false;
      throw new CfdiError(
        'PAC_REJECTED',
        'CFDI40147: el RFC del receptor no está en la lista de RFC inscritos',
      );
    }
    const stamp = await this.inner.stamp(request);
    this.stamps.set(stamp.uuid, (this.stamps.get(stamp.uuid) ?? 0) + 1);
    if (this.loseStamp > 0) {
      this.loseStamp--;
      throw new CfdiError('PAC_UNAVAILABLE', 'El PAC no respondió a tiempo');
    }
    return stamp;
  }
  async cancel(request: Parameters<PacPort['cancel']>[0]) {
    if (this.refuseCancel) {
      this.refuseCancel = false;
      throw new CfdiError('PAC_REJECTED', 'CANC108: el comprobante tiene documentos relacionados vigentes');
    }
    const done = await this.inner.cancel(request);
    this.cancels.push({ uuid: request.uuid, reason: request.reason, substituteUuid: request.substituteUuid });
    if (this.loseCancel > 0) {
      this.loseCancel--;
      throw new CfdiError('PAC_UNAVAILABLE', 'El PAC no respondió a tiempo');
    }
    return done;
  }
}

let t: TestApp;
let pac: ScriptedPac;
let clock: ManualClock;
let financeUser: TestUser;
let agentUser: TestUser;
let finance: Session;
let agent: Session;

beforeAll(async () => {
  clock = new ManualClock('2026-11-25T18:00:00Z');
  pac = new ScriptedPac(new SandboxPac({ clock }));
  t = await buildTestApp({ clock, serviceOptions: { pac } });
  financeUser = await createUser(t, 'finance');
  agentUser = await createUser(t, 'agent');
  finance = await signIn(t, financeUser);
  agent = await signIn(t, agentUser);
});
afterAll(async () => t?.close());

const post = (url: string, headers: Record<string, string>, payload: Record<string, unknown> = {}) =>
  t.app.inject({ method: 'POST', url, headers, payload });
const get = (url: string) => t.app.inject({ method: 'GET', url, headers: finance.read });
const substitute = (id: string, payload: Record<string, unknown> = {}, headers = finance.write) =>
  post(`/v1/invoices/${id}/substitution`, headers, payload);

async function invoiced(data = PERSON) {
  const { charge } = await buildCharge(t);
  const res = await post(`/v1/charges/${charge.id}/invoice`, finance.write, data);
  expect(res.statusCode, res.body).toBe(201);
  return { charge, invoice: res.json() };
}

async function validXml(id: string) {
  const xml = (await get(`/v1/invoices/${id}/xml`)).body;
  const checked = await xmllintSchema(SAT_FILES.stampedSchema, xml);
  expect(checked.ok, checked.messages).toBe(true);
  return xml;
}

const documentsOf = async (membershipId: string) =>
  (await get(`/v1/memberships/${membershipId}/invoices`)).json().data as Array<
    Record<string, unknown> & { id: string; kind: string; status: string; relatedInvoiceId: string | null }
  >;

describe('substituting an invoice', () => {
  it('issues the substitute with the same charge and TipoRelacion 04, then cancels the original with reason 01', async () => {
    const { charge, invoice } = await invoiced();
    const res = await substitute(invoice.id, COMPANY);
    expect(res.statusCode, res.body).toBe(201);
    const replacement = res.json();
    expect(replacement).toMatchObject({
      kind: 'invoice',
      series: 'F',
      folio: invoice.folio + 1,
      status: 'stamped',
      chargeIds: [charge.id],
      receiver: COMPANY,
      totalCentavos: invoice.totalCentavos,
      relatedInvoiceId: invoice.id,
      relatedUuid: invoice.uuid,
      substitutes: {
        id: invoice.id,
        series: 'F',
        folio: invoice.folio,
        uuid: invoice.uuid,
        status: 'cancelled',
      },
      substitutedBy: null,
    });
    const xml = await validXml(replacement.id);
    expect(xml).toContain(
      `<cfdi:CfdiRelacionados TipoRelacion="04"><cfdi:CfdiRelacionado UUID="${invoice.uuid}"/></cfdi:CfdiRelacionados>`,
    );
    expect(xml).toContain(`Rfc="${COMPANY.rfc}"`);
    expect(pac.cancels.at(-1)).toEqual({
      uuid: invoice.uuid,
      reason: '01',
      substituteUuid: replacement.uuid,
    });

    const original = (await get(`/v1/invoices/${invoice.id}`)).json();
    expect(original).toMatchObject({
      status: 'cancelled',
      chargeIds: [],
      cancellation: { reason: '01', substituteUuid: replacement.uuid },
      substitutedBy: { id: replacement.id, uuid: replacement.uuid, status: 'stamped' },
    });
    // The charge's invoice is the substitute now; asking again answers it.
    const again = await post(`/v1/charges/${charge.id}/invoice`, finance.write, {});
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(replacement.id);
    // Asking for the substitution again answers the same substitute.
    const repeat = await substitute(invoice.id, COMPANY);
    expect(repeat.statusCode, repeat.body).toBe(200);
    expect(repeat.json().id).toBe(replacement.id);

    const [audit] = await rows<{ action: string; details: Record<string, unknown> }>(
      t.database.handle.db,
      sql`select action, details from audit_log where record_id = ${invoice.id} and action = 'invoice.substitute'`,
    );
    expect(audit?.details).toMatchObject({ substituteId: replacement.id });
  });

  it('uses the stored fiscal data without a body, and an agent substitutes once the caller is checked', async () => {
    const { charge, invoice } = await invoiced();
    const refused = await substitute(invoice.id, {}, agent.write);
    expect(refused.statusCode).toBe(428);
    await clearForDetails(t, agent.write, charge.membershipId);
    const res = await substitute(invoice.id, {}, agent.write);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ receiver: PERSON, substitutes: { status: 'cancelled' } });
  });

  it('refuses invalid fiscal data at the field, and changes nothing', async () => {
    const { invoice } = await invoiced();
    const res = await substitute(invoice.id, { ...COMPANY, rfc: 'URE180429TM7' });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0]).toMatchObject({ field: 'body/rfc' });
    expect((await get(`/v1/invoices/${invoice.id}`)).json()).toMatchObject({
      status: 'stamped',
      substitutedBy: null,
    });
  });

  it('is the same substitute when the stamp timed out, asked again or finished by the stamp queue', async () => {
    const { charge, invoice } = await invoiced();
    pac.loseStamp = 1;
    const timedOut = await substitute(invoice.id);
    expect(timedOut.statusCode).toBe(503);
    expect(timedOut.json().code).toBe('INVOICE_STAMP_PENDING');
    // Claimed: being cancelled, the charge held by the substitute's draft.
    const pending = (await get(`/v1/invoices/${invoice.id}`)).json();
    expect(pending).toMatchObject({
      status: 'cancelling',
      chargeIds: [],
      substitutedBy: { status: 'draft' },
    });
    const [retry, queue] = await Promise.all([substitute(invoice.id), t.services.invoicing.stampDrafts()]);
    expect(retry.statusCode, retry.body).toBe(200);
    expect(queue).toBeGreaterThanOrEqual(0);
    const replacement = retry.json();
    expect(replacement).toMatchObject({
      status: 'stamped',
      chargeIds: [charge.id],
      substitutes: { status: 'cancelled' },
    });
    // The PAC stamped one document, once asked twice: one UUID, never a second substitute.
    expect(pac.stamps.get(replacement.uuid)).toBeGreaterThanOrEqual(2);
    const substitutes = (await documentsOf(charge.membershipId)).filter(
      (d) => d.relatedInvoiceId === invoice.id,
    );
    expect(substitutes).toHaveLength(1);
  });

  it('finishes the cancellation when the PAC did not answer it, asked again or by the queue', async () => {
    const first = await invoiced();
    pac.loseCancel = 1;
    const timedOut = await substitute(first.invoice.id);
    expect(timedOut.statusCode).toBe(503);
    expect(timedOut.json().code).toBe('INVOICE_CANCEL_PENDING');
    expect((await get(`/v1/invoices/${first.invoice.id}`)).json()).toMatchObject({
      status: 'cancelling',
      substitutedBy: { status: 'stamped' },
    });
    const retry = await substitute(first.invoice.id);
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json().substitutes.status).toBe('cancelled');

    // Nobody asks again: the stamp queue finishes it.
    const second = await invoiced();
    pac.loseCancel = 1;
    expect((await substitute(second.invoice.id)).statusCode).toBe(503);
    await t.services.invoicing.stampDrafts();
    expect((await get(`/v1/invoices/${second.invoice.id}`)).json()).toMatchObject({
      status: 'cancelled',
      cancellation: { reason: '01' },
    });
  });

  it('gives the charge back to the original when the PAC rejects the substitute', async () => {
    const { charge, invoice } = await invoiced();
    pac.rejectStamp = true;
    const rejected = await substitute(invoice.id, COMPANY);
    expect(rejected.statusCode).toBe(422);
    expect(rejected.json().code).toBe('INVOICE_REJECTED');
    expect((await get(`/v1/invoices/${invoice.id}`)).json()).toMatchObject({
      status: 'stamped',
      chargeIds: [charge.id],
      cancellation: null,
    });
    // And it may be substituted later.
    const res = await substitute(invoice.id, COMPANY);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().folio).toBe(invoice.folio + 2);
  });

  it('leaves the original in force, the substitute stamped, when the PAC refuses the cancellation; asking again finishes', async () => {
    const { invoice } = await invoiced();
    pac.refuseCancel = true;
    const refused = await substitute(invoice.id);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('PAC_REJECTED');
    const original = (await get(`/v1/invoices/${invoice.id}`)).json();
    expect(original).toMatchObject({ status: 'stamped', substitutedBy: { status: 'stamped' } });
    const again = await substitute(invoice.id);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({
      id: original.substitutedBy.id,
      substitutes: { status: 'cancelled' },
    });
  });

  it('refuses a credit note, a cancelled invoice and an invoice with credit notes in force', async () => {
    const { charge, invoice } = await invoiced();
    const refund = await post(`/v1/charges/${charge.id}/refunds`, finance.write, {
      amountCentavos: 5_000,
      reason: 'Parcial',
    });
    expect(refund.statusCode, refund.body).toBe(201);
    await t.services.invoicing.stampDrafts();
    const [note] = (await documentsOf(charge.membershipId)).filter((d) => d.kind === 'credit_note');
    const withNotes = await substitute(invoice.id);
    expect(withNotes.statusCode).toBe(409);
    expect(withNotes.json().code).toBe('INVOICE_HAS_CREDIT_NOTES');
    const ofNote = await substitute(note?.id ?? '');
    expect(ofNote.statusCode).toBe(409);
    expect(ofNote.json().code).toBe('CREDIT_NOTE_NOT_SUBSTITUTABLE');
    expect(ofNote.json().detail).toContain('nota de crédito');

    const other = await invoiced();
    expect(
      (await post(`/v1/invoices/${other.invoice.id}/cancellation`, finance.write, { reason: '02' }))
        .statusCode,
    ).toBe(200);
    const cancelled = await substitute(other.invoice.id);
    expect(cancelled.statusCode).toBe(409);
    expect(cancelled.json().code).toBe('INVOICE_NOT_CANCELLABLE');
  });

  it('refuses the portal’s customer and the supervisor (403) and an unknown invoice (404)', async () => {
    const { invoice } = await invoiced();
    const supervisor = await signIn(t, await createUser(t, 'supervisor'));
    expect((await substitute(invoice.id, {}, supervisor.write)).statusCode).toBe(403);
    expect((await substitute('00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });
});

describe('substituting a global invoice', () => {
  it('issues a global invoice of the same charges relating the original with 04; the month keeps one global invoice', async () => {
    const loose = [(await buildCharge(t)).charge, (await buildCharge(t)).charge];
    clock.set(mexicoCityTime('2026-12-01T00:30'));
    finance = await signIn(t, financeUser);
    agent = await signIn(t, agentUser);
    const issued = await post('/v1/invoices/global', finance.write, { period: '2026-11' });
    expect(issued.statusCode, issued.body).toBe(201);
    const global = issued.json().invoice;
    for (const c of loose) expect(global.chargeIds).toContain(c.id);

    const withData = await substitute(global.id, COMPANY);
    expect(withData.statusCode).toBe(422);
    expect(withData.json().code).toBe('GLOBAL_INVOICE_RECEIVER_FIXED');
    expect((await substitute(global.id, {}, agent.write)).statusCode).toBe(403);

    const res = await substitute(global.id);
    expect(res.statusCode, res.body).toBe(201);
    const replacement = res.json();
    expect(replacement).toMatchObject({
      kind: 'global',
      series: 'G',
      folio: global.folio + 1,
      period: '2026-11',
      status: 'stamped',
      chargeIds: global.chargeIds,
      totalCentavos: global.totalCentavos,
      substitutes: { id: global.id, status: 'cancelled' },
    });
    const xml = await validXml(replacement.id);
    expect(xml).toMatch(
      /<cfdi:InformacionGlobal Periodicidad="04" Meses="11" Año="2026"\/><cfdi:CfdiRelacionados TipoRelacion="04">/,
    );
    expect(xml).toContain(`UUID="${global.uuid}"`);
    // The month's global invoice is the substitute: issuing again answers it.
    const again = await post('/v1/invoices/global', finance.write, { period: '2026-11' });
    expect(again.statusCode).toBe(200);
    expect(again.json().invoice.id).toBe(replacement.id);
  });
});
