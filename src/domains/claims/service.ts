import { createHash } from 'node:crypto';
import type { Database, Transaction } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { type Actor, isStaff, SYSTEM_ACTOR } from '../../platform/principal.ts';
import type { CaseKernel } from '../cases/kernel.ts';
import type { CaseRow } from '../cases/repository.ts';
import type { CaseDocumentView, CaseView } from '../cases/views.ts';
import { cardTokenOf } from '../members/read-model.ts';
import type { PaymentGateway } from '../payments/gateway.ts';
import { approvedAmount, type ClaimDetails, claimDetailsOf } from './details.ts';
import './errors.ts';
import type { CaseDocumentRow, ClaimsRepository } from './repository.ts';
import { presentDocument } from './views.ts';

/** What a document may be, and the bytes each kind starts with. */
export const DOCUMENT_SIGNATURES: Readonly<Record<string, readonly number[]>> = {
  'application/pdf': [0x25, 0x50, 0x44, 0x46, 0x2d], // %PDF-
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
};
export const DOCUMENT_TYPES = Object.keys(DOCUMENT_SIGNATURES);
/** 5 MB: a phone photo of a police report or a scanned PDF fits. */
export const DOCUMENT_MAX_BYTES = 5_242_880;
/** Enough for a report, receipts and a statement; keeps one claim from filling the database. */
export const DOCUMENT_MAX_PER_CASE = 10;

/** The media type without parameters, lower-cased (`application/pdf; x=y` → `application/pdf`). */
export function mediaTypeOf(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** True when `content` starts with the signature of the declared type. */
export function matchesSignature(contentType: string, content: Buffer): boolean {
  const signature = DOCUMENT_SIGNATURES[contentType];
  return !!signature && content.length > signature.length && signature.every((b, i) => content[i] === b);
}

export interface ReviewInput {
  decision: 'approve' | 'reject';
  approvedCentavos?: number | undefined;
  reason: string;
}

/**
 * Reimbursement claims (the ATM robbery): evidence filed with the case, the review, and the payout
 * to the membership's card. Opening a claim is `CasesService.request`, which reserves the year's
 * use at filing (`ClaimFulfilment.opened`); this service acts on the same case through the kernel.
 */
export class ClaimsService {
  constructor(
    private readonly db: Database,
    private readonly cases: CaseKernel,
    private readonly repository: ClaimsRepository,
    private readonly payments: PaymentGateway,
    private readonly clock: Clock,
  ) {}

  private claimOf(kase: CaseRow): ClaimDetails {
    if (kase.fulfilment !== 'reimbursement') throw new AppError('CASE_NOT_A_CLAIM');
    return claimDetailsOf(kase.details);
  }

  /** Providers and partners never read evidence; a customer reads only their own. */
  private async readable(tx: Transaction, actor: Actor, caseId: string): Promise<CaseRow> {
    const kase = await this.cases.find(tx, caseId);
    if (!kase) throw new AppError('CASE_NOT_FOUND');
    const p = actor.principal;
    if (p?.kind === 'api_key') throw new AppError('DOCUMENT_NOT_FOUND');
    await this.cases.authorize(tx, actor, kase);
    this.claimOf(kase);
    return kase;
  }

  /** Files a document with an open claim, after checking its bytes are what it says it is. */
  async addDocument(
    actor: Actor,
    caseId: string,
    file: { filename: string; contentType: string; content: Buffer },
  ): Promise<CaseDocumentView> {
    if (!DOCUMENT_TYPES.includes(file.contentType))
      throw new AppError('DOCUMENT_TYPE_NOT_ALLOWED', { extensions: { allowed: DOCUMENT_TYPES } });
    if (file.content.length > DOCUMENT_MAX_BYTES)
      throw new AppError('DOCUMENT_TOO_LARGE', { extensions: { maxBytes: DOCUMENT_MAX_BYTES } });
    return this.db.transaction(async (tx) => {
      const kase = await this.cases.lock(tx, caseId);
      await this.cases.authorize(tx, actor, kase);
      this.claimOf(kase);
      if (kase.state !== 'under_review')
        throw new AppError('CLAIM_NOT_UNDER_REVIEW', { extensions: { state: kase.state } });
      if (!matchesSignature(file.contentType, file.content))
        throw new AppError('DOCUMENT_CONTENT_MISMATCH', { extensions: { declared: file.contentType } });
      if ((await this.repository.countDocuments(tx, caseId)) >= DOCUMENT_MAX_PER_CASE)
        throw new AppError('DOCUMENT_LIMIT_REACHED', { extensions: { max: DOCUMENT_MAX_PER_CASE } });
      const row: CaseDocumentRow = {
        id: newId(),
        caseId,
        filename: file.filename,
        contentType: file.contentType,
        sizeBytes: file.content.length,
        sha256: createHash('sha256').update(file.content).digest('hex'),
        content: file.content,
        uploadedBy: actor.principal?.name ?? 'Libra',
        uploadedAt: this.clock.now(),
      };
      await this.repository.insertDocument(tx, row);
      await this.cases.append(tx, actor, kase, 'document_added', 'under_review', null, {
        documentId: row.id,
        filename: row.filename,
        contentType: row.contentType,
        sizeBytes: row.sizeBytes,
      });
      await this.cases.auditAction(tx, actor, 'case.document.upload', caseId, { documentId: row.id });
      return presentDocument(row);
    });
  }

  async listDocuments(actor: Actor, caseId: string): Promise<CaseDocumentView[]> {
    return this.db.transaction(async (tx) => {
      await this.readable(tx, actor, caseId);
      await this.cases.auditAction(tx, actor, 'case.document.list', caseId);
      return (await this.repository.documentsOf(tx, caseId)).map(presentDocument);
    });
  }

  /** The document's bytes; a staff read is in the audit log. */
  async readDocument(actor: Actor, caseId: string, documentId: string): Promise<CaseDocumentRow> {
    return this.db.transaction(async (tx) => {
      await this.readable(tx, actor, caseId);
      const document = await this.repository.document(tx, caseId, documentId);
      if (!document) throw new AppError('DOCUMENT_NOT_FOUND');
      await this.cases.auditAction(tx, actor, 'case.document.read', caseId, {
        documentId,
        filename: document.filename,
      });
      return document;
    });
  }

  /**
   * Approves or rejects a claim under review. Rejecting gives the use back and closes the case.
   * Approving needs evidence, confirms the use and fixes the amount (never above the withdrawal
   * nor the card's 24-hour maximum); then the amount is paid to the membership's card, outside the
   * transaction, and the case is closed as paid. If the payout fails the case stays `approved`, and
   * approving it again retries the payout with the same idempotency key (nothing is paid twice).
   */
  async review(actor: Actor, caseId: string, input: ReviewInput): Promise<CaseView> {
    const staff = isStaff(actor.principal);
    const outcome = await this.db.transaction(async (tx): Promise<{ view: CaseView } | { pay: CaseRow }> => {
      const kase = await this.cases.lock(tx, caseId);
      await this.cases.authorize(tx, actor, kase);
      const claim = this.claimOf(kase);
      if (kase.state === 'approved' && input.decision === 'approve') return { pay: kase };
      if (kase.state !== 'under_review' || !kase.reservationId)
        throw new AppError('CLAIM_NOT_UNDER_REVIEW', { extensions: { state: kase.state } });
      const now = this.clock.now();
      if (input.decision === 'reject') {
        await this.cases.releaseUse(tx, kase, 'claim_rejected');
        await this.cases.update(tx, caseId, {
          state: 'rejected',
          closedAt: now,
          closeReason: 'rejected',
          updatedAt: now,
        });
        await this.cases.append(tx, actor, kase, 'rejected', 'rejected', input.reason, { useReleased: true });
        await this.cases.messages.toTitular(tx, kase, {
          kind: 'claim_rejected',
          params: { reason: input.reason },
          event: 'claim_rejected',
        });
        await this.cases.auditAction(tx, actor, 'case.claim.reject', caseId);
        return { view: await this.cases.viewAfter(tx, caseId, staff) };
      }
      if ((await this.repository.countDocuments(tx, caseId)) === 0)
        throw new AppError('CLAIM_EVIDENCE_REQUIRED');
      const amount = approvedAmount(claim, input.approvedCentavos);
      await this.cases.confirmUse(tx, kase);
      await this.cases.update(tx, caseId, {
        state: 'approved',
        approvedCentavos: amount,
        updatedAt: now,
      });
      await this.cases.append(tx, actor, kase, 'approved', 'approved', input.reason, {
        requestedCentavos: claim.withdrawal.amountCentavos,
        cardDailyAtmMaximumCentavos: claim.cardDailyAtmMaximumCentavos,
        approvedCentavos: amount,
        cappedAtCardMaximum: claim.withdrawal.amountCentavos > claim.cardDailyAtmMaximumCentavos,
        useConfirmed: true,
      });
      await this.cases.messages.toTitular(tx, kase, {
        kind: 'claim_approved',
        params: { amountCentavos: amount },
        event: 'claim_approved',
      });
      await this.cases.auditAction(tx, actor, 'case.claim.approve', caseId, { approvedCentavos: amount });
      return { pay: await this.cases.lock(tx, caseId) };
    });
    if ('view' in outcome) return outcome.view;
    return this.payOut(outcome.pay, staff);
  }

  /** Pays the approved amount to the membership's card and closes the case as paid. */
  private async payOut(kase: CaseRow, staff: boolean): Promise<CaseView> {
    const cardToken = await cardTokenOf(this.db, kase.membershipId);
    if (!cardToken || !kase.approvedCentavos) throw new Error(`claim ${kase.id} cannot be paid out`);
    const payout = await this.payments.payout({
      cardToken,
      amountCentavos: kase.approvedCentavos,
      idempotencyKey: `claim:${kase.id}`,
      description: `Reembolso ${kase.number}: retiro protegido en cajero`,
    });
    return this.db.transaction(async (tx) => {
      const locked = await this.cases.lock(tx, kase.id);
      if (locked.state === 'approved') {
        const now = this.clock.now();
        await this.cases.update(tx, kase.id, {
          state: 'paid',
          payoutReference: payout.id,
          completedAt: now,
          closedAt: now,
          closeReason: 'paid',
          updatedAt: now,
        });
        await this.cases.append(tx, SYSTEM_ACTOR, locked, 'paid', 'paid', null, {
          payoutReference: payout.id,
          amountCentavos: payout.amountCentavos,
        });
        await this.cases.messages.toTitular(tx, locked, {
          kind: 'claim_paid',
          params: { amountCentavos: payout.amountCentavos },
          event: 'claim_paid',
        });
      }
      return this.cases.viewAfter(tx, kase.id, staff);
    });
  }
}
