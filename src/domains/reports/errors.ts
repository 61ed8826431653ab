import { type CodesOf, defineErrors } from '../../lib/errors.ts';

export const ReportErrors = defineErrors({
  /** The report's window is not a window: `from` not before `to`, or longer than 31 days; `errors` says which. */
  REPORT_WINDOW_INVALID: {
    status: 400,
    es: 'El periodo del reporte no es válido: la fecha inicial debe ser anterior a la final y el periodo de 31 días como máximo.',
    en: 'The report period is not valid: the start must be before the end, and the period at most 31 days long.',
  },
});

declare module '../../lib/errors.ts' {
  interface ErrorCodes extends CodesOf<typeof ReportErrors> {}
}
