import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PacPort, SandboxPac } from '../src/domains/invoicing/cfdi/index.ts';
import { SAT_FILES } from '../src/domains/invoicing/cfdi/sat-files.ts';
import { xmllintSchema } from '../src/domains/invoicing/cfdi/sat-tools.ts';
import { ManualClock } from '../src/lib/clock.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { createUser, type Session, signIn } from './support/auth.ts';
import { buildCharge } from './support/factories.ts';

/**
 * Cancelling an invoice whose refunds have credit notes: the SAT does not cancel a CFDI while
 * documents related to it are in force, so Libra refuses (409 INVOICE_HAS_CREDIT_NOTES, naming
 * them) without asking the PAC; finance cancels the credit notes first, then the invoice, and the
 * charge's next invoice brings the refunds' credit notes back, related to it.
 */

const COMPANY = {
  rfc: 'URE180429TM6',
  name: 'UNIVERSIDAD ROBOTICA ESPAÑOLA',
  fiscalRegime: '601',
  postalCode: '86991',
  cfdiUse: 'G03',
};

/** The sandbox, remembering which UUIDs it was asked to cancel. */
class CountingPac implements PacPort {
  readonly name = 'sandbox';
  readonly cancelled: string[] = [];
  constructor(private readonly inner: SandboxPac) {}
  stamp(request: Parameters<PacPort['stamp']>[0]) {
    return this.inner.stamp(request);
  }
  cancel(request: Parameters<PacPort['cancel']>[0]) {
    this.cancelled.push(request.uuid);
    return this.inner.cancel(request);
  }
}

let t: TestApp;
let pac: CountingPac;
let finance: Session;

beforeAll(async () => {
  const clock = new ManualClock('2026-11-25T18:00:00Z');
  pac = new CountingPac(new SandboxPac({ clock }));
  t = await buildTestApp({ clock, serviceOptions: { pac } });
  finance = await signIn(t, await createUser(t, 'finance'));
});
afterAll(async () => t?.close());

const post = (url: string, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url, headers: finance.write, payload });
const cancel = (id: string, reason = '02') => post(`/v1/invoices/${id}/cancellation`, { reason });
const documentsOf = async (membershipId: string) =>
  (
    await t.app.inject({
      method: 'GET',
      url: `/v1/memberships/${membershipId}/invoices`,
      headers: finance.read,
    })
  ).json().data as Array<Record<string, unknown> & { id: string; kind: string; status: string }>;

describe('cancelling an invoice with credit notes', () => {
  it('refuses while a credit note is in force, naming it; cancels once the credit notes are cancelled; the next invoice gets them again', async () => {
    const { charge } = await buildCharge(t);
    const invoice = (await post(`/v1/charges/${charge.id}/invoice`, COMPANY)).json();
    expect(invoice.status).toBe('stamped');
    expect(
      (await post(`/v1/charges/${charge.id}/refunds`, { amountCentavos: 10_000, reason: 'Parcial' }))
        .statusCode,
    ).toBe(201);

    // Still a draft (the stamp queue has not run): in force all the same.
    const early = await cancel(invoice.id);
    expect(early.statusCode).toBe(409);
    expect(early.json().creditNotes).toMatchObject([{ series: 'NC', status: 'draft', uuid: null }]);

    await t.services.invoicing.stampDrafts();
    const [note] = (await documentsOf(charge.membershipId)).filter((d) => d.kind === 'credit_note');
    expect(note).toMatchObject({ status: 'stamped', relatedUuid: invoice.uuid, totalCentavos: 10_000 });

    const refused = await cancel(invoice.id);
    expect(refused.statusCode).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    const problem = refused.json();
    expect(problem.code).toBe('INVOICE_HAS_CREDIT_NOTES');
    expect(problem.detail).toContain(`NC-${note?.folio}`);
    expect(problem.detail).toContain('cancelar antes esas notas de crédito');
    expect(problem.creditNotes).toEqual([
      { id: note?.id, series: 'NC', folio: note?.folio, uuid: note?.uuid, status: 'stamped' },
    ]);
    // Refused before the PAC was asked, and nothing changed.
    expect(pac.cancelled).not.toContain(invoice.uuid);
    const still = await t.app.inject({
      method: 'GET',
      url: `/v1/invoices/${invoice.id}`,
      headers: finance.read,
    });
    expect(still.json()).toMatchObject({ status: 'stamped', chargeIds: [charge.id] });

    // The credit note first, then the invoice.
    const noteCancelled = await cancel(note?.id ?? '');
    expect(noteCancelled.statusCode, noteCancelled.body).toBe(200);
    expect(noteCancelled.json()).toMatchObject({ status: 'cancelled', cancellation: { reason: '02' } });
    const cancelled = await cancel(invoice.id);
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json().status).toBe('cancelled');
    expect(pac.cancelled).toEqual([note?.uuid, invoice.uuid]);

    // Invoiced again: the refund's credit note comes back, related to the new invoice.
    const again = await post(`/v1/charges/${charge.id}/invoice`, COMPANY);
    expect(again.statusCode, again.body).toBe(201);
    const replacement = again.json();
    const notes = (await documentsOf(charge.membershipId)).filter((d) => d.kind === 'credit_note');
    const live = notes.filter((n) => n.status === 'stamped');
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({
      relatedInvoiceId: replacement.id,
      relatedUuid: replacement.uuid,
      totalCentavos: 10_000,
      refundId: note?.refundId,
    });
    const xml = await t.app.inject({
      method: 'GET',
      url: `/v1/invoices/${live[0]?.id}/xml`,
      headers: finance.read,
    });
    expect(xml.body).toContain(`UUID="${replacement.uuid}"`);
    const checked = await xmllintSchema(SAT_FILES.stampedSchema, xml.body);
    expect(checked.ok, checked.messages).toBe(true);
  });

  it('cancels an invoice that has no credit notes at once', async () => {
    const { charge } = await buildCharge(t);
    const invoice = (await post(`/v1/charges/${charge.id}/invoice`, COMPANY)).json();
    const done = await cancel(invoice.id, '03');
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'cancelled', cancellation: { reason: '03' } });
  });
});
