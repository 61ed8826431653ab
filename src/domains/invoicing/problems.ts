import { AppError } from '../../lib/errors.ts';
import type { validateFiscalData } from './cfdi/index.ts';
import type { InvoiceRecord } from './repository.ts';

/** FISCAL_DATA_INVALID with each field's Spanish and English message. */
export function fiscalProblem(issues: ReturnType<typeof validateFiscalData>): AppError {
  return new AppError('FISCAL_DATA_INVALID', {
    errors: issues.map((i) => ({
      field: `body/${i.field}`,
      message: i.en,
      localised: { es: i.es, en: i.en },
    })),
    extensions: { fields: issues.map((i) => ({ field: i.field, code: i.code })) },
  });
}

/** INVOICE_HAS_CREDIT_NOTES naming each one (`NC-3`, its UUID once stamped). */
export function creditNotesInForce(notes: InvoiceRecord[]): AppError {
  const names = notes.map((n) => `${n.series}-${n.folio}`).join(', ');
  return new AppError('INVOICE_HAS_CREDIT_NOTES', {
    localisedDetail: {
      es: `Esta factura tiene notas de crédito vigentes (${names}). El SAT no permite cancelarla hasta cancelar antes esas notas de crédito.`,
      en: `This invoice has credit notes in force (${names}). The SAT does not allow cancelling it until those credit notes are cancelled first.`,
    },
    extensions: {
      creditNotes: notes.map((n) => ({
        id: n.id,
        series: n.series,
        folio: n.folio,
        uuid: n.uuid,
        status: n.status,
      })),
    },
  });
}
