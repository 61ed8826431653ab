import { DateTime } from 'luxon';
import { formatDateTime, MEXICO_CITY } from '../../lib/clock.ts';
import { formatEta } from '../../lib/duration.ts';
import { formatMoney } from '../../lib/money.ts';
import { formatLongDate, lastCoveredInstant } from '../../lib/words.ts';
import type { ChannelKind } from './channels.ts';

/**
 * The message catalogue: every message Libra sends a person, es-MX first and English second. A
 * message is written in both languages when its event happens (the words of that moment are kept)
 * and delivered in the person's language. Each names the membership, case or complaint it is about
 * and ends with the operator's 24-hour line.
 */

export type Language = 'es' | 'en';
export type Bilingual = Record<Language, string>;

/** The operator's 24-hour line, as the plan page and the apps show it. */
export const OPERATOR_PHONE = { es: '55 5480 0900', en: '+52 55 5480 0900' } as const;

/** `5 de enero de 2027` / `January 5, 2027`, in Mexico City (src/lib/words.ts, as every sentence). */
export function formatDay(instant: Date, language: Language): string {
  return formatLongDate(instant, language);
}

function when(instant: Date, language: Language): string {
  return formatDateTime(instant, language === 'es' ? 'es-MX' : 'en');
}

const money = (centavos: number) => formatMoney(centavos);
/**
 * A service's name inside a sentence: its first letter lower-cased, the rest as the catalog writes
 * it (`Envío de grúa` → `envío de grúa`; `Land ambulance in Mexico` keeps its `Mexico`).
 */
const service = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);
/** `14:35`, Mexico City. */
const clockTime = (instant: Date) => DateTime.fromJSDate(instant, { zone: MEXICO_CITY }).toFormat('HH:mm');

/** `4.2 km`, one decimal. */
const km = (distance: number) => `${Math.round(distance * 10) / 10} km`;

const SIGN_OFF: Bilingual = {
  es: `Asistencia Libra Plus, 24 horas: ${OPERATOR_PHONE.es}.`,
  en: `Asistencia Libra Plus, 24 hours: ${OPERATOR_PHONE.en}.`,
};

interface Template<P> {
  /**
   * Who reads it: a member (the titular), a provider's dispatch phone, or a caller — whoever is on
   * the phone about a member's case, at a number the agent was given (no preferences apply to it,
   * and it carries nothing of the membership); or a person proving who they are with a one-time
   * code (`account`: to the contact on file, whatever the preferences, and no one chooses it off).
   */
  audience: 'member' | 'provider' | 'caller' | 'account';
  /** Channels used when the person has not chosen. */
  defaults: ChannelKind[];
  /** About a case under way: sent at once, night or day (quiet hours do not hold it). */
  live: boolean;
  subject: Bilingual;
  body: Record<Language, (p: P) => string>;
}

export interface MessageParams {
  membership_welcome: {
    membershipNumber: string;
    planName: string;
    monthlyCentavos: number;
    /** The end of the free months, when the plan has them. */
    freeUntil: Date | null;
    firstChargeAt: Date | null;
    termsVersion: string;
    privacyVersion: string;
  };
  charge_notice: {
    membershipNumber: string;
    chargeAt: Date;
    amountCentavos: number;
    cardLast4: string;
    cancelUrl: string;
  };
  charge_succeeded: {
    membershipNumber: string;
    amountCentavos: number;
    paidAt: Date;
    cardLast4: string;
    receiptUrl: string;
  };
  charge_failed: {
    membershipNumber: string;
    amountCentavos: number;
    cardLast4: string;
    nextRetryAt: Date | null;
    cardUrl: string;
  };
  case_provider_assigned: {
    caseNumber: string;
    serviceName: Bilingual;
    providerName: string;
    etaMinutes: number | null;
  };
  case_provider_en_route: { caseNumber: string; providerName: string; etaMinutes: number | null };
  case_provider_arrived: { caseNumber: string; providerName: string };
  case_completed: { caseNumber: string; serviceName: Bilingual };
  case_excess_to_accept: { caseNumber: string; amountCentavos: number; acceptUrl: string };
  case_refused: {
    caseNumber: string;
    serviceName: Bilingual;
    reason: Bilingual;
    /** Refused (not eligible; the default) or cancelled by the operator or a partner. */
    closing?: 'refused' | 'cancelled';
  };
  appointment_confirmation: { caseNumber: string; providerName: string; at: Date };
  appointment_reminder_24h: { caseNumber: string; providerName: string; at: Date };
  appointment_reminder_2h: { caseNumber: string; providerName: string; at: Date };
  remote_consultation_taken: { caseNumber: string; serviceName: Bilingual; staffName: string };
  claim_approved: { caseNumber: string; amountCentavos: number };
  claim_paid: { caseNumber: string; amountCentavos: number };
  claim_rejected: { caseNumber: string; reason: string };
  complaint_received: { complaintNumber: string; dueAt: Date };
  complaint_resolution: { complaintNumber: string; resolution: string };
  arco_received: { requestNumber: string; type: ArcoRight; dueAt: Date };
  arco_answered: {
    requestNumber: string;
    type: ArcoRight;
    accepted: boolean;
    answer: string;
    /** An accepted access request: the person's data waits in the portal. */
    downloadReady: boolean;
  };
  cancellation_confirmation: {
    membershipNumber: string;
    cancellationNumber: string;
    coverageEndsAt: Date;
    refundEligible: boolean;
    refundCentavos: number;
    cardLast4: string;
  };
  refund_issued: { membershipNumber: string; amountCentavos: number; cardLast4: string };
  provider_offer: {
    caseNumber: string;
    serviceName: Bilingual;
    /** Where, as the case says it (colonia, municipality, state); empty when it says none. */
    place: string;
    /** How far the provider's unit is, straight line. */
    distanceKm?: number;
    expiresAt: Date;
    jobsUrl: string;
  };
  account_activation_code: {
    /** Six digits, typed on the activation page. */
    code: string;
    expiresAt: Date;
  };
  beneficiary_invitation: {
    /** Who invites: the titular's name. */
    titularName: string;
    /** The one-time page where the beneficiary opens their account. */
    url: string;
    expiresAt: Date;
  };
  location_request: {
    /** The one-time page that asks the phone for its position. */
    url: string;
    expiresAt: Date;
  };
}

export type MessageKind = keyof MessageParams;

/** The four ARCO rights (LFPDPPP art. 28), as the messages name them. */
export type ArcoRight = 'access' | 'rectification' | 'cancellation' | 'opposition';
const ARCO_RIGHT: Record<ArcoRight, Bilingual> = {
  access: { es: 'acceso', en: 'access' },
  rectification: { es: 'rectificación', en: 'rectification' },
  cancellation: { es: 'cancelación', en: 'cancellation' },
  opposition: { es: 'oposición', en: 'objection' },
};

function eta(minutes: number | null, language: Language): string {
  if (minutes === null) return '';
  return language === 'es'
    ? ` Llegada estimada: ${formatEta(minutes, language)}.`
    : ` Estimated arrival: ${formatEta(minutes, language)}.`;
}

export const CATALOGUE: { [K in MessageKind]: Template<MessageParams[K]> } = {
  membership_welcome: {
    audience: 'member',
    defaults: ['email'],
    live: false,
    subject: { es: 'Bienvenida a Asistencia Libra Plus', en: 'Welcome to Asistencia Libra Plus' },
    body: {
      es: (p) =>
        `Tu membresía ${p.membershipNumber} del plan ${p.planName} está activa desde hoy.\n\n` +
        (p.freeUntil
          ? `Tus meses sin costo cubren hasta el ${formatDay(lastCoveredInstant(p.freeUntil), 'es')}. `
          : '') +
        (p.firstChargeAt
          ? p.freeUntil
            ? `El primer cargo de ${money(p.monthlyCentavos)} será el ${formatDay(p.firstChargeAt, 'es')}; te avisaremos 5 días antes.`
            : `El primer cargo de ${money(p.monthlyCentavos)} es el ${formatDay(p.firstChargeAt, 'es')}; antes de cada cargo siguiente te avisaremos con 5 días.`
          : '') +
        `\n\nAceptaste los Términos y condiciones versión ${p.termsVersion} y el Aviso de privacidad versión ${p.privacyVersion}.`,
      en: (p) =>
        `Your membership ${p.membershipNumber} on the ${p.planName} plan is active from today.\n\n` +
        (p.freeUntil
          ? `Your free months last through ${formatDay(lastCoveredInstant(p.freeUntil), 'en')}. `
          : '') +
        (p.firstChargeAt
          ? p.freeUntil
            ? `The first charge of ${money(p.monthlyCentavos)} will be on ${formatDay(p.firstChargeAt, 'en')}; we will tell you 5 days before.`
            : `The first charge of ${money(p.monthlyCentavos)} is on ${formatDay(p.firstChargeAt, 'en')}; we will tell you 5 days before each following one.`
          : '') +
        `\n\nYou accepted the Terms and conditions version ${p.termsVersion} and the Privacy notice version ${p.privacyVersion}.`,
    },
  },
  charge_notice: {
    audience: 'member',
    defaults: ['email'],
    live: false,
    subject: { es: 'Aviso de cargo automático', en: 'Automatic charge notice' },
    body: {
      es: (p) =>
        `Tu membresía ${p.membershipNumber} se cobrará el ${formatDay(p.chargeAt, 'es')} por ${money(p.amountCentavos)} (IVA incluido) a tu tarjeta terminada en ${p.cardLast4}.\n\n` +
        `Si no quieres este cargo, cancela sin costo antes de esa fecha en ${p.cancelUrl} o llamando al ${OPERATOR_PHONE.es}.`,
      en: (p) =>
        `Your membership ${p.membershipNumber} will be charged ${money(p.amountCentavos)} (VAT included) on ${formatDay(p.chargeAt, 'en')} to your card ending in ${p.cardLast4}.\n\n` +
        `If you do not want this charge, cancel at no cost before then at ${p.cancelUrl} or by calling ${OPERATOR_PHONE.en}.`,
    },
  },
  charge_succeeded: {
    audience: 'member',
    defaults: ['email'],
    live: false,
    subject: { es: 'Recibimos tu pago', en: 'We received your payment' },
    body: {
      es: (p) =>
        `Cobramos ${money(p.amountCentavos)} de tu membresía ${p.membershipNumber} a tu tarjeta terminada en ${p.cardLast4} el ${formatDay(p.paidAt, 'es')}.\n\nTu recibo: ${p.receiptUrl}`,
      en: (p) =>
        `We charged ${money(p.amountCentavos)} for your membership ${p.membershipNumber} to your card ending in ${p.cardLast4} on ${formatDay(p.paidAt, 'en')}.\n\nYour receipt: ${p.receiptUrl}`,
    },
  },
  charge_failed: {
    audience: 'member',
    defaults: ['email', 'sms'],
    live: false,
    subject: { es: 'No pudimos cobrar tu membresía', en: 'We could not charge your membership' },
    body: {
      es: (p) =>
        `Tu banco rechazó el cargo de ${money(p.amountCentavos)} de tu membresía ${p.membershipNumber} a la tarjeta terminada en ${p.cardLast4}. ` +
        (p.nextRetryAt
          ? `Lo intentaremos de nuevo el ${formatDay(p.nextRetryAt, 'es')}. `
          : 'Tu membresía queda suspendida hasta que se cubra. ') +
        `Para seguir protegido, revisa tu tarjeta con tu banco o actualízala en ${p.cardUrl}.`,
      en: (p) =>
        `Your bank declined the charge of ${money(p.amountCentavos)} for your membership ${p.membershipNumber} to the card ending in ${p.cardLast4}. ` +
        (p.nextRetryAt
          ? `We will try again on ${formatDay(p.nextRetryAt, 'en')}. `
          : 'Your membership is suspended until it is paid. ') +
        `To stay covered, check your card with your bank or update it at ${p.cardUrl}.`,
    },
  },
  case_provider_assigned: {
    audience: 'member',
    defaults: ['sms'],
    live: true,
    subject: { es: 'Tu servicio ya tiene proveedor', en: 'Your service has a provider' },
    body: {
      es: (p) =>
        `Caso ${p.caseNumber}: ${p.providerName} atenderá tu solicitud de ${service(p.serviceName.es)}.${eta(p.etaMinutes, 'es')}`,
      en: (p) =>
        `Case ${p.caseNumber}: ${p.providerName} will handle your ${service(p.serviceName.en)} request.${eta(p.etaMinutes, 'en')}`,
    },
  },
  case_provider_en_route: {
    audience: 'member',
    defaults: ['sms'],
    live: true,
    subject: { es: 'Tu proveedor va en camino', en: 'Your provider is on the way' },
    body: {
      es: (p) => `Caso ${p.caseNumber}: ${p.providerName} va en camino.${eta(p.etaMinutes, 'es')}`,
      en: (p) => `Case ${p.caseNumber}: ${p.providerName} is on the way.${eta(p.etaMinutes, 'en')}`,
    },
  },
  case_provider_arrived: {
    audience: 'member',
    defaults: ['sms'],
    live: true,
    subject: { es: 'Tu proveedor llegó', en: 'Your provider has arrived' },
    body: {
      es: (p) => `Caso ${p.caseNumber}: ${p.providerName} llegó al lugar.`,
      en: (p) => `Case ${p.caseNumber}: ${p.providerName} has arrived.`,
    },
  },
  case_completed: {
    audience: 'member',
    defaults: ['sms'],
    live: true,
    subject: { es: 'Servicio concluido', en: 'Service completed' },
    body: {
      es: (p) =>
        `Caso ${p.caseNumber}: concluimos tu solicitud de ${service(p.serviceName.es)}. Gracias por confiar en nosotros.`,
      en: (p) =>
        `Case ${p.caseNumber}: your ${service(p.serviceName.en)} request is complete. Thank you for trusting us.`,
    },
  },
  case_excess_to_accept: {
    audience: 'member',
    defaults: ['sms'],
    live: true,
    subject: { es: 'Un costo extra espera tu respuesta', en: 'An extra cost awaits your answer' },
    body: {
      es: (p) =>
        `Caso ${p.caseNumber}: el servicio rebasa tu cobertura por ${money(p.amountCentavos)}. Acéptalo o recházalo en ${p.acceptUrl}`,
      en: (p) =>
        `Case ${p.caseNumber}: the service exceeds your coverage by ${money(p.amountCentavos)}. Accept or decline it at ${p.acceptUrl}`,
    },
  },
  case_refused: {
    audience: 'member',
    defaults: ['sms'],
    live: true,
    subject: { es: 'Tu solicitud se cerró sin servicio', en: 'Your request was closed without service' },
    body: {
      es: (p) =>
        p.closing === 'cancelled'
          ? `Caso ${p.caseNumber}: cancelamos tu solicitud de ${service(p.serviceName.es)}. Motivo: ${p.reason.es}`
          : `Caso ${p.caseNumber}: no procede tu solicitud de ${service(p.serviceName.es)}. Motivo: ${p.reason.es}`,
      en: (p) =>
        p.closing === 'cancelled'
          ? `Case ${p.caseNumber}: we cancelled your ${service(p.serviceName.en)} request. Reason: ${p.reason.en}`
          : `Case ${p.caseNumber}: your ${service(p.serviceName.en)} request cannot be provided. Reason: ${p.reason.en}`,
    },
  },
  appointment_confirmation: {
    audience: 'member',
    defaults: ['sms'],
    live: false,
    subject: { es: 'Confirmación de tu cita', en: 'Appointment confirmation' },
    body: {
      es: (p) =>
        `Tu cita con ${p.providerName} quedó agendada para el ${when(p.at, 'es')}. Caso ${p.caseNumber}.`,
      en: (p) =>
        `Your appointment with ${p.providerName} is booked for ${when(p.at, 'en')}. Case ${p.caseNumber}.`,
    },
  },
  appointment_reminder_24h: {
    audience: 'member',
    defaults: ['sms'],
    live: false,
    subject: { es: 'Recordatorio de tu cita', en: 'Appointment reminder' },
    body: {
      es: (p) =>
        `Recordatorio: tu cita con ${p.providerName} es el ${when(p.at, 'es')}. Caso ${p.caseNumber}.`,
      en: (p) =>
        `Reminder: your appointment with ${p.providerName} is on ${when(p.at, 'en')}. Case ${p.caseNumber}.`,
    },
  },
  appointment_reminder_2h: {
    audience: 'member',
    defaults: ['sms'],
    // Two hours ahead is too close to wait for the morning.
    live: true,
    subject: { es: 'Tu cita es en 2 horas', en: 'Your appointment is in 2 hours' },
    body: {
      es: (p) =>
        `Recordatorio: tu cita con ${p.providerName} es el ${when(p.at, 'es')}. Caso ${p.caseNumber}.`,
      en: (p) =>
        `Reminder: your appointment with ${p.providerName} is on ${when(p.at, 'en')}. Case ${p.caseNumber}.`,
    },
  },
  remote_consultation_taken: {
    audience: 'member',
    defaults: ['sms'],
    live: true,
    subject: { es: 'Tu consulta ya tiene quien la atienda', en: 'Your consultation has been taken' },
    body: {
      es: (p) =>
        `Caso ${p.caseNumber}: ${p.staffName} tomó tu solicitud de ${service(p.serviceName.es)} y te contactará en breve.`,
      en: (p) =>
        `Case ${p.caseNumber}: ${p.staffName} took your ${service(p.serviceName.en)} request and will contact you shortly.`,
    },
  },
  claim_approved: {
    audience: 'member',
    defaults: ['email'],
    live: false,
    subject: { es: 'Aprobamos tu reembolso', en: 'Your claim is approved' },
    body: {
      es: (p) =>
        `Caso ${p.caseNumber}: aprobamos tu reembolso por ${money(p.amountCentavos)}. Te avisaremos cuando lo paguemos.`,
      en: (p) =>
        `Case ${p.caseNumber}: we approved your claim for ${money(p.amountCentavos)}. We will tell you when it is paid.`,
    },
  },
  claim_paid: {
    audience: 'member',
    defaults: ['email'],
    live: false,
    subject: { es: 'Pagamos tu reembolso', en: 'Your claim is paid' },
    body: {
      es: (p) => `Caso ${p.caseNumber}: pagamos tu reembolso por ${money(p.amountCentavos)}.`,
      en: (p) => `Case ${p.caseNumber}: we paid your claim for ${money(p.amountCentavos)}.`,
    },
  },
  claim_rejected: {
    audience: 'member',
    defaults: ['email'],
    live: false,
    subject: { es: 'Tu solicitud de reembolso', en: 'Your claim' },
    body: {
      es: (p) => `Caso ${p.caseNumber}: no procede tu reembolso. Motivo: ${p.reason}`,
      en: (p) => `Case ${p.caseNumber}: your claim was not approved. Reason: ${p.reason}`,
    },
  },
  complaint_received: {
    audience: 'member',
    defaults: ['email'],
    live: false,
    subject: { es: 'Recibimos tu queja', en: 'We received your complaint' },
    body: {
      es: (p) =>
        `Recibimos tu queja ${p.complaintNumber}. Te responderemos a más tardar el ${formatDay(p.dueAt, 'es')}.`,
      en: (p) =>
        `We received your complaint ${p.complaintNumber}. We will answer by ${formatDay(p.dueAt, 'en')}.`,
    },
  },
  complaint_resolution: {
    audience: 'member',
    defaults: ['email'],
    live: false,
    subject: { es: 'Resolución de tu queja', en: 'Your complaint resolution' },
    body: {
      es: (p) => `Resolvimos tu queja ${p.complaintNumber}. Nuestra respuesta: ${p.resolution}`,
      en: (p) => `We have resolved your complaint ${p.complaintNumber}. Our answer: ${p.resolution}`,
    },
  },
  arco_received: {
    audience: 'member',
    defaults: ['email'],
    live: false,
    subject: { es: 'Recibimos tu solicitud de derechos ARCO', en: 'We received your ARCO request' },
    body: {
      es: (p) =>
        `Recibimos tu solicitud de ${ARCO_RIGHT[p.type].es} ${p.requestNumber}. Te responderemos a más tardar el ${formatDay(new Date(p.dueAt.getTime() - 1), 'es')}. Puedes seguirla en tu cuenta, en Mis derechos ARCO.`,
      en: (p) =>
        `We received your ${ARCO_RIGHT[p.type].en} request ${p.requestNumber}. We will answer by ${formatDay(new Date(p.dueAt.getTime() - 1), 'en')}. You can follow it in your account, under My ARCO rights.`,
    },
  },
  arco_answered: {
    audience: 'member',
    defaults: ['email'],
    live: false,
    subject: { es: 'Respuesta a tu solicitud de derechos ARCO', en: 'Answer to your ARCO request' },
    body: {
      es: (p) =>
        `${p.accepted ? 'Aceptamos' : 'No procede'} tu solicitud de ${ARCO_RIGHT[p.type].es} ${p.requestNumber}. ${p.answer}${p.downloadReady ? ' Descarga tus datos en tu cuenta, en Mis derechos ARCO.' : ''}`,
      en: (p) =>
        `${p.accepted ? 'We accepted' : 'We could not grant'} your ${ARCO_RIGHT[p.type].en} request ${p.requestNumber}. ${p.answer}${p.downloadReady ? ' Download your data in your account, under My ARCO rights.' : ''}`,
    },
  },
  cancellation_confirmation: {
    audience: 'member',
    defaults: ['email'],
    live: false,
    subject: { es: 'Cancelación de tu membresía', en: 'Membership cancellation' },
    body: {
      es: (p) =>
        `Cancelamos tu membresía ${p.membershipNumber} (confirmación ${p.cancellationNumber}). No habrá más cargos. ` +
        (p.refundEligible
          ? (p.refundCentavos > 0
              ? `Te reembolsamos ${money(p.refundCentavos)} a tu tarjeta terminada en ${p.cardLast4}; `
              : 'No hubo cargos que reembolsar; ') + 'tu cobertura terminó al cancelar.'
          : `Tu cobertura sigue hasta el ${formatDay(lastCoveredInstant(p.coverageEndsAt), 'es')}.`),
      en: (p) =>
        `We cancelled your membership ${p.membershipNumber} (confirmation ${p.cancellationNumber}). There will be no more charges. ` +
        (p.refundEligible
          ? (p.refundCentavos > 0
              ? `We refunded ${money(p.refundCentavos)} to your card ending in ${p.cardLast4}; `
              : 'There were no charges to refund; ') + 'your coverage ended on cancelling.'
          : `You stay covered through ${formatDay(lastCoveredInstant(p.coverageEndsAt), 'en')}.`),
    },
  },
  refund_issued: {
    audience: 'member',
    defaults: ['email'],
    live: false,
    subject: { es: 'Te reembolsamos', en: 'We refunded you' },
    body: {
      es: (p) =>
        `Reembolsamos ${money(p.amountCentavos)} de tu membresía ${p.membershipNumber} a tu tarjeta terminada en ${p.cardLast4}. Según tu banco, puede tardar hasta 10 días hábiles en verse.`,
      en: (p) =>
        `We refunded ${money(p.amountCentavos)} for your membership ${p.membershipNumber} to your card ending in ${p.cardLast4}. Depending on your bank, it may take up to 10 business days to show.`,
    },
  },
  provider_offer: {
    audience: 'provider',
    defaults: ['sms'],
    live: true,
    subject: { es: 'Nuevo servicio ofrecido', en: 'New job offered' },
    body: {
      es: (p) =>
        `Libra: nuevo servicio ${p.caseNumber}, ${service(p.serviceName.es)}${p.place ? ` en ${p.place}` : ''}${p.distanceKm !== undefined ? `, a ${km(p.distanceKm)} de tu unidad` : ''}. Acéptalo antes de las ${DateTime.fromJSDate(p.expiresAt, { zone: MEXICO_CITY }).toFormat('HH:mm')} en ${p.jobsUrl}`,
      en: (p) =>
        `Libra: new job ${p.caseNumber}, ${service(p.serviceName.en)}${p.place ? ` in ${p.place}` : ''}${p.distanceKm !== undefined ? `, ${km(p.distanceKm)} from your unit` : ''}. Accept it before ${DateTime.fromJSDate(p.expiresAt, { zone: MEXICO_CITY }).toFormat('HH:mm')} at ${p.jobsUrl}`,
    },
  },
  // The code is all it carries besides the line to call: whoever did not ask for it learns nothing
  // of the membership, and is told what to do.
  account_activation_code: {
    audience: 'account',
    defaults: ['email'],
    live: true,
    subject: { es: 'Tu código para activar tu cuenta', en: 'Your code to activate your account' },
    body: {
      es: (p) =>
        `Asistencia Libra Plus: tu código para activar tu cuenta es ${p.code}. Caduca a las ${clockTime(p.expiresAt)}. Si no lo pediste, ignora este mensaje o llámanos al ${OPERATOR_PHONE.es}.`,
      en: (p) =>
        `Asistencia Libra Plus: your code to activate your account is ${p.code}. It expires at ${clockTime(p.expiresAt)}. If you did not ask for it, ignore this message or call us at ${OPERATOR_PHONE.en}.`,
    },
  },
  // The link is the invitation: who invites, and until when; nothing of the membership's money.
  beneficiary_invitation: {
    audience: 'account',
    defaults: ['email'],
    live: true,
    subject: { es: 'Te invitan a Asistencia Libra Plus', en: 'You are invited to Asistencia Libra Plus' },
    body: {
      es: (p) =>
        `Asistencia Libra Plus: ${p.titularName} te invita a abrir tu propia cuenta para pedir asistencia. La invitación vence el ${DateTime.fromJSDate(p.expiresAt, { zone: MEXICO_CITY }).setLocale('es-MX').toFormat("d 'de' LLLL")}. Ábrela en ${p.url}`,
      en: (p) =>
        `Asistencia Libra Plus: ${p.titularName} invites you to open your own account to request assistance. The invitation expires on ${DateTime.fromJSDate(p.expiresAt, { zone: MEXICO_CITY }).setLocale('en').toFormat('LLLL d')}. Open it at ${p.url}`,
    },
  },
  // Texted to whoever is calling: no case number, no name, no service — the link is all it carries,
  // and the link itself reveals nothing but whether it is still open. The URL goes last, so no
  // punctuation after it is taken for part of it.
  location_request: {
    audience: 'caller',
    defaults: ['sms'],
    live: true,
    subject: { es: 'Comparte tu ubicación', en: 'Share your location' },
    body: {
      es: (p) =>
        `Asistencia Libra Plus: para enviarte ayuda al lugar exacto, abre este enlace y comparte tu ubicación (caduca a las ${clockTime(p.expiresAt)}): ${p.url}`,
      en: (p) =>
        `Asistencia Libra Plus: so we can send help to the exact spot, open this link and share your location (it expires at ${clockTime(p.expiresAt)}): ${p.url}`,
    },
  },
};

export function isMessageKind(kind: string): kind is MessageKind {
  return Object.hasOwn(CATALOGUE, kind);
}

/** The message of a kind in both languages; members' messages end with the operator's line. */
export function render<K extends MessageKind>(kind: K, params: MessageParams[K]): Bilingual {
  const template = CATALOGUE[kind] as Template<MessageParams[K]>;
  const sign = template.audience === 'member';
  return {
    es: sign ? `${template.body.es(params)}\n\n${SIGN_OFF.es}` : template.body.es(params),
    en: sign ? `${template.body.en(params)}\n\n${SIGN_OFF.en}` : template.body.en(params),
  };
}

/** The subject of an email of this kind (older kinds the catalogue no longer has get a generic one). */
export function subjectOf(kind: string, language: Language): string {
  return isMessageKind(kind)
    ? CATALOGUE[kind].subject[language]
    : language === 'es'
      ? 'Mensaje de Asistencia Libra Plus'
      : 'Message from Asistencia Libra Plus';
}
