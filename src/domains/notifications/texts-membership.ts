import { lastCoveredInstant } from '../../lib/words.ts';
import type { MessageParams } from './message-params.ts';
import { AT_HOUR, hourOf, money, type Template, yes } from './template.ts';

/** The operator's 24-hour line, as the plan page and the apps show it. */
export const OPERATOR_PHONE = { es: '55 5480 0900', en: '+52 55 5480 0900' } as const;

const ARCO_RIGHT_ES =
  '{type, select, access {acceso} rectification {rectificación} cancellation {cancelación} opposition {oposición} other {derechos ARCO}}';
const ARCO_RIGHT_EN =
  '{type, select, access {access} rectification {rectification} cancellation {cancellation} opposition {objection} other {ARCO}}';

type Texts = {
  [K in
    | 'membership_welcome'
    | 'charge_notice'
    | 'charge_succeeded'
    | 'charge_failed'
    | 'complaint_received'
    | 'complaint_resolution'
    | 'arco_received'
    | 'arco_answered'
    | 'cancellation_confirmation'
    | 'refund_issued'
    | 'account_activation_code'
    | 'beneficiary_invitation']: Template<MessageParams[K]>;
};

/** The messages about a membership, its money, its requests and its accounts. */
export const MEMBERSHIP_TEXTS: Texts = {
  membership_welcome: {
    audience: 'member',
    defaults: ['email'],
    live: false,
    subject: { es: 'Bienvenida a Asistencia Libra Plus', en: 'Welcome to Asistencia Libra Plus' },
    body: {
      es:
        'Tu membresía {membershipNumber} del plan {planName} está activa desde hoy.\n\n' +
        '{free, select, yes {Tus meses sin costo cubren hasta el {freeThrough, date, long}. } other {}}' +
        '{firstCharge, select,' +
        ' afterFree {El primer cargo de {monthly} será el {firstChargeAt, date, long}; te avisaremos 5 días antes.}' +
        ' now {El primer cargo de {monthly} es el {firstChargeAt, date, long}; antes de cada cargo siguiente te avisaremos con 5 días.}' +
        ' other {}}\n\n' +
        'Aceptaste los Términos y condiciones versión {termsVersion} y el Aviso de privacidad versión {privacyVersion}.',
      en:
        'Your membership {membershipNumber} on the {planName} plan is active from today.\n\n' +
        '{free, select, yes {Your free months last through {freeThrough, date, long}. } other {}}' +
        '{firstCharge, select,' +
        ' afterFree {The first charge of {monthly} will be on {firstChargeAt, date, long}; we will tell you 5 days before.}' +
        ' now {The first charge of {monthly} is on {firstChargeAt, date, long}; we will tell you 5 days before each following one.}' +
        ' other {}}\n\n' +
        'You accepted the Terms and conditions version {termsVersion} and the Privacy notice version {privacyVersion}.',
    },
    values: (p) => ({
      membershipNumber: p.membershipNumber,
      planName: p.planName,
      monthly: money(p.monthlyCentavos),
      free: yes(p.freeUntil !== null),
      ...(p.freeUntil ? { freeThrough: lastCoveredInstant(p.freeUntil) } : {}),
      firstCharge: p.firstChargeAt ? (p.freeUntil ? 'afterFree' : 'now') : 'none',
      ...(p.firstChargeAt ? { firstChargeAt: p.firstChargeAt } : {}),
      termsVersion: p.termsVersion,
      privacyVersion: p.privacyVersion,
    }),
  },
  charge_notice: {
    audience: 'member',
    defaults: ['email'],
    live: false,
    subject: { es: 'Aviso de cargo automático', en: 'Automatic charge notice' },
    body: {
      es:
        'Tu membresía {membershipNumber} se cobrará el {chargeAt, date, long} por {amount} (IVA incluido) a tu tarjeta terminada en {cardLast4}.\n\n' +
        'Si no quieres este cargo, cancela sin costo antes de esa fecha en {cancelUrl} o llamando al {operatorPhone}.',
      en:
        'Your membership {membershipNumber} will be charged {amount} (VAT included) on {chargeAt, date, long} to your card ending in {cardLast4}.\n\n' +
        'If you do not want this charge, cancel at no cost before then at {cancelUrl} or by calling {operatorPhone}.',
    },
    values: (p, language) => ({
      membershipNumber: p.membershipNumber,
      chargeAt: p.chargeAt,
      amount: money(p.amountCentavos),
      cardLast4: p.cardLast4,
      cancelUrl: p.cancelUrl,
      operatorPhone: OPERATOR_PHONE[language],
    }),
  },
  charge_succeeded: {
    audience: 'member',
    defaults: ['email'],
    live: false,
    subject: { es: 'Recibimos tu pago', en: 'We received your payment' },
    body: {
      es: 'Cobramos {amount} de tu membresía {membershipNumber} a tu tarjeta terminada en {cardLast4} el {paidAt, date, long}.\n\nTu recibo: {receiptUrl}',
      en: 'We charged {amount} for your membership {membershipNumber} to your card ending in {cardLast4} on {paidAt, date, long}.\n\nYour receipt: {receiptUrl}',
    },
    values: (p) => ({
      amount: money(p.amountCentavos),
      membershipNumber: p.membershipNumber,
      cardLast4: p.cardLast4,
      paidAt: p.paidAt,
      receiptUrl: p.receiptUrl,
    }),
  },
  charge_failed: {
    audience: 'member',
    defaults: ['email', 'sms'],
    live: false,
    subject: { es: 'No pudimos cobrar tu membresía', en: 'We could not charge your membership' },
    body: {
      es:
        'Tu banco rechazó el cargo de {amount} de tu membresía {membershipNumber} a la tarjeta terminada en {cardLast4}. ' +
        '{retry, select, yes {Lo intentaremos de nuevo el {nextRetryAt, date, long}.} other {Tu membresía queda suspendida hasta que se cubra.}} ' +
        'Para seguir protegido, revisa tu tarjeta con tu banco o actualízala en {cardUrl}.',
      en:
        'Your bank declined the charge of {amount} for your membership {membershipNumber} to the card ending in {cardLast4}. ' +
        '{retry, select, yes {We will try again on {nextRetryAt, date, long}.} other {Your membership is suspended until it is paid.}} ' +
        'To stay covered, check your card with your bank or update it at {cardUrl}.',
    },
    values: (p) => ({
      amount: money(p.amountCentavos),
      membershipNumber: p.membershipNumber,
      cardLast4: p.cardLast4,
      retry: yes(p.nextRetryAt !== null),
      ...(p.nextRetryAt ? { nextRetryAt: p.nextRetryAt } : {}),
      cardUrl: p.cardUrl,
    }),
  },
  complaint_received: {
    audience: 'member',
    defaults: ['email'],
    live: false,
    subject: { es: 'Recibimos tu queja', en: 'We received your complaint' },
    body: {
      es: 'Recibimos tu queja {complaintNumber}. Te responderemos a más tardar el {dueAt, date, long}.',
      en: 'We received your complaint {complaintNumber}. We will answer by {dueAt, date, long}.',
    },
    values: (p) => ({ complaintNumber: p.complaintNumber, dueAt: p.dueAt }),
  },
  complaint_resolution: {
    audience: 'member',
    defaults: ['email'],
    live: false,
    subject: { es: 'Resolución de tu queja', en: 'Your complaint resolution' },
    body: {
      es: 'Resolvimos tu queja {complaintNumber}. Nuestra respuesta: {resolution}',
      en: 'We have resolved your complaint {complaintNumber}. Our answer: {resolution}',
    },
    values: (p) => ({ complaintNumber: p.complaintNumber, resolution: p.resolution }),
  },
  arco_received: {
    audience: 'member',
    defaults: ['email'],
    live: false,
    subject: { es: 'Recibimos tu solicitud de derechos ARCO', en: 'We received your ARCO request' },
    body: {
      es: `Recibimos tu solicitud de ${ARCO_RIGHT_ES} {requestNumber}. Te responderemos a más tardar el {dueThrough, date, long}. Puedes seguirla en tu cuenta, en Mis derechos ARCO.`,
      en: `We received your ${ARCO_RIGHT_EN} request {requestNumber}. We will answer by {dueThrough, date, long}. You can follow it in your account, under My ARCO rights.`,
    },
    // `dueAt` ends the term (00:00 of the day after): people are told the last day.
    values: (p) => ({
      type: p.type,
      requestNumber: p.requestNumber,
      dueThrough: lastCoveredInstant(p.dueAt),
    }),
  },
  arco_answered: {
    audience: 'member',
    defaults: ['email'],
    live: false,
    subject: { es: 'Respuesta a tu solicitud de derechos ARCO', en: 'Answer to your ARCO request' },
    body: {
      es:
        `{accepted, select, yes {Aceptamos} other {No procede}} tu solicitud de ${ARCO_RIGHT_ES} {requestNumber}. {answer}` +
        '{download, select, yes { Descarga tus datos en tu cuenta, en Mis derechos ARCO.} other {}}',
      en:
        `{accepted, select, yes {We accepted} other {We could not grant}} your ${ARCO_RIGHT_EN} request {requestNumber}. {answer}` +
        '{download, select, yes { Download your data in your account, under My ARCO rights.} other {}}',
    },
    values: (p) => ({
      accepted: yes(p.accepted),
      type: p.type,
      requestNumber: p.requestNumber,
      answer: p.answer,
      download: yes(p.downloadReady),
    }),
  },
  cancellation_confirmation: {
    audience: 'member',
    defaults: ['email'],
    live: false,
    subject: { es: 'Cancelación de tu membresía', en: 'Membership cancellation' },
    body: {
      es:
        'Cancelamos tu membresía {membershipNumber} (confirmación {cancellationNumber}). No habrá más cargos. ' +
        '{outcome, select,' +
        ' refunded {Te reembolsamos {refund} a tu tarjeta terminada en {cardLast4}; tu cobertura terminó al cancelar.}' +
        ' nothingToRefund {No hubo cargos que reembolsar; tu cobertura terminó al cancelar.}' +
        ' other {Tu cobertura sigue hasta el {coveredThrough, date, long}.}}',
      en:
        'We cancelled your membership {membershipNumber} (confirmation {cancellationNumber}). There will be no more charges. ' +
        '{outcome, select,' +
        ' refunded {We refunded {refund} to your card ending in {cardLast4}; your coverage ended on cancelling.}' +
        ' nothingToRefund {There were no charges to refund; your coverage ended on cancelling.}' +
        ' other {You stay covered through {coveredThrough, date, long}.}}',
    },
    values: (p) => ({
      membershipNumber: p.membershipNumber,
      cancellationNumber: p.cancellationNumber,
      outcome: p.refundEligible ? (p.refundCentavos > 0 ? 'refunded' : 'nothingToRefund') : 'covered',
      refund: money(p.refundCentavos),
      cardLast4: p.cardLast4,
      coveredThrough: lastCoveredInstant(p.coverageEndsAt),
    }),
  },
  refund_issued: {
    audience: 'member',
    defaults: ['email'],
    live: false,
    subject: { es: 'Te reembolsamos', en: 'We refunded you' },
    body: {
      es: 'Reembolsamos {amount} de tu membresía {membershipNumber} a tu tarjeta terminada en {cardLast4}. Según tu banco, puede tardar hasta 10 días hábiles en verse.',
      en: 'We refunded {amount} for your membership {membershipNumber} to your card ending in {cardLast4}. Depending on your bank, it may take up to 10 business days to show.',
    },
    values: (p) => ({
      amount: money(p.amountCentavos),
      membershipNumber: p.membershipNumber,
      cardLast4: p.cardLast4,
    }),
  },
  // The code is all it carries besides the line to call: whoever did not ask for it learns nothing
  // of the membership, and is told what to do.
  account_activation_code: {
    audience: 'account',
    defaults: ['email'],
    live: true,
    subject: { es: 'Tu código para activar tu cuenta', en: 'Your code to activate your account' },
    body: {
      es: `Asistencia Libra Plus: tu código para activar tu cuenta es {code}. Caduca ${AT_HOUR('expiresAt')} {expiresAt, time, clock}. Si no lo pediste, ignora este mensaje o llámanos al {operatorPhone}.`,
      en: 'Asistencia Libra Plus: your code to activate your account is {code}. It expires at {expiresAt, time, clock}. If you did not ask for it, ignore this message or call us at {operatorPhone}.',
    },
    values: (p, language) => ({
      code: p.code,
      expiresAt: p.expiresAt,
      expiresAtHour: hourOf(p.expiresAt),
      operatorPhone: OPERATOR_PHONE[language],
    }),
  },
  // The link is the invitation: who invites, and until when; nothing of the membership's money.
  beneficiary_invitation: {
    audience: 'account',
    defaults: ['email'],
    live: true,
    subject: { es: 'Te invitan a Asistencia Libra Plus', en: 'You are invited to Asistencia Libra Plus' },
    body: {
      es: 'Asistencia Libra Plus: {titularName} te invita a abrir tu propia cuenta para pedir asistencia. La invitación vence el {expiresAt, date, dayMonth}. Ábrela en {url}',
      en: 'Asistencia Libra Plus: {titularName} invites you to open your own account to request assistance. The invitation expires on {expiresAt, date, dayMonth}. Open it at {url}',
    },
    values: (p) => ({ titularName: p.titularName, expiresAt: p.expiresAt, url: p.url }),
  },
};
