import type { InvoiceRecord } from './repository.ts';

export const DEMO_NOTICE = {
  es: 'Sin validez fiscal: documento de demostración, sellado con el certificado de prueba del SAT o timbrado por el PAC de pruebas.',
  en: 'No fiscal validity: a demo document, sealed with the SAT’s test certificate or stamped by the sandbox PAC.',
};

/** The other end of a substitution (TipoRelacion 04): the document and its state now. */
export interface SubstitutionLink {
  id: string;
  series: string;
  folio: number;
  uuid: string | null;
  status: InvoiceView['status'];
}

export interface InvoiceView {
  id: string;
  type: 'I' | 'E';
  kind: 'invoice' | 'global' | 'credit_note';
  series: string;
  folio: number;
  status: 'draft' | 'stamped' | 'cancelling' | 'cancelled' | 'rejected';
  uuid: string | null;
  membershipId: string | null;
  chargeIds: string[];
  refundId: string | null;
  period: string | null;
  receiver: { rfc: string; name: string; fiscalRegime: string; postalCode: string; cfdiUse: string };
  baseCentavos: number;
  ivaCentavos: number;
  totalCentavos: number;
  paymentForm: string;
  relatedInvoiceId: string | null;
  relatedUuid: string | null;
  demo: boolean;
  notice: string | null;
  pac: string;
  cancellation: { reason: string; substituteUuid: string | null; cancelledAt: string } | null;
  /** The document this one substitutes ("Sustituye a …"). */
  substitutes: SubstitutionLink | null;
  /** The document that substitutes this one ("Sustituida por …"). */
  substitutedBy: SubstitutionLink | null;
  createdAt: string;
  stampedAt: string | null;
  links: { self: string; xml: string | null; pdf: string | null };
}

export function substitutionLink(r: InvoiceRecord | undefined): SubstitutionLink | null {
  return r
    ? { id: r.id, series: r.series, folio: r.folio, uuid: r.uuid, status: r.status as InvoiceView['status'] }
    : null;
}

export function presentInvoice(
  r: InvoiceRecord,
  chargeIds: string[],
  substitution: { substitutes?: InvoiceRecord | undefined; substitutedBy?: InvoiceRecord | undefined } = {},
): InvoiceView {
  return {
    id: r.id,
    type: r.type as InvoiceView['type'],
    kind: r.kind as InvoiceView['kind'],
    series: r.series,
    folio: r.folio,
    status: r.status as InvoiceView['status'],
    uuid: r.uuid,
    membershipId: r.membershipId,
    chargeIds,
    refundId: r.refundId,
    period: r.periodKey,
    receiver: r.receiver,
    baseCentavos: r.baseCentavos,
    ivaCentavos: r.ivaCentavos,
    totalCentavos: r.totalCentavos,
    paymentForm: r.paymentForm,
    relatedInvoiceId: r.relatedInvoiceId,
    relatedUuid: r.relatedUuid,
    demo: r.demo,
    notice: r.demo ? DEMO_NOTICE.es : null,
    pac: r.pac,
    cancellation:
      r.cancelledAt && r.cancellationReason
        ? {
            reason: r.cancellationReason,
            substituteUuid: r.substituteUuid,
            cancelledAt: r.cancelledAt.toISOString(),
          }
        : null,
    substitutes: substitutionLink(substitution.substitutes),
    substitutedBy: substitutionLink(substitution.substitutedBy),
    createdAt: r.createdAt.toISOString(),
    stampedAt: r.stampedAt?.toISOString() ?? null,
    links: {
      self: `/v1/invoices/${r.id}`,
      xml: r.uuid ? `/v1/invoices/${r.id}/xml` : null,
      pdf: r.uuid ? `/v1/invoices/${r.id}/pdf` : null,
    },
  };
}
