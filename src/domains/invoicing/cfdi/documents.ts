/**
 * Builders for the three documents Libra emits, from stored charges and refunds (centavos, stored
 * split). Series and folio come from the caller, which owns the numbering.
 * - invoice: Ingreso to a customer, one concept per charge.
 * - global invoice: Ingreso to PUBLICO EN GENERAL for a month's charges nobody invoiced.
 * - credit note: Egreso for a refund, related (TipoRelacion 01) to the invoice or global invoice.
 * An invoice or global invoice may substitute an earlier one (`replaces`: TipoRelacion 04).
 */
import { DateTime } from 'luxon';
import { MEXICO_CITY } from '../../../lib/clock.ts';
import { assertSplit, type Split, sumSplits } from './amounts.ts';
import { CFDI_USES, PRODUCT, PUBLIC_NAME, RFC_PUBLIC } from './catalogues.ts';
import { CfdiError } from './errors.ts';
import { normalizeFiscalData, validateFiscalData } from './fiscal-data.ts';
import type {
  ChargeLine,
  Comprobante,
  Concept,
  FiscalData,
  GlobalInformation,
  Issuer,
  PaymentForm,
} from './model.ts';
import { attributeText } from './text.ts';

export interface Numbering {
  serie: string;
  folio: string;
  issuedAt: Date;
  /** The expedition place's time zone; Fecha is its local time. */
  zone?: string;
}

/** The SAT's t_FechaH: local time of the expedition place, no offset. */
export function cfdiDate(instant: Date, zone = MEXICO_CITY): string {
  return DateTime.fromJSDate(instant, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
}

const UUID = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/i;

function header(issuer: Issuer, n: Numbering) {
  return {
    serie: attributeText(n.serie, 'Serie', 25),
    folio: attributeText(n.folio, 'Folio', 40),
    fecha: cfdiDate(n.issuedAt, n.zone),
    metodoPago: 'PUE' as const,
    lugarExpedicion: issuer.postalCode,
    emisor: {
      rfc: issuer.rfc,
      nombre: attributeText(issuer.name, 'Emisor.Nombre', 300),
      regimenFiscal: issuer.fiscalRegime,
    },
  };
}

function membershipConcept(charge: ChargeLine, index: number): Concept {
  assertSplit(charge, `Concepto ${index + 1}`);
  return {
    claveProdServ: PRODUCT.membership.claveProdServ,
    noIdentificacion: attributeText(charge.reference, 'NoIdentificacion', 100),
    claveUnidad: PRODUCT.membership.claveUnidad,
    unidad: PRODUCT.membership.unidad,
    descripcion: attributeText(charge.description, 'Descripcion', 1000),
    split: { base: charge.base, iva: charge.iva, total: charge.total },
  };
}

function receiverOf(data: FiscalData) {
  const issues = validateFiscalData(data);
  const first = issues[0];
  if (first) throw new CfdiError('CFDI_FISCAL_DATA_INVALID', first.es, first.field);
  const r = normalizeFiscalData(data);
  return {
    rfc: r.rfc,
    nombre: attributeText(r.name, 'Receptor.Nombre', 300),
    domicilioFiscal: r.postalCode,
    regimenFiscal: r.fiscalRegime,
    usoCfdi: r.cfdiUse,
  };
}

function oneForm(charges: readonly ChargeLine[]): PaymentForm {
  const forms = new Set(charges.map((c) => c.paymentForm));
  const [form] = forms;
  if (forms.size !== 1 || !form) {
    throw new CfdiError(
      'CFDI_DOCUMENT_INVALID',
      'Los cargos de una factura deben tener la misma forma de pago',
      'FormaPago',
    );
  }
  return form;
}

function totalsOf(conceptos: readonly Concept[]): Split {
  return sumSplits(conceptos.map((c) => c.split));
}

/**
 * CfdiRelacionados TipoRelacion 04 ("Sustitución de los CFDI previos") naming the CFDI this one
 * replaces: the substitute the SAT asks for when the original is cancelled with reason 01.
 */
function substitution(replaces: string | undefined): Pick<Comprobante, 'relacionados'> {
  if (replaces === undefined) return {};
  if (!UUID.test(replaces)) {
    throw new CfdiError(
      'CFDI_DOCUMENT_INVALID',
      'El UUID del comprobante sustituido no es válido',
      'CfdiRelacionado',
    );
  }
  return { relacionados: { tipoRelacion: '04', uuids: [replaces.toUpperCase()] } };
}

/** An Ingreso invoice to a customer for one or more paid charges (one concept each). */
export function buildInvoice(input: {
  issuer: Issuer;
  receiver: FiscalData;
  charges: readonly ChargeLine[];
  numbering: Numbering;
  /** The UUID of the invoice this one substitutes (TipoRelacion 04). */
  replaces?: string;
}): Comprobante {
  if (input.charges.length === 0)
    throw new CfdiError('CFDI_DOCUMENT_INVALID', 'La factura necesita al menos un cargo');
  const conceptos = input.charges.map(membershipConcept);
  return {
    kind: 'invoice',
    tipo: 'I',
    ...header(input.issuer, input.numbering),
    formaPago: oneForm(input.charges),
    ...substitution(input.replaces),
    receptor: receiverOf(input.receiver),
    conceptos,
    totals: totalsOf(conceptos),
  };
}

/**
 * The form of payment of a global invoice whose charges were paid in different ways: the one that
 * paid the greatest amount (the SAT's rule for one payment made with several forms); ties go to
 * credit card, the program's usual form.
 */
export function predominantPaymentForm(charges: readonly ChargeLine[]): PaymentForm {
  const sums = new Map<PaymentForm, number>();
  for (const c of charges) sums.set(c.paymentForm, (sums.get(c.paymentForm) ?? 0) + c.total);
  return (['04', '28'] as const).reduce(
    (best, f) => ((sums.get(f) ?? 0) > (sums.get(best) ?? 0) ? f : best),
    '04',
  );
}

export interface Period {
  year: number;
  /** 1…12 */
  month: number;
}

function globalInformation(period: Period): GlobalInformation {
  if (
    !Number.isInteger(period.month) ||
    period.month < 1 ||
    period.month > 12 ||
    !Number.isInteger(period.year)
  ) {
    throw new CfdiError(
      'CFDI_DOCUMENT_INVALID',
      'El periodo de la factura global no es válido',
      'InformacionGlobal',
    );
  }
  return { periodicidad: '04', meses: String(period.month).padStart(2, '0'), anio: period.year };
}

function publicReceiver(issuer: Issuer) {
  return {
    rfc: RFC_PUBLIC,
    nombre: PUBLIC_NAME,
    domicilioFiscal: issuer.postalCode,
    regimenFiscal: '616',
    usoCfdi: 'S01',
  };
}

/**
 * The monthly global invoice to PUBLICO EN GENERAL: one concept per charge, as the SAT's guide
 * for the global invoice prescribes (ClaveProdServ 01010101, ClaveUnidad ACT, "Venta",
 * NoIdentificacion = the charge's number).
 */
export function buildGlobalInvoice(input: {
  issuer: Issuer;
  charges: readonly ChargeLine[];
  period: Period;
  numbering: Numbering;
  /** Defaults to the predominant form of the charges. */
  paymentForm?: PaymentForm;
  /** The UUID of the global invoice this one substitutes (TipoRelacion 04). */
  replaces?: string;
}): Comprobante {
  if (input.charges.length === 0) {
    throw new CfdiError('CFDI_DOCUMENT_INVALID', 'La factura global necesita al menos un cargo');
  }
  const conceptos = input.charges.map((charge, index): Concept => {
    assertSplit(charge, `Concepto ${index + 1}`);
    return {
      claveProdServ: PRODUCT.globalSale.claveProdServ,
      noIdentificacion: attributeText(charge.reference, 'NoIdentificacion', 100),
      claveUnidad: PRODUCT.globalSale.claveUnidad,
      descripcion: PRODUCT.globalSale.descripcion,
      split: { base: charge.base, iva: charge.iva, total: charge.total },
    };
  });
  return {
    kind: 'global-invoice',
    tipo: 'I',
    ...header(input.issuer, input.numbering),
    formaPago: input.paymentForm ?? predominantPaymentForm(input.charges),
    informacionGlobal: globalInformation(input.period),
    ...substitution(input.replaces),
    receptor: publicReceiver(input.issuer),
    conceptos,
    totals: totalsOf(conceptos),
  };
}

export type RelatedDocument =
  | { kind: 'invoice'; uuid: string; receiver: FiscalData }
  | { kind: 'global-invoice'; uuid: string; period: Period };

/**
 * The credit note (Egreso) for a refund: TipoRelacion 01 to the stamped invoice or global invoice
 * that held the charge, the refunded amount with its IVA, the original's form of payment, PUE.
 * A customer's credit note uses G02 when the customer's regime allows it, S01 otherwise.
 */
export function buildCreditNote(input: {
  issuer: Issuer;
  related: RelatedDocument;
  refund: { reference: string; description: string; split: Split; paymentForm: PaymentForm };
  numbering: Numbering;
}): Comprobante {
  const { related, refund } = input;
  if (!UUID.test(related.uuid)) {
    throw new CfdiError(
      'CFDI_DOCUMENT_INVALID',
      'El UUID del comprobante relacionado no es válido',
      'CfdiRelacionado',
    );
  }
  assertSplit(refund.split, 'Reembolso');
  const concept: Concept = {
    claveProdServ: PRODUCT.creditNote.claveProdServ,
    noIdentificacion: attributeText(refund.reference, 'NoIdentificacion', 100),
    claveUnidad: PRODUCT.creditNote.claveUnidad,
    unidad: PRODUCT.creditNote.unidad,
    descripcion: attributeText(refund.description, 'Descripcion', 1000),
    split: refund.split,
  };
  let receptor: Comprobante['receptor'];
  let informacionGlobal: GlobalInformation | undefined;
  if (related.kind === 'invoice') {
    const regime = related.receiver.fiscalRegime.trim();
    const usoCfdi = CFDI_USES.G02?.regimes.includes(regime) ? 'G02' : 'S01';
    receptor = receiverOf({ ...related.receiver, cfdiUse: usoCfdi });
  } else {
    receptor = publicReceiver(input.issuer);
    informacionGlobal = globalInformation(related.period);
  }
  return {
    kind: 'credit-note',
    tipo: 'E',
    ...header(input.issuer, input.numbering),
    formaPago: refund.paymentForm,
    ...(informacionGlobal ? { informacionGlobal } : {}),
    relacionados: { tipoRelacion: '01', uuids: [related.uuid.toUpperCase()] },
    receptor,
    conceptos: [concept],
    totals: concept.split,
  };
}
