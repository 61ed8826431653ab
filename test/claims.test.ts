import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, sandboxPayouts } from '../src/db/schema/index.ts';
import { cardTokenOf } from '../src/domains/members/read-model.ts';
import { buildTestApp, type TestApp } from './support/app.ts';
import { bearer, createApiKey, createUser, type Session, signIn } from './support/auth.ts';
import {
  contractByPhone,
  createProviderUser,
  registerProvider,
  towRequest,
  ZOCALO,
} from './support/dispatch.ts';
import { contractBody, tokenize } from './support/factories.ts';
import { http } from './support/http.ts';

/**
 * Reimbursement claims (protected ATM withdrawal after robbery): filed with POST /v1/cases, the
 * use reserved at filing; evidence uploaded as raw files; reviewed by a supervisor or finance;
 * paid out to the membership's card, never above the card's 24-hour ATM maximum.
 */
let t: TestApp;
let agent: Session;
let supervisor: Session;
let finance: Session;
let customer: Session;
let stranger: Session;
let provider: Session;
let partner: Record<string, string>;
let ownMembershipId: string;
const { post } = http(() => t);

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n');
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(32, 1),
]);

function claimRequest(membershipId: string, amountCentavos: number, maximumCentavos: number) {
  return {
    membershipId,
    personId: 'titular',
    serviceCode: 'atm-robbery-protection',
    place: { address: 'Cajero BBVA, Av. Juárez 10, Centro, CDMX', ...ZOCALO, stateCode: 'CMX' },
    description: 'Me obligaron a retirar efectivo en el cajero y se lo llevaron.',
    details: {
      withdrawal: {
        amountCentavos,
        at: '2026-11-25T03:10:00Z',
        atm: 'BBVA, Av. Juárez 10, Centro, CDMX',
      },
      cardDailyAtmMaximumCentavos: maximumCentavos,
    },
  };
}

async function fileClaim(
  headers: Record<string, string>,
  membershipId: string,
  amount = 500_000,
  maximum = 900_000,
) {
  const res = await post('/v1/cases', headers, claimRequest(membershipId, amount, maximum));
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function upload(
  headers: Record<string, string>,
  caseId: string,
  body: Buffer | string,
  contentType = 'application/pdf',
  filename = 'denuncia.pdf',
) {
  return t.app.inject({
    method: 'POST',
    url: `/v1/cases/${caseId}/documents?filename=${encodeURIComponent(filename)}`,
    headers: { ...headers, 'content-type': contentType },
    payload: body,
  });
}

async function ledgerStatus(membershipId: string, caseId: string) {
  const ledger = await t.services.entitlements['repository'].ofMembership(t.database.handle.db, membershipId);
  return ledger.find((r) => r.caseId === caseId)?.status;
}

beforeAll(async () => {
  t = await buildTestApp();
  agent = await signIn(t, await createUser(t, 'agent'));
  supervisor = await signIn(t, await createUser(t, 'supervisor'));
  finance = await signIn(t, await createUser(t, 'finance'));
  customer = await signIn(t, await createUser(t, 'customer'));
  stranger = await signIn(t, await createUser(t, 'customer'));
  const providerId = await registerProvider(t);
  provider = await signIn(t, await createProviderUser(t, providerId));
  partner = bearer((await createApiKey(t, 'partner', ['cases:read', 'cases:write'])).key);
  const own = await post('/v1/memberships', customer.write, contractBody(await tokenize(t)));
  expect(own.statusCode, own.body).toBe(201);
  ownMembershipId = own.json().id;
  // The stranger has a membership of their own too.
  await post('/v1/memberships', stranger.write, contractBody(await tokenize(t)));
});
afterAll(async () => t?.close());

describe('reimbursement claims', () => {
  let ownClaim: { id: string };
  let documentId: string;

  it('refuses a claim without the withdrawal or the card maximum, or one in the future', async () => {
    const body = claimRequest(ownMembershipId, 500_000, 900_000);
    const missing = await post('/v1/cases', customer.write, { ...body, details: {} });
    expect(missing.statusCode).toBe(422);
    expect(missing.json()).toMatchObject({ code: 'CLAIM_DETAILS_REQUIRED' });
    expect(missing.json().errors.map((e: { field: string }) => e.field)).toEqual([
      'body/details/withdrawal',
      'body/details/cardDailyAtmMaximumCentavos',
    ]);
    const future = await post('/v1/cases', customer.write, {
      ...body,
      details: { ...body.details, withdrawal: { ...body.details.withdrawal, at: '2026-11-26T10:00:00Z' } },
    });
    expect(future.statusCode).toBe(422);
    expect(future.json().code).toBe('CLAIM_WITHDRAWAL_IN_FUTURE');
    const malformed = await post('/v1/cases', customer.write, {
      ...body,
      details: { ...body.details, withdrawal: { amountCentavos: -5, at: 'ayer', atm: 'x' } },
    });
    expect(malformed.statusCode).toBe(400);
  });

  it('files a claim under review, holding the year’s one use', async () => {
    ownClaim = await fileClaim(customer.write, ownMembershipId, 1_200_000, 900_000);
    expect(ownClaim).toMatchObject({
      state: 'under_review',
      fulfilment: 'reimbursement',
      stateLabel: { en: 'Claim under review' },
      claim: {
        requestedCentavos: 1_200_000,
        cardDailyAtmMaximumCentavos: 900_000,
        approvedCentavos: null,
        payoutReference: null,
        documents: [],
      },
    });
    expect(await ledgerStatus(ownMembershipId, ownClaim.id)).toBe('reserved');
  });

  it('gives finance the claims to review, and no other case', async () => {
    const queue = await t.app.inject({
      method: 'GET',
      url: '/v1/cases?state=under_review',
      headers: finance.read,
    });
    expect(queue.statusCode).toBe(200);
    const kinds = queue.json().data.map((c: { fulfilment: string }) => c.fulfilment);
    expect(queue.json().data.map((c: { id: string }) => c.id)).toContain(ownClaim.id);
    expect(new Set(kinds)).toEqual(new Set(['reimbursement']));
    // Asking for another kind still gives claims only.
    const remote = await t.app.inject({
      method: 'GET',
      url: '/v1/cases?fulfilment=remote',
      headers: finance.read,
    });
    expect(remote.json().data.every((c: { fulfilment: string }) => c.fulfilment === 'reimbursement')).toBe(
      true,
    );
    const one = await t.app.inject({ method: 'GET', url: `/v1/cases/${ownClaim.id}`, headers: finance.read });
    expect(one.statusCode).toBe(200);
  });

  it('refuses a second claim in the same membership year', async () => {
    const second = await fileClaim(customer.write, ownMembershipId);
    expect(second).toMatchObject({ state: 'refused', closeReason: 'ENTITLEMENT_EXHAUSTED' });
    expect(second.claim.requestedCentavos).toBe(500_000);
  });

  it('refuses to approve a claim without evidence', async () => {
    const res = await post(`/v1/cases/${ownClaim.id}/review`, supervisor.write, {
      decision: 'approve',
      reason: 'Procede según la denuncia',
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('CLAIM_EVIDENCE_REQUIRED');
    expect(await ledgerStatus(ownMembershipId, ownClaim.id)).toBe('reserved');
  });

  it('takes a PDF or an image and refuses anything else', async () => {
    const pdf = await upload(customer.write, ownClaim.id, PDF);
    expect(pdf.statusCode, pdf.body).toBe(201);
    expect(pdf.json()).toMatchObject({
      filename: 'denuncia.pdf',
      contentType: 'application/pdf',
      sizeBytes: PDF.length,
    });
    expect(pdf.json().sha256).toMatch(/^[0-9a-f]{64}$/);
    documentId = pdf.json().id;
    const png = await upload(agent.write, ownClaim.id, PNG, 'image/png', 'cajero.png');
    expect(png.statusCode, png.body).toBe(201);

    // A text file labelled as a PDF.
    const fake = await upload(customer.write, ownClaim.id, 'esto no es un pdf, es texto');
    expect(fake.statusCode).toBe(422);
    expect(fake.headers['content-type']).toContain('application/problem+json');
    expect(fake.json().code).toBe('DOCUMENT_CONTENT_MISMATCH');
    // A JPEG label on PNG bytes.
    const mislabelled = await upload(customer.write, ownClaim.id, PNG, 'image/jpeg', 'foto.jpg');
    expect(mislabelled.json().code).toBe('DOCUMENT_CONTENT_MISMATCH');
    for (const type of ['text/plain', 'application/json', 'application/zip']) {
      const res = await upload(
        customer.write,
        ownClaim.id,
        type === 'application/json' ? '{}' : 'hola',
        type,
      );
      expect(res.statusCode, type).toBe(415);
      expect(res.json().code, type).toBe('DOCUMENT_TYPE_NOT_ALLOWED');
    }
    const noFilename = await t.app.inject({
      method: 'POST',
      url: `/v1/cases/${ownClaim.id}/documents`,
      headers: { ...customer.write, 'content-type': 'application/pdf' },
      payload: PDF,
    });
    expect(noFilename.statusCode).toBe(400);
  });

  it('refuses a document over 5 MB with 413', async () => {
    const big = Buffer.concat([PDF, Buffer.alloc(5_242_880, 0x20)]);
    const res = await upload(customer.write, ownClaim.id, big);
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'DOCUMENT_TOO_LARGE', maxBytes: 5_242_880 });
    // Exactly 5 MB is accepted.
    const exact = Buffer.concat([PDF, Buffer.alloc(5_242_880 - PDF.length, 0x20)]);
    expect(
      (await upload(customer.write, ownClaim.id, exact, 'application/pdf', 'largo.pdf')).statusCode,
    ).toBe(201);
  });

  it('serves documents to the customer and staff only, auditing staff reads', async () => {
    const url = `/v1/cases/${ownClaim.id}/documents/${documentId}`;
    const own = await t.app.inject({ method: 'GET', url, headers: customer.read });
    expect(own.statusCode).toBe(200);
    expect(own.rawPayload.equals(PDF)).toBe(true);
    expect(own.headers).toMatchObject({
      'content-type': 'application/pdf',
      'x-content-type-options': 'nosniff',
    });
    expect(own.headers['content-disposition']).toMatch(/^attachment; filename="denuncia.pdf"/);

    const staff = await t.app.inject({ method: 'GET', url, headers: finance.read });
    expect(staff.statusCode).toBe(200);
    const audited = await t.database.handle.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'case.document.read'), eq(auditLog.recordId, ownClaim.id)));
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actorRole: 'finance', details: { documentId } });

    const list = await t.app.inject({
      method: 'GET',
      url: `/v1/cases/${ownClaim.id}/documents`,
      headers: customer.read,
    });
    expect(list.json().data.map((d: { filename: string }) => d.filename)).toEqual([
      'denuncia.pdf',
      'cajero.png',
      'largo.pdf',
    ]);

    // Another customer: as if it did not exist. Providers and partners: never.
    for (const path of [url, `/v1/cases/${ownClaim.id}/documents`]) {
      const other = await t.app.inject({ method: 'GET', url: path, headers: stranger.read });
      expect(other.statusCode).toBe(404);
      expect((await t.app.inject({ method: 'GET', url: path, headers: provider.read })).statusCode).toBe(403);
      expect((await t.app.inject({ method: 'GET', url: path, headers: partner })).statusCode).toBe(403);
    }
    const strangerUpload = await upload(stranger.write, ownClaim.id, PDF);
    expect(strangerUpload.statusCode).toBe(404);
    const providerUpload = await upload(provider.write, ownClaim.id, PDF);
    expect(providerUpload.statusCode).toBe(403);
  });

  it('approves a claim above the card’s 24-hour maximum only up to it, and pays it out', async () => {
    const customerReview = await post(`/v1/cases/${ownClaim.id}/review`, customer.write, {
      decision: 'approve',
      reason: 'yo mismo',
    });
    expect(customerReview.statusCode).toBe(403);

    const res = await post(`/v1/cases/${ownClaim.id}/review`, finance.write, {
      decision: 'approve',
      reason: 'Denuncia y comprobante en orden',
    });
    expect(res.statusCode, res.body).toBe(200);
    const paid = res.json();
    expect(paid).toMatchObject({
      state: 'paid',
      stateLabel: { en: 'Reimbursement paid to your card' },
      closeReason: 'paid',
      claim: { requestedCentavos: 1_200_000, approvedCentavos: 900_000 },
    });
    expect(paid.claim.payoutReference).toMatch(/^po_sandbox_/);
    expect(paid.claim.documents).toHaveLength(3);
    expect(paid.timeline.map((e: { type: string }) => e.type)).toEqual([
      'requested',
      'under_review',
      'document_added',
      'document_added',
      'document_added',
      'approved',
      'paid',
    ]);
    expect(paid.timeline.at(-2).data).toMatchObject({ approvedCentavos: 900_000, cappedAtCardMaximum: true });

    const [payout] = await t.database.handle.db
      .select()
      .from(sandboxPayouts)
      .where(eq(sandboxPayouts.idempotencyKey, `claim:${ownClaim.id}`));
    const cardToken = await cardTokenOf(t.database.handle.db, ownMembershipId);
    expect(payout).toMatchObject({
      id: paid.claim.payoutReference,
      amountCentavos: 900_000,
      cardToken: expect.stringMatching(/^tok_sandbox_/),
    });
    expect(payout?.cardToken).toBe(cardToken);

    expect(await ledgerStatus(ownMembershipId, ownClaim.id)).toBe('confirmed');

    // Decided once: no second review, no more documents, no cancellation.
    const again = await post(`/v1/cases/${ownClaim.id}/review`, supervisor.write, {
      decision: 'reject',
      reason: 'otra vez',
    });
    expect(again.json().code).toBe('CLAIM_NOT_UNDER_REVIEW');
    expect((await upload(customer.write, ownClaim.id, PDF)).json().code).toBe('CLAIM_NOT_UNDER_REVIEW');
    const cancel = await post(`/v1/cases/${ownClaim.id}/cancel`, customer.write, { reason: 'ya no' });
    expect(cancel.json().code).toBe('CASE_NOT_CANCELLABLE');
  });

  it('pays what the reviewer approves when it is less, through the partner too', async () => {
    const membershipId = await contractByPhone(t, agent.write);
    const kase = await fileClaim(partner, membershipId, 300_000, 900_000);
    expect((await upload(partner, kase.id, PDF)).statusCode).toBe(201);
    const res = await post(`/v1/cases/${kase.id}/review`, supervisor.write, {
      decision: 'approve',
      approvedCentavos: 250_000,
      reason: 'El comprobante muestra $2,500.00',
    });
    expect(res.json()).toMatchObject({ state: 'paid', claim: { approvedCentavos: 250_000 } });
  });

  it('rejecting a claim gives the use back', async () => {
    const membershipId = await contractByPhone(t, agent.write);
    const kase = await fileClaim(agent.write, membershipId);
    const res = await post(`/v1/cases/${kase.id}/review`, supervisor.write, {
      decision: 'reject',
      reason: 'La denuncia no corresponde a un retiro en cajero',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ state: 'rejected', closeReason: 'rejected' });
    expect(res.json().timeline.at(-1)).toMatchObject({
      type: 'rejected',
      note: 'La denuncia no corresponde a un retiro en cajero',
      data: { useReleased: true },
    });
    expect(await ledgerStatus(membershipId, kase.id)).toBe('released');
    // The use is back: a new claim is taken.
    expect((await fileClaim(agent.write, membershipId)).state).toBe('under_review');
  });

  it('withdrawing a claim gives the use back too', async () => {
    const membershipId = await contractByPhone(t, agent.write);
    const kase = await fileClaim(agent.write, membershipId);
    const res = await post(`/v1/cases/${kase.id}/cancel`, agent.write, { reason: 'Recuperó el dinero' });
    expect(res.json().state).toBe('cancelled');
    expect(await ledgerStatus(membershipId, kase.id)).toBe('released');
  });

  it('takes documents and reviews only on claims', async () => {
    const membershipId = await contractByPhone(t, agent.write);
    const tow = await post('/v1/cases', agent.write, towRequest(membershipId));
    const id = tow.json().id;
    expect((await upload(agent.write, id, PDF)).json().code).toBe('CASE_NOT_A_CLAIM');
    const review = await post(`/v1/cases/${id}/review`, supervisor.write, {
      decision: 'reject',
      reason: 'no aplica',
    });
    expect(review.statusCode).toBe(409);
    expect(review.json().code).toBe('CASE_NOT_A_CLAIM');
  });
});
