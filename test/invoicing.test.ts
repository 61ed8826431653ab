import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amountInWords } from '../src/domains/invoicing/cfdi/amount-words.ts';
import { CfdiError, type PacPort, SandboxPac, type Stamp } from '../src/domains/invoicing/cfdi/index.ts';
import { SAT_FILES } from '../src/domains/invoicing/cfdi/sat-files.ts';
import { xmllintSchema } from '../src/domains/invoicing/cfdi/sat-tools.ts';
import { pdfPages, qrCodesOn, squeezed } from '../src/domains/invoicing/pdf/pdf-text.ts';
import { type ManualClock, mexicoCityTime } from '../src/lib/clock.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { bearer, createApiKey, createUser, type Session, signIn, type TestUser } from './support/auth.ts';
import { buildCharge, buildMembership } from './support/factories.ts';
import { clearForDetails } from './support/members.ts';
import { TEST_CARD } from './support/payments.ts';

/**
 * Invoices as a product, through the API: who may invoice which charge, once per charge whatever
 * the races and retries, fiscal data refused at the field, refunds' credit notes, cancellation,
 * the monthly global invoice and gap-free folios. Every XML the API hands out is validated
 * against the SAT's schema (stamped CFDI) with xmllint.
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

/** The sandbox, counting stamps by UUID; `loseNextAnswers` stamps but answers a timeout. */
class FlakyPac implements PacPort {
  readonly name = 'sandbox';
  readonly uuids = new Map<string, number>();
  loseNextAnswers = 0;
  rejectNext = false;
  constructor(private readonly inner: SandboxPac) {}
  async stamp(request: Parameters<PacPort['stamp']>[0]): Promise<Stamp> {
    if (this.rejectNext) {
      this.rejectNext = false;
      throw new CfdiError(
        'PAC_REJECTED',
        'CFDI40147: el RFC del receptor no está en la lista de RFC inscritos',
      );
    }
    const stamp = await this.inner.stamp(request);
    this.uuids.set(stamp.uuid, (this.uuids.get(stamp.uuid) ?? 0) + 1);
    if (this.loseNextAnswers > 0) {
      this.loseNextAnswers--;
      throw new CfdiError('PAC_UNAVAILABLE', 'El PAC no respondió a tiempo');
    }
    return stamp;
  }
  cancel(request: Parameters<PacPort['cancel']>[0]) {
    return this.inner.cancel(request);
  }
}

let t: TestApp;
let clock: ManualClock;
let pac: FlakyPac;
let finance: Session;
let agent: Session;

beforeAll(async () => {
  const { ManualClock: Clock } = await import('../src/lib/clock.ts');
  clock = new Clock('2026-11-25T18:00:00Z');
  pac = new FlakyPac(new SandboxPac({ clock }));
  t = await buildTestApp({ clock, serviceOptions: { pac } });
  financeUser = await createUser(t, 'finance');
  agentUser = await createUser(t, 'agent');
  await signInAgain();
});
afterAll(async () => t?.close());

let financeUser: TestUser;
let agentUser: TestUser;
/** Sessions expire as the clock moves on: staff sign in again after a jump. */
async function signInAgain() {
  finance = await signIn(t, financeUser);
  agent = await signIn(t, agentUser);
}

async function expectValidCfdi(xml: string) {
  const checked = await xmllintSchema(SAT_FILES.stampedSchema, xml);
  expect(checked.messages).toBe(checked.ok ? checked.messages : '(valid)');
  expect(checked.ok).toBe(true);
}

const invoice = (chargeId: string, headers: Record<string, string>, payload?: Record<string, string>) =>
  t.app.inject({ method: 'POST', url: `/v1/charges/${chargeId}/invoice`, headers, payload: payload ?? {} });

/** A paid charge of a phone membership; the test's agent has checked who is calling about it. */
async function phoneCharge(card: string = TEST_CARD.visaCredit) {
  const { charge } = await buildCharge(t, { card });
  await clearForDetails(t, agent.write, charge.membershipId);
  return charge;
}

describe('a charge’s invoice', () => {
  it('stamps an Ingreso CFDI with the charge’s stored split, once per charge', async () => {
    const charge = await phoneCharge();
    const first = await invoice(charge.id, finance.write, PERSON);
    expect(first.statusCode, first.body).toBe(201);
    const body = first.json();
    expect(body).toMatchObject({
      type: 'I',
      kind: 'invoice',
      series: 'F',
      status: 'stamped',
      chargeIds: [charge.id],
      baseCentavos: charge.amount.baseCentavos,
      ivaCentavos: charge.amount.ivaCentavos,
      totalCentavos: charge.amount.totalCentavos,
      paymentForm: '04',
      demo: true,
      receiver: { rfc: PERSON.rfc, fiscalRegime: '605', cfdiUse: 'S01' },
    });
    expect(body.notice).toContain('Sin validez fiscal');
    const again = await invoice(charge.id, agent.write);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(body.id);

    const xml = await t.app.inject({
      method: 'GET',
      url: `/v1/invoices/${body.id}/xml`,
      headers: finance.read,
    });
    expect(xml.statusCode).toBe(200);
    expect(xml.headers['content-type']).toContain('application/xml');
    expect(xml.body).toContain(`UUID="${body.uuid}"`);
    expect(xml.body).toContain(`Total="${(charge.amount.totalCentavos / 100).toFixed(2)}"`);
    await expectValidCfdi(xml.body);

    // The printed representation, read back: what was stamped, the demo legend, the QR's link.
    const pdf = await t.app.inject({
      method: 'GET',
      url: `/v1/invoices/${body.id}/pdf`,
      headers: finance.read,
    });
    expect(pdf.statusCode, pdf.body).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toContain(`F-${body.folio}.pdf`);
    const pages = (await pdfPages(pdf.rawPayload)).join('\n');
    expect(squeezed(pages)).toContain(squeezed(body.uuid));
    expect(pages).toContain('SIN VALIDEZ FISCAL');
    expect(pages).toContain(amountInWords(charge.amount.totalCentavos));
    expect((await qrCodesOn(pdf.rawPayload))[0]).toContain(`id=${body.uuid}`);

    const listed = await t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${charge.membershipId}/invoices`,
      headers: agent.read,
    });
    expect(listed.json().data.map((i: { id: string }) => i.id)).toEqual([body.id]);
  });

  it('uses the stored fiscal data when the request brings none, and asks for it when there is none', async () => {
    const charge = await phoneCharge(TEST_CARD.visaDebit);
    const none = await invoice(charge.id, agent.write);
    expect(none.statusCode).toBe(422);
    expect(none.json().code).toBe('FISCAL_DATA_MISSING');
    const saved = await t.app.inject({
      method: 'PUT',
      url: `/v1/memberships/${charge.membershipId}/fiscal-data`,
      headers: agent.write,
      payload: COMPANY,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const res = await invoice(charge.id, agent.write);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ receiver: { rfc: COMPANY.rfc, cfdiUse: 'G03' }, paymentForm: '28' });
  });

  it('refuses invalid fiscal data at the field, in Spanish, and writes nothing', async () => {
    const charge = await phoneCharge();
    const badDigit = await invoice(
      charge.id,
      { ...finance.write, 'accept-language': 'es-MX' },
      { ...PERSON, rfc: 'GODE561231GR9' },
    );
    expect(badDigit.statusCode).toBe(422);
    const problem = badDigit.json();
    expect(problem.code).toBe('FISCAL_DATA_INVALID');
    expect(problem.errors[0].field).toBe('body/rfc');
    expect(JSON.stringify(problem.errors)).toContain('dígito verificador');
    const badUse = await t.app.inject({
      method: 'PUT',
      url: `/v1/memberships/${charge.membershipId}/fiscal-data`,
      headers: finance.write,
      payload: { ...PERSON, cfdiUse: 'G01' },
    });
    expect(badUse.statusCode).toBe(422);
    expect(badUse.json().errors.map((e: { field: string }) => e.field)).toEqual(['body/cfdiUse']);
    const partial = await invoice(charge.id, finance.write, { rfc: PERSON.rfc });
    expect(partial.statusCode).toBe(422);
    expect(partial.json().errors.map((e: { field: string }) => e.field)).toContain('body/cfdiUse');
    const listed = await t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${charge.membershipId}/invoices`,
      headers: finance.read,
    });
    expect(listed.json().data).toEqual([]);
    const stored = await t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${charge.membershipId}/fiscal-data`,
      headers: finance.read,
    });
    expect(stored.json().data).toBeNull();
  });

  it('two requests at once make one invoice', async () => {
    const charge = await phoneCharge();
    const answers = await Promise.all([
      invoice(charge.id, finance.write, PERSON),
      invoice(charge.id, agent.write, PERSON),
    ]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 201]);
    expect(new Set(answers.map((a) => a.json().id)).size).toBe(1);
    const listed = await t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${charge.membershipId}/invoices`,
      headers: finance.read,
    });
    expect(listed.json().data).toHaveLength(1);
  });

  it('a PAC timeout then a retry stamps one invoice, never two', async () => {
    const charge = await phoneCharge();
    pac.loseNextAnswers = 1;
    const lost = await invoice(charge.id, finance.write, PERSON);
    expect(lost.statusCode).toBe(503);
    expect(lost.json().code).toBe('INVOICE_STAMP_PENDING');
    const retried = await invoice(charge.id, finance.write, PERSON);
    expect(retried.statusCode).toBe(200);
    const body = retried.json();
    expect(body.status).toBe('stamped');
    expect(pac.uuids.get(body.uuid)).toBe(2);
    const ofMembership = await t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${charge.membershipId}/invoices`,
      headers: finance.read,
    });
    expect(ofMembership.json().data).toHaveLength(1);
  });

  it('a refused stamp keeps its folio, recorded as rejected, and the charge may be invoiced again', async () => {
    const charge = await phoneCharge();
    pac.rejectNext = true;
    const refused = await invoice(charge.id, finance.write, PERSON);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'INVOICE_REJECTED', pacCode: 'PAC_REJECTED' });
    const [rejected] = (
      await t.app.inject({
        method: 'GET',
        url: `/v1/memberships/${charge.membershipId}/invoices`,
        headers: finance.read,
      })
    ).json().data;
    expect(rejected).toMatchObject({ status: 'rejected', uuid: null, chargeIds: [] });
    const again = await invoice(charge.id, finance.write, PERSON);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toMatchObject({ status: 'stamped', series: 'F' });
    expect(again.json().folio).toBeGreaterThan(rejected.folio);
  });

  it('refuses a charge that is not paid', async () => {
    const charge = await phoneCharge(TEST_CARD.alwaysDeclined);
    const res = await invoice(charge.id, finance.write, PERSON);
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('CHARGE_NOT_INVOICEABLE');
  });

  it('the bank invoices charges of its channel only', async () => {
    const key = await createApiKey(t, 'partner', ['memberships:read', 'memberships:write']);
    const bankMembership = await buildMembership(t, { by: bearer(key.key) });
    const bank = await buildCharge(t, { membershipId: bankMembership.id });
    const ok = await invoice(bank.charge.id, bearer(key.key), PERSON);
    expect(ok.statusCode, ok.body).toBe(201);
    const phone = await phoneCharge();
    const hidden = await invoice(phone.id, bearer(key.key), PERSON);
    expect(hidden.statusCode).toBe(404);
  });

  it('folios of a series are consecutive under concurrent requests', async () => {
    const charges = [];
    for (let i = 0; i < 4; i++) charges.push(await phoneCharge());
    const answers = await Promise.all(charges.map((c) => invoice(c.id, finance.write, PERSON)));
    expect(answers.every((a) => a.statusCode === 201)).toBe(true);
    const folios = answers.map((a) => a.json().folio).sort((a, b) => a - b);
    expect(folios).toEqual(folios.map((_, i) => (folios[0] ?? 0) + i));
  });
});

describe('refunds and cancellation', () => {
  it('each refund issues a credit note related to the invoice, with the refunded amount and its IVA', async () => {
    const charge = await phoneCharge();
    const inv = (await invoice(charge.id, finance.write, COMPANY)).json();
    const refund = (amountCentavos?: number) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/charges/${charge.id}/refunds`,
        headers: finance.write,
        payload: { reason: 'Cobro duplicado', ...(amountCentavos ? { amountCentavos } : {}) },
      });
    expect((await refund(10_000)).statusCode).toBe(201);
    expect((await refund()).statusCode).toBe(201);
    await t.services.invoicing.stampDrafts();
    const listed = (
      await t.app.inject({
        method: 'GET',
        url: `/v1/memberships/${charge.membershipId}/invoices`,
        headers: finance.read,
      })
    ).json().data;
    const notes = listed.filter((i: { kind: string }) => i.kind === 'credit_note');
    expect(notes).toHaveLength(2);
    for (const note of notes) {
      expect(note).toMatchObject({
        type: 'E',
        series: 'NC',
        status: 'stamped',
        relatedUuid: inv.uuid,
        relatedInvoiceId: inv.id,
        // A company's credit note: G02 (devoluciones), the receiver as stamped.
        receiver: { rfc: COMPANY.rfc, cfdiUse: 'G02' },
      });
      expect(note.baseCentavos + note.ivaCentavos).toBe(note.totalCentavos);
      const xml = await t.app.inject({
        method: 'GET',
        url: `/v1/invoices/${note.id}/xml`,
        headers: finance.read,
      });
      expect(xml.body).toContain(`TipoRelacion="01"`);
      expect(xml.body).toContain(inv.uuid);
      await expectValidCfdi(xml.body);
    }
    const totals = notes
      .map((n: { totalCentavos: number }) => n.totalCentavos)
      .sort((a: number, b: number) => a - b);
    expect(totals).toEqual([10_000, charge.amount.totalCentavos - 10_000].sort((a, b) => a - b));
    const sum = (k: 'baseCentavos' | 'ivaCentavos') =>
      notes.reduce((s: number, n: Record<string, number>) => s + (n[k] ?? 0), 0);
    expect(sum('baseCentavos')).toBe(inv.baseCentavos);
    expect(sum('ivaCentavos')).toBe(inv.ivaCentavos);
  });

  it('a refund made before the invoice gets its credit note once the invoice is stamped', async () => {
    const charge = await phoneCharge();
    const refunded = await t.app.inject({
      method: 'POST',
      url: `/v1/charges/${charge.id}/refunds`,
      headers: finance.write,
      payload: { reason: 'Cobro duplicado', amountCentavos: 2_500 },
    });
    expect(refunded.statusCode).toBe(201);
    const before = await t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${charge.membershipId}/invoices`,
      headers: finance.read,
    });
    expect(before.json().data).toEqual([]);
    const inv = (await invoice(charge.id, finance.write, PERSON)).json();
    const after = (
      await t.app.inject({
        method: 'GET',
        url: `/v1/memberships/${charge.membershipId}/invoices`,
        headers: finance.read,
      })
    ).json().data;
    const note = after.find((i: { kind: string }) => i.kind === 'credit_note');
    expect(note).toMatchObject({
      status: 'stamped',
      relatedUuid: inv.uuid,
      totalCentavos: 2_500,
      receiver: { cfdiUse: 'S01' },
    });
  });

  it('finance cancels with the SAT’s reasons; the charge may then be invoiced again', async () => {
    const charge = await phoneCharge();
    const inv = (await invoice(charge.id, finance.write, PERSON)).json();
    const cancel = (payload: Record<string, string>, headers = finance.write) =>
      t.app.inject({ method: 'POST', url: `/v1/invoices/${inv.id}/cancellation`, headers, payload });
    expect((await cancel({ reason: '02' }, agent.write)).statusCode).toBe(403);
    const noSubstitute = await cancel({ reason: '01' });
    expect(noSubstitute.statusCode).toBe(422);
    expect(noSubstitute.json().code).toBe('CANCELLATION_SUBSTITUTE_INVALID');
    const done = await cancel({ reason: '02' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'cancelled', cancellation: { reason: '02' } });
    expect((await cancel({ reason: '02' })).json().code).toBe('INVOICE_NOT_CANCELLABLE');
    const replacement = await invoice(charge.id, finance.write, PERSON);
    expect(replacement.statusCode).toBe(201);
    expect(replacement.json().id).not.toBe(inv.id);
  });
});

describe('the monthly global invoice', () => {
  it('holds exactly the month’s paid charges nobody invoiced, once', async () => {
    const loose = [await phoneCharge(), await phoneCharge(TEST_CARD.visaDebit)];
    const own = await phoneCharge();
    expect((await invoice(own.id, finance.write, PERSON)).statusCode).toBe(201);
    const early = await t.app.inject({
      method: 'POST',
      url: '/v1/invoices/global',
      headers: finance.write,
      payload: { period: '2026-11' },
    });
    expect(early.json().code).toBe('GLOBAL_PERIOD_OPEN');

    clock.set(mexicoCityTime('2026-12-01T00:30'));
    await signInAgain();
    const [first, second] = await Promise.all([
      t.app.inject({
        method: 'POST',
        url: '/v1/invoices/global',
        headers: finance.write,
        payload: { period: '2026-11' },
      }),
      t.services.invoicing.global.issue({ principal: null, requestId: null, ip: null }, '2026-11'),
    ]);
    expect([201, 200]).toContain(first.statusCode);
    const global = first.json().invoice;
    expect(second?.invoice.id).toBe(global.id);
    expect(global).toMatchObject({
      kind: 'global',
      series: 'G',
      status: 'stamped',
      period: '2026-11',
      receiver: { rfc: 'XAXX010101000' },
    });
    const all = await t.app.inject({
      method: 'GET',
      url: `/v1/invoices/${global.id}`,
      headers: finance.read,
    });
    const held: string[] = all.json().chargeIds;
    for (const c of loose) expect(held).toContain(c.id);
    expect(held).not.toContain(own.id);
    const paid = (
      await t.services.billing.list(
        { principal: null, requestId: null, ip: null },
        { status: 'succeeded', limit: 500 },
      )
    ).data.filter((c) => held.includes(c.id));
    expect(paid).toHaveLength(held.length);
    expect(global.totalCentavos).toBe(paid.reduce((s, c) => s + c.amount.totalCentavos, 0));
    expect(global.baseCentavos).toBe(paid.reduce((s, c) => s + c.amount.baseCentavos, 0));
    const xml = await t.app.inject({
      method: 'GET',
      url: `/v1/invoices/${global.id}/xml`,
      headers: finance.read,
    });
    expect(xml.body).toContain('InformacionGlobal');
    await expectValidCfdi(xml.body);

    const again = await t.app.inject({
      method: 'POST',
      url: '/v1/invoices/global',
      headers: finance.write,
      payload: { period: '2026-11' },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().invoice.id).toBe(global.id);

    // A charge in the closed month's global invoice is not invoiced again to a customer.
    const refused = await invoice(loose[0]?.id ?? '', finance.write, PERSON);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('CHARGE_IN_GLOBAL_INVOICE');

    // Its refund's credit note relates to the global invoice, to the public.
    await t.app.inject({
      method: 'POST',
      url: `/v1/charges/${loose[0]?.id}/refunds`,
      headers: finance.write,
      payload: { reason: 'Cancelación', amountCentavos: 5_000 },
    });
    await t.services.invoicing.stampDrafts();
    const notes = (
      await t.app.inject({
        method: 'GET',
        url: `/v1/memberships/${loose[0]?.membershipId}/invoices`,
        headers: finance.read,
      })
    ).json().data;
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      kind: 'credit_note',
      relatedUuid: global.uuid,
      totalCentavos: 5_000,
      receiver: { rfc: 'XAXX010101000' },
    });
    const noteXml = await t.app.inject({
      method: 'GET',
      url: `/v1/invoices/${notes[0].id}/xml`,
      headers: finance.read,
    });
    await expectValidCfdi(noteXml.body);
  });
});

describe('the customer', () => {
  it('invoices their own charge, reads and downloads it; never another’s', async () => {
    const password = 'una contraseña larga 2026';
    const mine = await buildMembership(t, { account: { password } });
    clock.set(new Date(clock.now().getTime() + 70 * 86_400_000));
    await signInAgain();
    await t.services.billing.run({ at: clock.now(), trigger: 'test' });
    const [charge] = await t.services.billing.chargesOfMembership(
      { principal: null, requestId: null, ip: null },
      mine.id,
    );
    expect(charge?.status).toBe('succeeded');
    const customer = await signIn(t, { email: mine.body.titular.email, password });
    const res = await invoice(charge?.id ?? '', customer.write, PERSON);
    expect(res.statusCode, res.body).toBe(201);
    const stored = await t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${mine.id}/fiscal-data`,
      headers: customer.read,
    });
    expect(stored.json().data).toMatchObject({ rfc: PERSON.rfc, cfdiUse: 'S01' });
    const xml = await t.app.inject({
      method: 'GET',
      url: `/v1/invoices/${res.json().id}/xml`,
      headers: customer.read,
    });
    expect(xml.statusCode).toBe(200);
    await expectValidCfdi(xml.body);

    const other = await phoneCharge();
    const othersInvoice = (await invoice(other.id, finance.write, COMPANY)).json();
    expect((await invoice(other.id, customer.write, PERSON)).statusCode).toBe(404);
    expect(
      (await t.app.inject({ method: 'GET', url: `/v1/invoices/${othersInvoice.id}`, headers: customer.read }))
        .statusCode,
    ).toBe(404);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/v1/invoices/${othersInvoice.id}/xml`,
          headers: customer.read,
        })
      ).statusCode,
    ).toBe(404);
  });
});
