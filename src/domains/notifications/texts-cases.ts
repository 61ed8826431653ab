import { formatEta } from '../../lib/duration.ts';
import type { MessageParams } from './message-params.ts';
import { AT_HOUR, hourOf, money, serviceInSentence, type Template, yes } from './template.ts';

type Texts = {
  [K in
    | 'case_provider_assigned'
    | 'case_provider_en_route'
    | 'case_provider_arrived'
    | 'case_completed'
    | 'case_excess_to_accept'
    | 'case_refused'
    | 'appointment_confirmation'
    | 'appointment_reminder_24h'
    | 'appointment_reminder_2h'
    | 'remote_consultation_taken'
    | 'claim_approved'
    | 'claim_paid'
    | 'claim_rejected'
    | 'provider_offer'
    | 'location_request']: Template<MessageParams[K]>;
};

const ETA_ES = '{hasEta, select, yes { Llegada estimada: {eta}.} other {}}';
const ETA_EN = '{hasEta, select, yes { Estimated arrival: {eta}.} other {}}';
const eta = (minutes: number | null) => ({
  hasEta: yes(minutes !== null),
  eta: minutes === null ? '' : formatEta(minutes),
});

/** An appointment's day and time: "el 26 de noviembre de 2026 a las 10:30". */
const APPOINTMENT_AT_ES = `el {at, date, long} ${AT_HOUR('at')} {at, time, clock}`;
const APPOINTMENT_AT_EN = '{at, date, long} at {at, time, clock}';
const appointment = (p: { caseNumber: string; providerName: string; at: Date }) => ({
  caseNumber: p.caseNumber,
  providerName: p.providerName,
  at: p.at,
  atHour: hourOf(p.at),
});

const REMINDER: Template<MessageParams['appointment_reminder_24h']>['body'] = {
  es: `Recordatorio: tu cita con {providerName} es ${APPOINTMENT_AT_ES}. Caso {caseNumber}.`,
  en: `Reminder: your appointment with {providerName} is on ${APPOINTMENT_AT_EN}. Case {caseNumber}.`,
};

/** The messages about a case under way: to its member, its provider, or whoever is calling. */
export const CASE_TEXTS: Texts = {
  case_provider_assigned: {
    audience: 'member',
    defaults: ['sms'],
    live: true,
    subject: { es: 'Tu servicio ya tiene proveedor', en: 'Your service has a provider' },
    body: {
      es: `Caso {caseNumber}: {providerName} atenderá tu solicitud de {service}.${ETA_ES}`,
      en: `Case {caseNumber}: {providerName} will handle your {service} request.${ETA_EN}`,
    },
    values: (p, language) => ({
      caseNumber: p.caseNumber,
      providerName: p.providerName,
      service: serviceInSentence(p.serviceName[language]),
      ...eta(p.etaMinutes),
    }),
  },
  case_provider_en_route: {
    audience: 'member',
    defaults: ['sms'],
    live: true,
    subject: { es: 'Tu proveedor va en camino', en: 'Your provider is on the way' },
    body: {
      es: `Caso {caseNumber}: {providerName} va en camino.${ETA_ES}`,
      en: `Case {caseNumber}: {providerName} is on the way.${ETA_EN}`,
    },
    values: (p) => ({ caseNumber: p.caseNumber, providerName: p.providerName, ...eta(p.etaMinutes) }),
  },
  case_provider_arrived: {
    audience: 'member',
    defaults: ['sms'],
    live: true,
    subject: { es: 'Tu proveedor llegó', en: 'Your provider has arrived' },
    body: {
      es: 'Caso {caseNumber}: {providerName} llegó al lugar.',
      en: 'Case {caseNumber}: {providerName} has arrived.',
    },
    values: (p) => ({ caseNumber: p.caseNumber, providerName: p.providerName }),
  },
  case_completed: {
    audience: 'member',
    defaults: ['sms'],
    live: true,
    subject: { es: 'Servicio concluido', en: 'Service completed' },
    body: {
      es: 'Caso {caseNumber}: concluimos tu solicitud de {service}. Gracias por confiar en nosotros.',
      en: 'Case {caseNumber}: your {service} request is complete. Thank you for trusting us.',
    },
    values: (p, language) => ({
      caseNumber: p.caseNumber,
      service: serviceInSentence(p.serviceName[language]),
    }),
  },
  case_excess_to_accept: {
    audience: 'member',
    defaults: ['sms'],
    live: true,
    subject: { es: 'Un costo extra espera tu respuesta', en: 'An extra cost awaits your answer' },
    body: {
      es: 'Caso {caseNumber}: el servicio rebasa tu cobertura por {amount}. Acéptalo o recházalo en {acceptUrl}',
      en: 'Case {caseNumber}: the service exceeds your coverage by {amount}. Accept or decline it at {acceptUrl}',
    },
    values: (p) => ({ caseNumber: p.caseNumber, amount: money(p.amountCentavos), acceptUrl: p.acceptUrl }),
  },
  case_refused: {
    audience: 'member',
    defaults: ['sms'],
    live: true,
    subject: { es: 'Tu solicitud se cerró sin servicio', en: 'Your request was closed without service' },
    body: {
      es: 'Caso {caseNumber}: {closing, select, cancelled {cancelamos tu solicitud de {service}} other {no procede tu solicitud de {service}}}. Motivo: {reason}',
      en: 'Case {caseNumber}: {closing, select, cancelled {we cancelled your {service} request} other {your {service} request cannot be provided}}. Reason: {reason}',
    },
    values: (p, language) => ({
      caseNumber: p.caseNumber,
      closing: p.closing ?? 'refused',
      service: serviceInSentence(p.serviceName[language]),
      reason: p.reason[language],
    }),
  },
  appointment_confirmation: {
    audience: 'member',
    defaults: ['sms'],
    live: false,
    subject: { es: 'Confirmación de tu cita', en: 'Appointment confirmation' },
    body: {
      es: `Tu cita con {providerName} quedó agendada para ${APPOINTMENT_AT_ES}. Caso {caseNumber}.`,
      en: `Your appointment with {providerName} is booked for ${APPOINTMENT_AT_EN}. Case {caseNumber}.`,
    },
    values: appointment,
  },
  appointment_reminder_24h: {
    audience: 'member',
    defaults: ['sms'],
    live: false,
    subject: { es: 'Recordatorio de tu cita', en: 'Appointment reminder' },
    body: REMINDER,
    values: appointment,
  },
  appointment_reminder_2h: {
    audience: 'member',
    defaults: ['sms'],
    // Two hours ahead is too close to wait for the morning.
    live: true,
    subject: { es: 'Tu cita es en 2 horas', en: 'Your appointment is in 2 hours' },
    body: REMINDER,
    values: appointment,
  },
  remote_consultation_taken: {
    audience: 'member',
    defaults: ['sms'],
    live: true,
    subject: { es: 'Tu consulta ya tiene quien la atienda', en: 'Your consultation has been taken' },
    body: {
      es: 'Caso {caseNumber}: {staffName} tomó tu solicitud de {service} y te contactará en breve.',
      en: 'Case {caseNumber}: {staffName} took your {service} request and will contact you shortly.',
    },
    values: (p, language) => ({
      caseNumber: p.caseNumber,
      staffName: p.staffName,
      service: serviceInSentence(p.serviceName[language]),
    }),
  },
  claim_approved: {
    audience: 'member',
    defaults: ['email'],
    live: false,
    subject: { es: 'Aprobamos tu reembolso', en: 'Your claim is approved' },
    body: {
      es: 'Caso {caseNumber}: aprobamos tu reembolso por {amount}. Te avisaremos cuando lo paguemos.',
      en: 'Case {caseNumber}: we approved your claim for {amount}. We will tell you when it is paid.',
    },
    values: (p) => ({ caseNumber: p.caseNumber, amount: money(p.amountCentavos) }),
  },
  claim_paid: {
    audience: 'member',
    defaults: ['email'],
    live: false,
    subject: { es: 'Pagamos tu reembolso', en: 'Your claim is paid' },
    body: {
      es: 'Caso {caseNumber}: pagamos tu reembolso por {amount}.',
      en: 'Case {caseNumber}: we paid your claim for {amount}.',
    },
    values: (p) => ({ caseNumber: p.caseNumber, amount: money(p.amountCentavos) }),
  },
  claim_rejected: {
    audience: 'member',
    defaults: ['email'],
    live: false,
    subject: { es: 'Tu solicitud de reembolso', en: 'Your claim' },
    body: {
      es: 'Caso {caseNumber}: no procede tu reembolso. Motivo: {reason}',
      en: 'Case {caseNumber}: your claim was not approved. Reason: {reason}',
    },
    values: (p) => ({ caseNumber: p.caseNumber, reason: p.reason }),
  },
  provider_offer: {
    audience: 'provider',
    defaults: ['sms'],
    live: true,
    subject: { es: 'Nuevo servicio ofrecido', en: 'New job offered' },
    body: {
      es:
        'Libra: nuevo servicio {caseNumber}, {service}{hasPlace, select, yes { en {place}} other {}}' +
        '{hasDistance, select, yes {, a {distanceKm, number, ::.#} km de tu unidad} other {}}. ' +
        'Acéptalo antes {expiresAtHour, plural, =1 {de la} other {de las}} {expiresAt, time, clock} en {jobsUrl}',
      en:
        'Libra: new job {caseNumber}, {service}{hasPlace, select, yes { in {place}} other {}}' +
        '{hasDistance, select, yes {, {distanceKm, number, ::.#} km from your unit} other {}}. ' +
        'Accept it before {expiresAt, time, clock} at {jobsUrl}',
    },
    values: (p, language) => ({
      caseNumber: p.caseNumber,
      service: serviceInSentence(p.serviceName[language]),
      hasPlace: yes(p.place !== ''),
      place: p.place,
      hasDistance: yes(p.distanceKm !== undefined),
      distanceKm: p.distanceKm ?? 0,
      expiresAt: p.expiresAt,
      expiresAtHour: hourOf(p.expiresAt),
      jobsUrl: p.jobsUrl,
    }),
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
      es: `Asistencia Libra Plus: para enviarte ayuda al lugar exacto, abre este enlace y comparte tu ubicación (caduca ${AT_HOUR('expiresAt')} {expiresAt, time, clock}): {url}`,
      en: 'Asistencia Libra Plus: so we can send help to the exact spot, open this link and share your location (it expires at {expiresAt, time, clock}): {url}',
    },
    values: (p) => ({ url: p.url, expiresAt: p.expiresAt, expiresAtHour: hourOf(p.expiresAt) }),
  },
};
