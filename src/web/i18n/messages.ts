/**
 * Every string the customer web shows, in es-MX (first) and English. Components never write text
 * inline: they call `t('key')`. Texts are ICU MessageFormat (src/lib/words.ts): `{name}`
 * placeholders are filled by `t('key', { name })`, and a count says its own words with
 * `{count, plural, one {# resultado} other {# resultados}}` — never "resultado(s)".
 * The English catalogue must have exactly the Spanish keys (i18n.test.ts checks it). Each area's
 * file (areas/*.ts) exports `es` and `en` the same way.
 */

import * as access from './areas/access.ts';
import * as arco from './areas/arco.ts';
import * as assistance from './areas/assistance.ts';
import * as beneficiary from './areas/beneficiary.ts';
import * as contract from './areas/contract.ts';
import * as legal from './areas/legal.ts';
import * as location from './areas/location.ts';
import * as maps from './areas/maps.ts';
import * as notices from './areas/notices.ts';
import * as portal from './areas/portal.ts';
import * as sitePublic from './areas/site-public.ts';

const site = {
  'site.title': 'Asistencia Libra Plus',
  'site.skip': 'Saltar al contenido',
  'site.brand': 'Libra',
  'site.home': 'Libra, inicio',
  'site.nav': 'Principal',
  'site.language': 'Idioma',
  'site.footer.operator': 'Libra es un programa de asistencias, no un seguro.',
  'site.footer.api': 'Documentación de la API',
  'lang.es': 'Español',
  'lang.en': 'English',

  'money.ivaIncluded': 'IVA incluido',
  'money.perMonth': 'al mes',
  'money.ivaBreakdown': 'Base {base} más IVA {iva}',

  'phone.call': 'Llámanos al {phone}',
  'phone.assistance': 'Asistencia las 24 horas, los 365 días del año',
  'phone.hours':
    'Dudas y cancelaciones: lunes a viernes de 08:00 a 21:00 h y sábados de 09:00 a 17:00 h (hora de la Ciudad de México).',
  'phone.international': 'Desde el extranjero: {phone}, opción 5, las 24 horas.',

  'state.loading': 'Cargando el plan…',
  'state.error.title': 'No pudimos cargar el plan',
  'state.error.retry': 'Reintentar',
  'state.error.call': 'Si el problema sigue, llámanos al {phone}.',
  'state.error.network': 'No hay conexión con Libra. Revisa tu conexión a internet e inténtalo de nuevo.',
  'state.empty.title': 'Este plan no está a la venta por ahora',
  'state.empty.body': 'Llámanos al {phone} y te decimos qué plan puedes contratar.',
  'state.empty.services': 'Este plan todavía no tiene asistencias publicadas.',

  'plan.eyebrow': 'Asistencia {name}',
  'plan.heading': 'Libra te respalda en cada paso',
  'plan.trial': 'Contrata en línea y recibe gratis {months} meses de cobertura.',
  'plan.cta': 'Contratar en línea',
  'plan.callCta': 'Llámanos',
  'plan.illustrative': 'Valores ilustrativos',
  'plan.priceLabel': 'Precio',

  'categories.heading': 'Todo lo que cubre',
  'categories.intro': 'Descubre las asistencias que puedes usar en todo momento.',
  'category.medical': 'Médica',
  'category.medical.body': 'Médico en línea, especialistas y ambulancias.',
  'category.home': 'Hogar',
  'category.home.body': 'Especialistas llegan hasta la puerta de tu casa en caso de cualquier incidente.',
  'category.roadside': 'Vial',
  'category.roadside.body': 'Protección para tu auto donde quiera que estés.',
  'category.legal': 'Legal y gestoría',
  'category.legal.body': 'Abogados que te ayudan las 24 h, los 365 días del año, y retiros protegidos.',

  'benefits.heading': 'Beneficios y límites',
  'benefits.caption': 'Asistencias de {name} y cuántas veces puedes usarlas por año de membresía',
  'benefits.service': 'Asistencia',
  'benefits.limit': 'Límite por año',
  'benefits.perEvent': 'Por evento',
  'benefits.unlimited': 'Ilimitado',
  'benefits.perYear': '{count} al año',
  'benefits.perYearPerKey': '{count} al año, {perKey} por {key}',
  'benefits.key.specialty': 'especialidad',
  'benefits.noCost': 'Sin costo',
  'benefits.cap': 'Cubierto hasta {amount}',
  'benefits.atm': 'Hasta el máximo de disposición de tu tarjeta en 24 h',
  'benefits.onlyIn': 'Solo en {countries}',
  'benefits.country.MX': 'México',
  'benefits.illustrative': 'valor ilustrativo',
  'benefits.towNote':
    'Los arrastres carreteros pueden tener un costo excedente (traslado de la grúa, casetas, abanderamientos, maniobras); te lo decimos y lo aceptas antes de enviar la grúa.',
  'benefits.illustrativeNote':
    'Los valores marcados como ilustrativos no vienen de los términos públicos del programa.',

  'faq.heading': 'Preguntas frecuentes',
  'faq.q1': '¿Libra es un seguro?',
  'faq.a1':
    'No. No tiene plazo forzoso, no firmas ningún documento para contratarlo y no tiene copagos ni deducibles.',
  'faq.q2': '¿Qué es Libra?',
  'faq.a2':
    'Un servicio de asistencias, soluciones y beneficios que te da el apoyo necesario en el momento preciso.',
  'faq.q3': '¿Cómo solicito una asistencia?',
  'faq.a3': 'Llámanos al {phone}, las 24 horas, los 365 días del año.',
  'faq.q4': '¿Quién puede usar Libra?',
  'faq.a4':
    'El titular de la tarjeta de crédito o débito, su cónyuge, sus hijos menores de 21 años y sus tarjetas adicionales.',
  'faq.q5': 'Si un servicio no me gustó, ¿cómo pongo una queja?',
  'faq.a5': 'Llámanos al {phone}, las 24 horas, los 365 días del año. Con gusto te atendemos.',

  'terms.heading': 'Cancelación y exclusiones',
  'terms.cancel.heading': 'Cancelación',
  'terms.cancel.free': 'Cancelar no tiene costo y, una vez cancelado, no verás más cargos por este servicio.',
  'terms.cancel.online':
    'Si contrataste en línea, cancelas en línea. Si contrataste por teléfono o con tu banco, cancela llamando al {phone}.',
  'terms.cancel.refund':
    'Tienes 30 días naturales desde que contratas para cancelar y pedir el reembolso del cargo, si no has usado ninguna asistencia.',
  'terms.exclusions.heading': 'Exclusiones',
  'terms.exclusions.transfer':
    'Los servicios no son transferibles: cubren solo al titular, su cónyuge, sus hijos menores de 21 años y sus tarjetas adicionales.',
  'terms.exclusions.current': 'Para usar las asistencias tu pago mensual debe estar al corriente.',
  'terms.exclusions.charge':
    'Cargo recurrente mensual a tarjeta de crédito o domiciliación a tarjeta de débito.',

  'contact.heading': '¿Necesitas ayuda?',

  'notFound.heading': 'No encontramos esta página',
  'notFound.back': 'Ir al inicio',
} as const;

/** Each area of the web keeps its strings in its own file (areas/); this is the whole catalogue. */
export const es = {
  ...site,
  ...contract.es,
  ...portal.es,
  ...access.es,
  ...assistance.es,
  ...legal.es,
  ...notices.es,
  ...location.es,
  ...maps.es,
  ...arco.es,
  ...sitePublic.es,
  ...beneficiary.es,
};

export type MessageKey = keyof typeof es;
export type Messages = Record<MessageKey, string>;

const siteEn: Record<keyof typeof site, string> = {
  'site.title': 'Libra Plus Assistance',
  'site.skip': 'Skip to content',
  'site.brand': 'Libra',
  'site.home': 'Libra, home',
  'site.nav': 'Main',
  'site.language': 'Language',
  'site.footer.operator': 'Libra is an assistance programme, not insurance.',
  'site.footer.api': 'API documentation',
  'lang.es': 'Español',
  'lang.en': 'English',

  'money.ivaIncluded': 'VAT (IVA) included',
  'money.perMonth': 'a month',
  'money.ivaBreakdown': 'Base {base} plus VAT {iva}',

  'phone.call': 'Call us on {phone}',
  'phone.assistance': 'Assistance 24 hours a day, 365 days a year',
  'phone.hours':
    'Questions and cancellations: Monday to Friday 08:00–21:00 and Saturday 09:00–17:00 (Mexico City time).',
  'phone.international': 'From abroad: {phone}, option 5, 24 hours a day.',

  'state.loading': 'Loading the plan…',
  'state.error.title': 'We could not load the plan',
  'state.error.retry': 'Try again',
  'state.error.call': 'If it keeps happening, call us on {phone}.',
  'state.error.network': 'There is no connection to Libra. Check your internet connection and try again.',
  'state.empty.title': 'This plan is not on sale right now',
  'state.empty.body': 'Call us on {phone} and we will tell you which plan you can take.',
  'state.empty.services': 'This plan has no assistance services published yet.',

  'plan.eyebrow': '{name} assistance',
  'plan.heading': 'Libra has your back at every step',
  'plan.trial': 'Sign up online and get {months} months of cover free.',
  'plan.cta': 'Sign up online',
  'plan.callCta': 'Call us',
  'plan.illustrative': 'Illustrative values',
  'plan.priceLabel': 'Price',

  'categories.heading': 'What it covers',
  'categories.intro': 'The assistance services you can use at any time.',
  'category.medical': 'Medical',
  'category.medical.body': 'Online doctor, specialists and ambulances.',
  'category.home': 'Home',
  'category.home.body': 'Specialists come to your door whenever something goes wrong at home.',
  'category.roadside': 'Roadside',
  'category.roadside.body': 'Protection for your car wherever you are.',
  'category.legal': 'Legal and paperwork',
  'category.legal.body': 'Lawyers helping you 24 hours a day, 365 days a year, and protected withdrawals.',

  'benefits.heading': 'Benefits and limits',
  'benefits.caption': '{name} assistance services and how often you can use them per membership year',
  'benefits.service': 'Service',
  'benefits.limit': 'Yearly limit',
  'benefits.perEvent': 'Per event',
  'benefits.unlimited': 'Unlimited',
  'benefits.perYear': '{count} a year',
  'benefits.perYearPerKey': '{count} a year, {perKey} per {key}',
  'benefits.key.specialty': 'specialty',
  'benefits.noCost': 'No cost',
  'benefits.cap': 'Covered up to {amount}',
  'benefits.atm': "Up to your card's maximum 24-hour withdrawal",
  'benefits.onlyIn': 'Only in {countries}',
  'benefits.country.MX': 'Mexico',
  'benefits.illustrative': 'illustrative value',
  'benefits.towNote':
    'Highway tows may cost extra (moving the truck to you, tolls, flagging, manoeuvres); we tell you and you accept it before the tow truck is sent.',
  'benefits.illustrativeNote': "Values marked illustrative are not from the programme's public terms.",

  'faq.heading': 'Frequently asked questions',
  'faq.q1': 'Is Libra insurance?',
  'faq.a1':
    'No. There is no fixed term, you sign nothing to take it, and there are no co-payments or deductibles.',
  'faq.q2': 'What is Libra?',
  'faq.a2':
    'A service of assistance, solutions and benefits that gives you the help you need when you need it.',
  'faq.q3': 'How do I ask for assistance?',
  'faq.a3': 'Call us on {phone}, 24 hours a day, 365 days a year.',
  'faq.q4': 'Who can use Libra?',
  'faq.a4':
    "The credit or debit cardholder, their spouse, their children under 21 and the account's additional cardholders.",
  'faq.q5': 'If I did not like a service, how do I complain?',
  'faq.a5': 'Call us on {phone}, 24 hours a day, 365 days a year. We will be glad to help.',

  'terms.heading': 'Cancellation and exclusions',
  'terms.cancel.heading': 'Cancellation',
  'terms.cancel.free':
    'Cancelling costs nothing and, once cancelled, you will see no more charges for this service.',
  'terms.cancel.online':
    'If you signed up online, you cancel online. If you signed up by phone or through your bank, cancel by calling {phone}.',
  'terms.cancel.refund':
    'You have 30 calendar days from signing up to cancel and ask for the charge back, if you have used no assistance.',
  'terms.exclusions.heading': 'Exclusions',
  'terms.exclusions.transfer':
    'The services are not transferable: they cover only the cardholder, their spouse, their children under 21 and their additional cardholders.',
  'terms.exclusions.current': 'To use the services your monthly payment must be up to date.',
  'terms.exclusions.charge': 'Monthly recurring charge to a credit card or direct debit from a debit card.',

  'contact.heading': 'Need help?',

  'notFound.heading': 'We could not find this page',
  'notFound.back': 'Go home',
};

export const en: Messages = {
  ...siteEn,
  ...contract.en,
  ...portal.en,
  ...access.en,
  ...assistance.en,
  ...legal.en,
  ...notices.en,
  ...location.en,
  ...maps.en,
  ...arco.en,
  ...sitePublic.en,
  ...beneficiary.en,
};

export const catalogues = { es, en } as const;
export type Lang = keyof typeof catalogues;

/** For keys built from data (a country code, a limit key): is there a message for it? */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(es, key);
}
