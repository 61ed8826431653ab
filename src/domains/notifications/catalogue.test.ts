import { describe, expect, it } from 'vitest';
import { messageArguments } from '../../lib/words.ts';
import { CATALOGUE, type Language, type MessageKind, type MessageParams, render } from './catalogue.ts';

// Instants chosen to cross days and hours in Mexico City (UTC-6): 07:05Z is 01:05 there.
const NOON = new Date('2026-11-26T18:00:00Z');
const ONE_AM = new Date('2026-11-26T07:05:00Z');
const LATE = new Date('2026-12-01T05:30:00Z'); // Nov 30, 23:30 in Mexico City
const DAY_END = new Date('2027-01-25T06:00:00Z'); // 00:00 Jan 25: the last covered day is Jan 24
const service = { es: 'Envío de grúa', en: 'Tow truck' };
const url = 'https://libra.test/app/casos/abc';

/** Every kind with its variants: each branch of each template, so every sentence is read. */
const SAMPLES: { [K in MessageKind]: MessageParams[K][] } = {
  membership_welcome: [
    {
      membershipNumber: 'LM-26-000123',
      planName: 'Libra Plus',
      monthlyCentavos: 21_800,
      freeUntil: DAY_END,
      firstChargeAt: DAY_END,
      termsVersion: '2024-01',
      privacyVersion: '2024-01',
    },
    {
      membershipNumber: 'LM-26-000124',
      planName: 'Libra One',
      monthlyCentavos: 14_900,
      freeUntil: null,
      firstChargeAt: NOON,
      termsVersion: '2024-01',
      privacyVersion: '2024-01',
    },
    {
      membershipNumber: 'LM-26-000125',
      planName: 'Libra One',
      monthlyCentavos: 14_900,
      freeUntil: null,
      firstChargeAt: null,
      termsVersion: '2024-01',
      privacyVersion: '2024-01',
    },
  ],
  charge_notice: [
    {
      membershipNumber: 'LM-26-000123',
      chargeAt: LATE,
      amountCentavos: 21_800,
      cardLast4: '4242',
      cancelUrl: url,
    },
  ],
  charge_succeeded: [
    {
      membershipNumber: 'LM-26-000123',
      amountCentavos: 21_800,
      paidAt: NOON,
      cardLast4: '4242',
      receiptUrl: url,
    },
  ],
  charge_failed: [
    {
      membershipNumber: 'LM-26-000123',
      amountCentavos: 21_800,
      cardLast4: '0002',
      nextRetryAt: NOON,
      cardUrl: url,
    },
    {
      membershipNumber: 'LM-26-000123',
      amountCentavos: 21_800,
      cardLast4: '0002',
      nextRetryAt: null,
      cardUrl: url,
    },
  ],
  case_provider_assigned: [
    { caseNumber: 'LP-26-004211', serviceName: service, providerName: 'Grúas Reforma', etaMinutes: 25 },
    { caseNumber: 'LP-26-004211', serviceName: service, providerName: 'Grúas Reforma', etaMinutes: null },
    { caseNumber: 'LP-26-004211', serviceName: service, providerName: 'Grúas Reforma', etaMinutes: 100 },
  ],
  case_provider_en_route: [
    { caseNumber: 'LP-26-004211', providerName: 'Grúas Reforma', etaMinutes: 12 },
    { caseNumber: 'LP-26-004211', providerName: 'Grúas Reforma', etaMinutes: null },
  ],
  case_provider_arrived: [{ caseNumber: 'LP-26-004211', providerName: 'Grúas Reforma' }],
  case_completed: [{ caseNumber: 'LP-26-004211', serviceName: service }],
  case_excess_to_accept: [{ caseNumber: 'LP-26-004211', amountCentavos: 40_000, acceptUrl: url }],
  case_refused: [
    {
      caseNumber: 'LP-26-004211',
      serviceName: service,
      reason: { es: 'El lugar está fuera de México.', en: 'The place is outside Mexico.' },
    },
    {
      caseNumber: 'LP-26-004211',
      serviceName: service,
      reason: { es: 'Lo pidió el titular.', en: 'The titular asked.' },
      closing: 'cancelled',
    },
    {
      caseNumber: 'LP-26-004211',
      serviceName: service,
      reason: { es: 'Ya no queda ninguno.', en: 'None left.' },
      closing: 'refused',
    },
  ],
  appointment_confirmation: [
    { caseNumber: 'LP-26-004212', providerName: 'Hospital Ángeles', at: NOON },
    { caseNumber: 'LP-26-004212', providerName: 'Hospital Ángeles', at: ONE_AM },
  ],
  appointment_reminder_24h: [{ caseNumber: 'LP-26-004212', providerName: 'Hospital Ángeles', at: LATE }],
  appointment_reminder_2h: [{ caseNumber: 'LP-26-004212', providerName: 'Hospital Ángeles', at: NOON }],
  remote_consultation_taken: [
    {
      caseNumber: 'LP-26-004213',
      serviceName: { es: 'Médico online', en: 'Online doctor' },
      staffName: 'Dra. Ruiz',
    },
  ],
  claim_approved: [{ caseNumber: 'LP-26-004214', amountCentavos: 500_000 }],
  claim_paid: [{ caseNumber: 'LP-26-004214', amountCentavos: 500_000 }],
  claim_rejected: [{ caseNumber: 'LP-26-004214', reason: 'La factura no es del titular.' }],
  complaint_received: [{ complaintNumber: 'LQ-26-000001', dueAt: LATE }],
  complaint_resolution: [{ complaintNumber: 'LQ-26-000001', resolution: 'Reembolsamos el servicio.' }],
  arco_received: (['access', 'rectification', 'cancellation', 'opposition'] as const).map((type) => ({
    requestNumber: 'AR-26-000001',
    type,
    dueAt: DAY_END,
  })),
  arco_answered: [
    {
      requestNumber: 'AR-26-000001',
      type: 'access',
      accepted: true,
      answer: 'Tus datos.',
      downloadReady: true,
    },
    {
      requestNumber: 'AR-26-000002',
      type: 'cancellation',
      accepted: false,
      answer: 'Sigue vigente.',
      downloadReady: false,
    },
    {
      requestNumber: 'AR-26-000003',
      type: 'opposition',
      accepted: true,
      answer: 'Anotado.',
      downloadReady: false,
    },
    {
      requestNumber: 'AR-26-000004',
      type: 'rectification',
      accepted: true,
      answer: 'Corregido.',
      downloadReady: false,
    },
  ],
  cancellation_confirmation: [
    {
      membershipNumber: 'LM-26-000123',
      cancellationNumber: 'LC-26-000001',
      coverageEndsAt: DAY_END,
      refundEligible: false,
      refundCentavos: 0,
      cardLast4: '4242',
    },
    {
      membershipNumber: 'LM-26-000123',
      cancellationNumber: 'LC-26-000002',
      coverageEndsAt: NOON,
      refundEligible: true,
      refundCentavos: 21_800,
      cardLast4: '4242',
    },
    {
      membershipNumber: 'LM-26-000123',
      cancellationNumber: 'LC-26-000003',
      coverageEndsAt: NOON,
      refundEligible: true,
      refundCentavos: 0,
      cardLast4: '4242',
    },
  ],
  refund_issued: [{ membershipNumber: 'LM-26-000123', amountCentavos: 5_000, cardLast4: '4242' }],
  provider_offer: [
    {
      caseNumber: 'LP-26-004211',
      serviceName: service,
      place: 'Centro, CDMX',
      distanceKm: 4.25,
      expiresAt: NOON,
      jobsUrl: url,
    },
    { caseNumber: 'LP-26-004211', serviceName: service, place: '', expiresAt: ONE_AM, jobsUrl: url },
  ],
  account_activation_code: [
    { code: '123456', expiresAt: NOON },
    { code: '654321', expiresAt: ONE_AM },
  ],
  beneficiary_invitation: [{ titularName: 'María López', url, expiresAt: LATE }],
  location_request: [{ url, expiresAt: ONE_AM }],
};

// What a person must never read: a code, an ISO date, a "(s)" for a plural, a hole where a value was.
const NEVER: [string, RegExp][] = [
  ['"(s)"', /\(s\)|\(es\)/],
  ['an ISO date', /\d{4}-\d{2}-\d{2}/],
  ['undefined, NaN, null or a bare object', /\bundefined\b|\bNaN\b|\bnull\b|\[object/],
  ['a placeholder left', /[{}]/],
  ['a snake_case or camelCase code', /\b[a-z]+_[a-z_]+\b|\b[a-z]+[A-Z][A-Za-z]*\b/],
  ['true or false', /\b(true|false)\b/],
];
// Codes that are English words: in a Spanish sentence they can only be a raw enum.
const RAW_IN_SPANISH =
  /\b(access|rectification|cancellation|opposition|refused|cancelled|yes|none|now|covered)\b/;

const kinds = Object.keys(CATALOGUE) as MessageKind[];

describe('the message catalogue', () => {
  it('has samples for every kind', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...kinds].sort());
  });

  // Spanish alone reads `<time>Hour` (its article: "a la 1:05", "a las 14:35").
  const facts = (names: string[] | null) => names?.filter((name) => !name.endsWith('Hour')) ?? null;
  it.each(kinds)('%s reads the same facts in both languages, as valid ICU', (kind) => {
    const { body } = CATALOGUE[kind];
    const es = messageArguments(body.es, 'es');
    expect(es, body.es).not.toBeNull();
    expect(facts(messageArguments(body.en, 'en'))).toEqual(facts(es));
  });

  it.each(kinds)('%s renders every variant in both languages with no code, ISO date or "(s)"', (kind) => {
    for (const params of SAMPLES[kind] as MessageParams[typeof kind][]) {
      const text = render(kind, params as never);
      for (const language of ['es', 'en'] as Language[]) {
        const said = text[language];
        // URLs are the one place a code-like text may appear; they are values, not words.
        const words = said.replaceAll(url, '');
        expect(words.trim().length, `${kind} ${language}`).toBeGreaterThan(20);
        for (const [what, pattern] of NEVER)
          expect(words, `${kind} (${language}) has ${what}`).not.toMatch(pattern);
        if (language === 'es') expect(words, `${kind}: a raw code in Spanish`).not.toMatch(RAW_IN_SPANISH);
      }
      expect(text.es).not.toEqual(text.en);
    }
  });

  it('says dates as words in Mexico City, and the article before the hour', () => {
    const welcome = render(
      'membership_welcome',
      SAMPLES.membership_welcome[0] as MessageParams['membership_welcome'],
    );
    expect(welcome.es).toContain('Tus meses sin costo cubren hasta el 24 de enero de 2027.');
    expect(welcome.en).toContain('Your free months last through January 24, 2027.');
    const notice = render('charge_notice', SAMPLES.charge_notice[0] as MessageParams['charge_notice']);
    expect(notice.es).toContain('se cobrará el 30 de noviembre de 2026 por $218.00');
    expect(notice.en).toContain('on November 30, 2026');
    const [noon, early] = SAMPLES.appointment_confirmation as MessageParams['appointment_confirmation'][];
    expect(render('appointment_confirmation', noon as never).es).toContain(
      'quedó agendada para el 26 de noviembre de 2026 a las 12:00.',
    );
    expect(render('appointment_confirmation', early as never).es).toContain(
      'el 26 de noviembre de 2026 a la 01:05.',
    );
    expect(render('appointment_confirmation', early as never).en).toContain(
      'booked for November 26, 2026 at 01:05.',
    );
    expect(render('account_activation_code', { code: '1', expiresAt: ONE_AM }).es).toContain(
      'Caduca a la 01:05.',
    );
    expect(render('beneficiary_invitation', SAMPLES.beneficiary_invitation[0] as never).es).toContain(
      'La invitación vence el 30 de noviembre.',
    );
  });

  it('names the ARCO right, the closing and the outcome in words', () => {
    const received = render('arco_received', {
      requestNumber: 'AR-26-000001',
      type: 'opposition',
      dueAt: DAY_END,
    });
    expect(received.es).toContain('Recibimos tu solicitud de oposición AR-26-000001.');
    expect(received.es).toContain('a más tardar el 24 de enero de 2027');
    expect(received.en).toContain('your objection request AR-26-000001');
    const offer = render('provider_offer', SAMPLES.provider_offer[0] as never);
    expect(offer.es).toContain(
      'envío de grúa en Centro, CDMX, a 4.3 km de tu unidad. Acéptalo antes de las 12:00',
    );
    expect(render('provider_offer', SAMPLES.provider_offer[1] as never).es).toContain(
      'envío de grúa. Acéptalo antes de la 01:05',
    );
  });
});
