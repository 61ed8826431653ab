import { type CodesOf, defineErrors } from '../../lib/errors.ts';

export const ClaimErrors = defineErrors({
  /** A reimbursement claim needs the withdrawal (amount, time, ATM) and the card's 24-hour maximum. */
  CLAIM_DETAILS_REQUIRED: {
    status: 422,
    es: 'Para reclamar el reembolso indica el retiro (monto, fecha y hora, cajero) y el monto máximo de retiro en cajero de tu tarjeta en 24 horas.',
    en: "To claim the reimbursement give the withdrawal (amount, date and time, ATM) and your card's maximum ATM withdrawal in 24 hours.",
  },
  /** The withdrawal's time is later than now. */
  CLAIM_WITHDRAWAL_IN_FUTURE: {
    status: 422,
    es: 'La fecha y hora del retiro no puede ser posterior a este momento.',
    en: 'The withdrawal’s date and time cannot be later than now.',
  },
  /** Documents and reviews are for reimbursement claims only. */
  CASE_NOT_A_CLAIM: {
    status: 409,
    es: 'Ese caso no es una reclamación de reembolso.',
    en: 'That case is not a reimbursement claim.',
  },
  /** The claim was already decided (or withdrawn): it takes no more documents or reviews. */
  CLAIM_NOT_UNDER_REVIEW: {
    status: 409,
    es: 'La reclamación ya no está en revisión.',
    en: 'The claim is no longer under review.',
  },
  /** A claim is approved only with evidence filed (the police report, the ATM receipt…). */
  CLAIM_EVIDENCE_REQUIRED: {
    status: 422,
    es: 'Para aprobar la reclamación debe tener al menos un documento (la denuncia o el comprobante).',
    en: 'A claim needs at least one document (the police report or the receipt) to be approved.',
  },
  /** Only PDF, JPEG and PNG files are taken. */
  DOCUMENT_TYPE_NOT_ALLOWED: {
    status: 415,
    es: 'Solo aceptamos documentos PDF, JPEG o PNG.',
    en: 'Only PDF, JPEG or PNG documents are accepted.',
  },
  /** The file's bytes are not of the type it was sent as (e.g. a text file sent as a PDF). */
  DOCUMENT_CONTENT_MISMATCH: {
    status: 422,
    es: 'El archivo no es un PDF, JPEG o PNG válido del tipo indicado.',
    en: 'The file is not a valid PDF, JPEG or PNG of the declared type.',
  },
  /** Documents are at most 5 MB. */
  DOCUMENT_TOO_LARGE: {
    status: 413,
    es: 'El documento supera el máximo de 5 MB.',
    en: 'The document is larger than the 5 MB maximum.',
  },
  /** A claim takes a bounded number of documents. */
  DOCUMENT_LIMIT_REACHED: {
    status: 409,
    es: 'La reclamación ya tiene el máximo de documentos permitido.',
    en: 'The claim already has the maximum number of documents.',
  },
  /** No such document on the case, or not one the caller may see. */
  DOCUMENT_NOT_FOUND: {
    status: 404,
    es: 'No encontramos ese documento.',
    en: 'We could not find that document.',
  },
});

declare module '../../lib/errors.ts' {
  interface ErrorCodes extends CodesOf<typeof ClaimErrors> {}
}
