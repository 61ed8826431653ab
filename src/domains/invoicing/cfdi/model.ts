/**
 * The CFDI 4.0 document as this project emits it: only the nodes and attributes Libra uses, amounts
 * in centavos. The XML writer (xml.ts) and the original string (original-string.ts) both read this
 * model; builders (documents.ts) make it from charges and refunds.
 */
import type { Split } from './amounts.ts';

export type PaymentForm = '04' | '28';
export type DocumentKind = 'invoice' | 'global-invoice' | 'credit-note';

/** The operator as issuer, from configuration. */
export interface Issuer {
  rfc: string;
  /** Name exactly as in the SAT's certificate of tax status, without the company type ("SA DE CV"). */
  name: string;
  fiscalRegime: string;
  /** Expedition postal code (LugarExpedicion). */
  postalCode: string;
}

/** The customer's fiscal data (Receptor). */
export interface FiscalData {
  rfc: string;
  name: string;
  fiscalRegime: string;
  postalCode: string;
  cfdiUse: string;
}

/** A paid charge as the invoice needs it: its stored split, never recomputed. */
export interface ChargeLine extends Split {
  /** The charge's id or folio: NoIdentificacion. */
  reference: string;
  /** The concept's text, e.g. "Membresía Libra Plus, mensualidad de noviembre 2026". */
  description: string;
  paymentForm: PaymentForm;
}

export interface Concept {
  claveProdServ: string;
  noIdentificacion?: string;
  claveUnidad: string;
  unidad?: string;
  descripcion: string;
  /** Cantidad is always 1: one concept per charge. */
  split: Split;
}

export interface GlobalInformation {
  periodicidad: '04';
  /** "01"…"12". */
  meses: string;
  anio: number;
}

export interface Comprobante {
  kind: DocumentKind;
  tipo: 'I' | 'E';
  serie: string;
  folio: string;
  /** Local date-time of the expedition place, yyyy-MM-ddTHH:mm:ss. */
  fecha: string;
  formaPago: PaymentForm;
  metodoPago: 'PUE';
  lugarExpedicion: string;
  informacionGlobal?: GlobalInformation;
  /** 01 a credit note's related invoice; 04 the CFDI this one substitutes (cancelled with reason 01). */
  relacionados?: { tipoRelacion: '01' | '04'; uuids: string[] };
  emisor: { rfc: string; nombre: string; regimenFiscal: string };
  receptor: {
    rfc: string;
    nombre: string;
    domicilioFiscal: string;
    regimenFiscal: string;
    usoCfdi: string;
  };
  conceptos: Concept[];
  /** Sum of the concepts: SubTotal = base, TotalImpuestosTrasladados = iva, Total = total. */
  totals: Split;
}

/** What sealing adds: the certificate's number, the certificate and the seal. */
export interface Seal {
  noCertificado: string;
  certificado: string;
  sello: string;
}
