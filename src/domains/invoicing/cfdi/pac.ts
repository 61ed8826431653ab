/**
 * The PAC port: what the invoicing service asks of an authorised certification provider. A
 * sandbox adapter (sandbox-pac.ts) implements it locally; a real PAC's REST adapter implements the
 * same interface. Adapters throw CfdiError: PAC_REJECTED (the document or request is wrong, do not
 * retry as is), PAC_CONFLICT (the document id was stamped with another XML), PAC_NOT_FOUND (unknown
 * UUID), PAC_AUTH_FAILED (the PAC refused our credentials: fix the configuration, retrying will
 * not help), PAC_UNAVAILABLE (timeout or outage: retry with the same documentId and XML).
 */
import type { CancellationReason } from './catalogues.ts';

export interface StampRequest {
  /**
   * The caller's stable id for the document (e.g. the invoice's id). Stamping is idempotent per
   * documentId: the same request again answers the same stamp, never a second UUID.
   */
  documentId: string;
  /** The sealed CFDI XML. */
  xml: string;
}

export interface Stamp {
  uuid: string;
  /** yyyy-MM-ddTHH:mm:ss, Mexico City. */
  fechaTimbrado: string;
  rfcProvCertif: string;
  selloCfd: string;
  noCertificadoSat: string;
  selloSat: string;
  leyenda?: string;
  /** The stamp's original string (for the printed representation). */
  originalString: string;
  /** The stamped CFDI: the request's XML with cfdi:Complemento/tfd:TimbreFiscalDigital added. */
  xml: string;
}

export interface CancelRequest {
  issuerRfc: string;
  uuid: string;
  reason: CancellationReason;
  /** Required with reason 01 (the UUID of the document that replaces it), refused otherwise. */
  substituteUuid?: string;
}

export interface Cancellation {
  uuid: string;
  status: 'cancelled';
  reason: CancellationReason;
  substituteUuid?: string;
  /** ISO instant. */
  cancelledAt: string;
}

export interface PacPort {
  /** Name shown in logs and on the document ("sandbox" marks documents without fiscal validity). */
  readonly name: string;
  stamp(request: StampRequest): Promise<Stamp>;
  cancel(request: CancelRequest): Promise<Cancellation>;
}
