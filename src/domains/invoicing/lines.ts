import type { ChargeForInvoice } from '../billing/read-model.ts';
import type { ChargeLine, PaymentForm } from './cfdi/index.ts';

const MONTHS = [
  'enero',
  'febrero',
  'marzo',
  'abril',
  'mayo',
  'junio',
  'julio',
  'agosto',
  'septiembre',
  'octubre',
  'noviembre',
  'diciembre',
];

/** A charge as a CFDI concept: its stored split, the membership's number and period as reference. */
export function chargeLine(charge: ChargeForInvoice, membershipNumber: string): ChargeLine {
  const [year, month] = charge.periodKey.split('-');
  return {
    reference: `${membershipNumber}-${charge.periodKey}`,
    description: `Membresía Libra, mensualidad de ${MONTHS[Number(month) - 1] ?? month} ${year}`,
    base: charge.baseCentavos,
    iva: charge.ivaCentavos,
    total: charge.amountCentavos,
    paymentForm: charge.paymentForm as PaymentForm,
  };
}
