import type { Static } from '@sinclair/typebox';
import { DateTime } from 'luxon';
import { MEXICO_CITY } from '../../lib/clock.ts';
import type { ChargeAttemptRecord, ChargeRecord } from './charges-repository.ts';
import { bankDeclineLabels } from './direct-debit-files.ts';
import type { RefundRecord } from './refunds-repository.ts';
import type { BillingRunRecord } from './runs-repository.ts';
import type { ChargeView as ChargeSchema, RefundView as RefundSchema, RunView } from './schemas.ts';

export type ChargeView = Static<typeof ChargeSchema>;
export type RefundView = Static<typeof RefundSchema>;
export type BillingRunView = Static<typeof RunView>;

/** How a decline reads to a customer or an agent. */
export const DECLINE_LABELS: Record<string, { es: string; en: string }> = {
  card_declined: { es: 'Tarjeta rechazada por el banco', en: 'Card declined by the bank' },
  insufficient_funds: { es: 'Fondos insuficientes', en: 'Insufficient funds' },
  expired_card: { es: 'Tarjeta vencida', en: 'Card expired' },
  // The bank's reasons of a rejected direct debit (`bank_03`: docs/bank-files.md).
  ...bankDeclineLabels(),
};

export const STATUS_LABELS: Record<string, { es: string; en: string }> = {
  pending: { es: 'En proceso', en: 'Processing' },
  succeeded: { es: 'Pagado', en: 'Paid' },
  failed: { es: 'Rechazado', en: 'Declined' },
  unknown: { es: 'En verificación con el banco', en: 'Being confirmed with the bank' },
  collecting: { es: 'En cobro por domiciliación', en: 'Being collected by direct debit' },
};

export function presentRefund(r: RefundRecord): RefundView {
  return {
    id: r.id,
    chargeId: r.chargeId,
    amountCentavos: r.amountCentavos,
    reason: r.reason,
    status: r.status as RefundView['status'],
    failureReason: r.failureReason,
    createdAt: r.createdAt.toISOString(),
    completedAt: r.completedAt?.toISOString() ?? null,
  };
}

function periodLabel(startsAt: Date, endsAt: Date): { es: string; en: string } {
  const from = DateTime.fromJSDate(startsAt, { zone: MEXICO_CITY });
  // The period's end is exclusive: its last covered day is the day before.
  const to = DateTime.fromJSDate(endsAt, { zone: MEXICO_CITY }).minus({ milliseconds: 1 });
  return {
    es: `${from.setLocale('es-MX').toFormat('d LLL yyyy')} – ${to.setLocale('es-MX').toFormat('d LLL yyyy')}`,
    en: `${from.setLocale('en').toFormat('d LLL yyyy')} – ${to.setLocale('en').toFormat('d LLL yyyy')}`,
  };
}

export function presentCharge(
  c: ChargeRecord,
  attempts: ChargeAttemptRecord[],
  refunds: RefundRecord[],
  membershipNumber: string,
): ChargeView {
  const period = {
    key: c.periodKey,
    startsAt: c.periodStartsAt.toISOString(),
    endsAt: c.periodEndsAt.toISOString(),
    label: periodLabel(c.periodStartsAt, c.periodEndsAt),
  };
  const card = { brand: c.cardBrand, last4: c.cardLast4 };
  const amount = {
    totalCentavos: c.amountCentavos,
    baseCentavos: c.baseCentavos,
    ivaCentavos: c.ivaCentavos,
    currency: 'MXN' as const,
  };
  return {
    id: c.id,
    membershipId: c.membershipId,
    membershipNumber,
    period,
    amount,
    method: c.method as ChargeView['method'],
    card,
    status: c.status as ChargeView['status'],
    statusLabel: STATUS_LABELS[c.status] ?? { es: c.status, en: c.status },
    declineCode: c.declineCode,
    declineLabel: c.declineCode ? (DECLINE_LABELS[c.declineCode] ?? null) : null,
    attempts: attempts.map((a) => ({
      number: a.number,
      status: a.status,
      declineCode: a.declineCode,
      cardLast4: a.cardLast4,
      at: a.at.toISOString(),
    })),
    retryAt: c.retryAt?.toISOString() ?? null,
    paidAt: c.paidAt?.toISOString() ?? null,
    refundedCentavos: c.refundedCentavos,
    refunds: refunds.map(presentRefund),
    // A receipt exists once the money was collected.
    receipt:
      c.status === 'succeeded' && c.paidAt && c.receiptFolio
        ? {
            folio: c.receiptFolio,
            issuedAt: c.paidAt.toISOString(),
            description: {
              es: `Asistencia Libra Plus, membresía ${membershipNumber}, periodo ${period.label.es}`,
              en: `Asistencia Libra Plus, membership ${membershipNumber}, period ${period.label.en}`,
            },
            ...amount,
            ivaRatePercent: 16 as const,
            card,
            period,
            cfdi: {
              receiverRfc: c.receiverRfc,
              receiverName: c.receiverName,
              receiverFiscalRegime: c.receiverFiscalRegime,
              cfdiUse: c.cfdiUse,
              paymentForm: c.paymentForm as '04' | '28',
              paymentMethod: 'PUE' as const,
              currency: 'MXN' as const,
            },
          }
        : null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function presentRun(r: BillingRunRecord): BillingRunView {
  return {
    id: r.id,
    at: r.at.toISOString(),
    trigger: r.trigger,
    status: r.status as BillingRunView['status'],
    summary: r.summary,
    error: r.error,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}
