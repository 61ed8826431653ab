import { formatDateTime } from '../../lib/clock.ts';
import { formatMoney } from '../../lib/money.ts';
import { formatPhone } from '../../lib/phone.ts';
import { formatLongDate } from '../../lib/words.ts';
import type { Delivery } from './delivery.ts';

/**
 * The access delivery as a person reads it, one model for the HTML page and the PDF: the JSON's
 * own structure (nothing left out, nothing added), with Spanish labels for the fields people
 * know, dates as words or `25 nov 2026, 14:05` in Mexico City (never ISO), money as `$218.00`,
 * phones as `55 1234 5678` and yes/no in words. Names the labels do not know keep the JSON's own
 * name, spaced (`titularName` → `titular name`), so the JSON and the page read alike.
 */

export type Readable =
  | { kind: 'text'; text: string }
  | { kind: 'fields'; fields: { label: string; value: Readable }[] }
  | { kind: 'list'; items: Readable[] };

export const SECTIONS: [keyof Delivery, string][] = [
  ['membership', 'Membresía, titular y personas cubiertas'],
  ['charges', 'Cobros (de la tarjeta solo la marca y los últimos 4 dígitos)'],
  ['cases', 'Asistencias'],
  ['complaints', 'Quejas'],
  ['messages', 'Mensajes enviados'],
  ['consents', 'Consentimientos (términos y aviso de privacidad)'],
  ['arcoRequests', 'Solicitudes de derechos ARCO'],
  ['opposedPurposes', 'Finalidades a las que te opusiste'],
];

const LABELS: Record<string, string> = {
  id: 'identificador',
  number: 'número',
  state: 'estado',
  stateLabel: 'estado',
  channel: 'canal',
  plan: 'plan',
  name: 'nombre',
  version: 'versión',
  titular: 'titular',
  fullName: 'nombre completo',
  email: 'correo',
  phone: 'celular',
  birthDate: 'fecha de nacimiento',
  rfc: 'RFC',
  curp: 'CURP',
  card: 'tarjeta',
  brand: 'marca',
  type: 'tipo',
  last4: 'últimos 4 dígitos',
  people: 'personas cubiertas',
  kind: 'tipo',
  covered: 'cubierta',
  coverage: 'cobertura',
  reason: 'motivo',
  contractedAt: 'contratada el',
  cancelledAt: 'cancelada el',
  createdAt: 'creada el',
  requestedAt: 'solicitada el',
  answeredAt: 'respondida el',
  acceptedAt: 'aceptado el',
  sentAt: 'enviado el',
  dueAt: 'vence el',
  description: 'descripción',
  status: 'estado',
  amount: 'importe',
  totalCentavos: 'total',
  baseCentavos: 'base',
  ivaCentavos: 'IVA',
  amountCentavos: 'importe',
  refundedCentavos: 'reembolsado',
  subject: 'asunto',
  body: 'texto',
  language: 'idioma',
  category: 'categoría',
  text: 'texto',
  resolution: 'resolución',
  document: 'documento',
  details: 'detalles',
  answer: 'respuesta',
  serviceCode: 'servicio',
  serviceName: 'servicio',
  address: 'dirección',
  es: 'español',
  en: 'inglés',
};

/**
 * Codes in words, only under the fields that hold codes (free text is never rewritten). A case's
 * state needs none: its view carries `stateLabel` in words beside it.
 */
const CODED_FIELDS = new Set(['state', 'status', 'channel', 'kind', 'document', 'type', 'opposedPurposes']);
const CODES: Record<string, string> = {
  trial: 'meses gratis',
  active: 'activa',
  past_due: 'con un pago pendiente',
  suspended: 'suspendida',
  cancelled: 'cancelada',
  succeeded: 'pagado',
  failed: 'rechazado',
  pending: 'pendiente',
  refunded: 'reembolsado',
  online: 'en línea',
  phone: 'por teléfono',
  bank: 'por el banco',
  titular: 'titular',
  spouse: 'cónyuge',
  child: 'hijo o hija',
  additional_cardholder: 'tarjetahabiente adicional',
  terms: 'términos y condiciones',
  privacy_notice: 'aviso de privacidad',
  marketing: 'publicidad',
  surveys: 'encuestas de satisfacción',
  bank_offers: 'ofertas del banco',
  access: 'acceso',
  rectification: 'rectificación',
  cancellation: 'cancelación',
  opposition: 'oposición',
  accepted: 'aceptada',
  refused: 'no procede',
  sent: 'enviado',
  email: 'correo',
  sms: 'SMS',
};

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `titularName` → `titular name`: the JSON's own name, readable. */
export const labelOf = (key: string): string =>
  LABELS[key] ?? key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();

function scalar(value: unknown, key: string | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Sí' : 'No';
  if (typeof value === 'number')
    return key && /Centavos$/.test(key) ? formatMoney(value) : value.toLocaleString('es-MX');
  const text = String(value);
  if (ISO_INSTANT.test(text) && !Number.isNaN(Date.parse(text))) return formatDateTime(new Date(text));
  if (ISO_DATE.test(text)) return formatLongDate(text, 'es');
  if (key && /(^p|P)hone$/.test(key)) return formatPhone(text);
  if (key && CODED_FIELDS.has(key)) return CODES[text] ?? text;
  return text;
}

export function readable(value: unknown, key?: string): Readable {
  if (Array.isArray(value)) {
    if (value.length === 0) return { kind: 'text', text: 'Ninguno' };
    if (value.every((v) => typeof v !== 'object' || v === null))
      return { kind: 'text', text: value.map((v) => scalar(v, key)).join(', ') };
    return { kind: 'list', items: value.map((v) => readable(v, key)) };
  }
  if (value !== null && typeof value === 'object') {
    return {
      kind: 'fields',
      fields: Object.entries(value as Record<string, unknown>).map(([k, v]) => ({
        label: labelOf(k),
        value: readable(v, k),
      })),
    };
  }
  return { kind: 'text', text: scalar(value, key) };
}

/** The opening words of both documents: whose, which request, when. */
export function introOf(delivery: Delivery): string {
  return `Respuesta a tu solicitud de acceso ${delivery.folio}, generada el ${formatDateTime(new Date(delivery.generatedAt))} (hora de la Ciudad de México). Es la información que tenemos de ti y de tu membresía.`;
}
