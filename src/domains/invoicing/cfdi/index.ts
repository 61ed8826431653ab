/**
 * The CFDI 4.0 core's public surface, for the invoicing service the lead builds on it: pure
 * builders and checks, the seal, and the PAC port with its sandbox adapter. No routes, no tables.
 */
export { amountInWords } from './amount-words.ts';
export { assertSplit, ivaBounds, pesos, refundSplit, type Split, sumSplits } from './amounts.ts';
export {
  CANCELLATION_REASONS,
  type CancellationReason,
  CFDI_USES,
  FISCAL_REGIMES,
  PRODUCT,
  PUBLIC_NAME,
  RFC_FOREIGN,
  RFC_PUBLIC,
} from './catalogues.ts';
export { type Csd, type CsdSource, loadCsd } from './csd.ts';
export {
  buildCreditNote,
  buildGlobalInvoice,
  buildInvoice,
  cfdiDate,
  type Numbering,
  type Period,
  predominantPaymentForm,
  type RelatedDocument,
} from './documents.ts';
export { CfdiError, type CfdiErrorCode } from './errors.ts';
export {
  allowedUses,
  type FiscalIssue,
  normalizeFiscalData,
  regimeApplies,
  validateFiscalData,
} from './fiscal-data.ts';
export { type PreparedIssuer, prepareIssuer } from './issuer.ts';
export type { ChargeLine, Comprobante, FiscalData, Issuer, PaymentForm } from './model.ts';
export { originalString, tfdOriginalString } from './original-string.ts';
export type { Cancellation, CancelRequest, PacPort, Stamp, StampRequest } from './pac.ts';
export { createPac, type PacSettings } from './pacs.ts';
export { checkRfc } from './rfc.ts';
export { memorySandboxStore, SandboxPac, type SandboxPacStore, type SandboxRecord } from './sandbox-pac.ts';
export { type SealedDocument, sealComprobante, verifyText } from './seal.ts';
export { checkCancelRequest, SwPac, type SwPacOptions } from './sw-pac.ts';
export { verificationUrl } from './verification.ts';
