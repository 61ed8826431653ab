import { AppError, type CodesOf, defineErrors } from '../../lib/errors.ts';
import { CfdiError } from './cfdi/index.ts';

export const InvoicingErrors = defineErrors({
  /** No invoice or credit note with that id, or one the caller may not see. */
  INVOICE_NOT_FOUND: {
    status: 404,
    es: 'No encontramos esa factura.',
    en: 'We could not find that invoice.',
  },
  /** Only a charge that was paid is invoiced. */
  CHARGE_NOT_INVOICEABLE: {
    status: 409,
    es: 'Ese cargo no está pagado, así que todavía no se puede facturar.',
    en: 'That charge is not paid, so it cannot be invoiced yet.',
  },
  /**
   * The charge is already in the global invoice of a closed month: the SAT does not allow a second
   * invoice of the same operation (docs/invoicing.md).
   */
  CHARGE_IN_GLOBAL_INVOICE: {
    status: 409,
    es: 'Ese cargo ya se incluyó en la factura global del mes, que está cerrado; ya no se puede facturar a tu nombre.',
    en: 'That charge is already in the closed month’s global invoice; it can no longer be invoiced to your name.',
  },
  /** A charge has a receipt once it is paid (declined, pending or unconfirmed charges have none). */
  RECEIPT_NOT_AVAILABLE: {
    status: 409,
    es: 'Ese cobro no está pagado, así que todavía no tiene recibo.',
    en: 'That charge is not paid, so it has no receipt yet.',
  },
  /** The fiscal data breaks a SAT rule; `errors` names each field and what to fix. */
  FISCAL_DATA_INVALID: {
    status: 422,
    es: 'Tus datos fiscales no son válidos. Revisa los campos marcados.',
    en: 'The fiscal data is not valid. Check the listed fields.',
  },
  /** The request brought no fiscal data and the membership has none stored. */
  FISCAL_DATA_MISSING: {
    status: 422,
    es: 'Para facturar necesitamos tus datos fiscales: RFC, nombre, régimen fiscal, código postal y uso del CFDI.',
    en: 'To invoice we need the fiscal data: RFC, name, fiscal regime, postal code and CFDI use.',
  },
  /** The PAC did not answer; the invoice is kept numbered and sealed, and asking again stamps it. */
  INVOICE_STAMP_PENDING: {
    status: 503,
    es: 'El servicio de timbrado no respondió. Tu factura quedó registrada; vuelve a solicitarla en unos minutos.',
    en: 'The stamping service did not answer. The invoice is recorded; ask for it again in a few minutes.',
  },
  /** The PAC refused the document; its folio is recorded as rejected and not reused. */
  INVOICE_REJECTED: {
    status: 422,
    es: 'El servicio de timbrado rechazó la factura. Revisa los datos fiscales e inténtalo de nuevo.',
    en: 'The stamping service refused the invoice. Check the fiscal data and try again.',
  },
  /** Only a stamped invoice or credit note can be cancelled, and only once. */
  INVOICE_NOT_CANCELLABLE: {
    status: 409,
    es: 'Ese comprobante no se puede cancelar: solo se cancelan comprobantes timbrados y vigentes.',
    en: 'That document cannot be cancelled: only stamped documents in force can.',
  },
  /**
   * The SAT does not cancel a CFDI while documents related to it are in force: the credit notes of
   * its refunds (listed in `creditNotes`) are cancelled first, each on its own (docs/invoicing.md).
   */
  INVOICE_HAS_CREDIT_NOTES: {
    status: 409,
    es: 'Esta factura tiene notas de crédito vigentes. El SAT no permite cancelarla hasta cancelar antes esas notas de crédito.',
    en: 'This invoice has credit notes in force. The SAT does not allow cancelling it until those credit notes are cancelled first.',
  },
  /**
   * The PAC did not answer the cancellation: the document stays claimed (no credit note is related
   * to it); asking again, or the stamp queue, asks the PAC again with the same reason.
   */
  INVOICE_CANCEL_PENDING: {
    status: 503,
    es: 'El servicio de timbrado no respondió a la cancelación. Quedó registrada; vuelve a solicitarla en unos minutos.',
    en: 'The stamping service did not answer the cancellation. It is recorded; ask again in a few minutes.',
  },
  /** The document is being substituted: the substitution (asked again) finishes its cancellation. */
  INVOICE_SUBSTITUTION_PENDING: {
    status: 409,
    es: 'Esta factura se está sustituyendo; vuelve a solicitar la sustitución para terminarla.',
    en: 'This invoice is being substituted; ask for the substitution again to finish it.',
  },
  /**
   * A credit note is not substituted: finance cancels it (its refund gets a new one when its
   * invoice is stamped again) (docs/decisions-pending/subst.md).
   */
  CREDIT_NOTE_NOT_SUBSTITUTABLE: {
    status: 409,
    es: 'Una nota de crédito no se sustituye: cancélala con el motivo que corresponda.',
    en: 'A credit note is not substituted: cancel it with the reason that applies.',
  },
  /** A global invoice's receptor is always PUBLICO EN GENERAL: its substitute takes no fiscal data. */
  GLOBAL_INVOICE_RECEIVER_FIXED: {
    status: 422,
    es: 'La factura global siempre es a PUBLICO EN GENERAL: su sustitución no lleva datos fiscales.',
    en: 'A global invoice is always to PUBLICO EN GENERAL: its substitute takes no fiscal data.',
  },
  /** Reason 01 needs the UUID of the document that replaces it; the other reasons take none. */
  CANCELLATION_SUBSTITUTE_INVALID: {
    status: 422,
    es: 'El motivo 01 necesita el UUID del comprobante que sustituye a este; los motivos 02, 03 y 04 no llevan sustituto.',
    en: 'Reason 01 needs the UUID of the replacing document; reasons 02, 03 and 04 take none.',
  },
  /** The month of a global invoice has not ended yet. */
  GLOBAL_PERIOD_OPEN: {
    status: 422,
    es: 'La factura global de un mes se emite cuando el mes termina.',
    en: 'A month’s global invoice is issued once the month has ended.',
  },
  // The CFDI core's codes (CfdiError), as problems.
  /** An amount breaks the SAT's rules (IVA outside its bounds for the base, a refund beyond the charge). */
  CFDI_AMOUNT_INVALID: {
    status: 422,
    es: 'Un importe del comprobante no cumple las reglas del SAT.',
    en: 'An amount of the document breaks the SAT’s rules.',
  },
  /** The document could not be built as the SAT requires. */
  CFDI_DOCUMENT_INVALID: {
    status: 422,
    es: 'El comprobante no cumple las reglas del SAT.',
    en: 'The document breaks the SAT’s rules.',
  },
  /** Fiscal data refused by the core (the field is named). */
  CFDI_FISCAL_DATA_INVALID: {
    status: 422,
    es: 'Los datos fiscales no son válidos.',
    en: 'The fiscal data is not valid.',
  },
  /** The issuer's seal certificate could not be used (configuration). */
  CSD_INVALID: {
    status: 500,
    es: 'El certificado de sello del emisor no es válido.',
    en: 'The issuer’s seal certificate is not valid.',
  },
  CSD_PASSWORD_WRONG: {
    status: 500,
    es: 'La contraseña del certificado de sello no es correcta.',
    en: 'The seal certificate’s password is wrong.',
  },
  CSD_RFC_MISMATCH: {
    status: 500,
    es: 'El certificado de sello no es del RFC del emisor.',
    en: 'The seal certificate is not the issuer’s RFC’s.',
  },
  CSD_EXPIRED: {
    status: 500,
    es: 'El certificado de sello del emisor venció.',
    en: 'The issuer’s seal certificate has expired.',
  },
  CSD_KEY_MISMATCH: {
    status: 500,
    es: 'La llave no corresponde al certificado de sello.',
    en: 'The key does not match the seal certificate.',
  },
  /** The PAC refused the request as it is. */
  PAC_REJECTED: {
    status: 422,
    es: 'El servicio de timbrado rechazó la solicitud.',
    en: 'The stamping service refused the request.',
  },
  /** The PAC already stamped that document id with another content. */
  PAC_CONFLICT: {
    status: 409,
    es: 'El servicio de timbrado ya tiene ese documento con otro contenido.',
    en: 'The stamping service already holds that document with other content.',
  },
  /** The PAC does not know the UUID. */
  PAC_NOT_FOUND: {
    status: 404,
    es: 'El servicio de timbrado no conoce ese UUID.',
    en: 'The stamping service does not know that UUID.',
  },
  /** The PAC refused the operator's credentials (PAC_TOKEN, PAC_USER/PAC_PASSWORD): configuration to fix. */
  PAC_AUTH_FAILED: {
    status: 502,
    es: 'El servicio de timbrado rechazó las credenciales de Libra; avisa a sistemas.',
    en: "The stamping service refused Libra's credentials; tell the systems team.",
  },
  /** The PAC did not answer; try again later. */
  PAC_UNAVAILABLE: {
    status: 503,
    es: 'El servicio de timbrado no respondió; inténtalo más tarde.',
    en: 'The stamping service did not answer; try again later.',
  },
});

declare module '../../lib/errors.ts' {
  interface ErrorCodes extends CodesOf<typeof InvoicingErrors> {}
}

/** A CfdiError as the problem of its code, with the core's Spanish sentence and its field. */
export function problemOf(error: unknown): unknown {
  if (!(error instanceof CfdiError)) return error;
  return new AppError(error.code, {
    localisedDetail: { es: error.message, en: error.message },
    ...(error.field ? { errors: [{ field: error.field, message: error.message }] } : {}),
    cause: error,
  });
}
