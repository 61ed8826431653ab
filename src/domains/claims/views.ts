import type { CaseRow } from '../cases/repository.ts';
import type { CaseDocumentView, ClaimView } from '../cases/views.ts';
import type { CaseDocumentMeta } from './repository.ts';

export function presentDocument(d: CaseDocumentMeta): CaseDocumentView {
  return {
    id: d.id,
    filename: d.filename,
    contentType: d.contentType,
    sizeBytes: d.sizeBytes,
    sha256: d.sha256,
    uploadedBy: d.uploadedBy,
    uploadedAt: d.uploadedAt.toISOString(),
  };
}

/** The claim as the case shows it: documents only when the case is read one at a time. */
export function presentClaim(c: CaseRow, documents: CaseDocumentMeta[] | null): ClaimView {
  const details = c.details as {
    withdrawal?: { amountCentavos?: number; at?: string; atm?: string };
    cardDailyAtmMaximumCentavos?: number;
  };
  return {
    requestedCentavos: details.withdrawal?.amountCentavos ?? null,
    cardDailyAtmMaximumCentavos: details.cardDailyAtmMaximumCentavos ?? null,
    withdrawal: { at: details.withdrawal?.at ?? null, atm: details.withdrawal?.atm ?? null },
    approvedCentavos: c.approvedCentavos,
    payoutReference: c.payoutReference,
    ...(documents ? { documents: documents.map(presentDocument) } : {}),
  };
}
