/**
 * The app's real answers to the bank's main flow (test/partner-client.test.ts drives the same),
 * shown as examples in the OpenAPI description (src/platform/openapi-examples.ts).
 */

/** The sandbox token of the Visa test card, as the card-token example answers it. */
export const CARD_TOKEN = 'tok_sandbox_8Lk_F0_cLWc6eeeVGxC0OmYV';

export const CARD_TOKEN_ANSWER = {
  token: CARD_TOKEN,
  brand: 'visa',
  type: 'credit',
  last4: '4242',
  expMonth: 12,
  expYear: 2030,
};

export const MEMBERSHIP_ANSWER = {
  id: '01a24a4c-bd90-7658-ae77-f320523ad84b',
  number: 'LM-26-000001',
  state: 'active',
  channel: 'bank',
  plan: {
    code: 'libra-plus',
    name: 'Libra Plus',
    version: 1,
  },
  titular: {
    fullName: 'Rosa Elena Martínez Soto',
    email: 'rosa.martinez@correo.example',
    phone: '5523456789',
    birthDate: '1979-06-02',
    rfc: null,
    curp: null,
    hasAccount: false,
  },
  card: {
    brand: 'visa',
    type: 'credit',
    last4: '4242',
    expMonth: 12,
    expYear: 2030,
  },
  contractedAt: '2026-11-25T20:05:00.000Z',
  trialEndsAt: null,
  membershipYear: {
    number: 1,
    startsAt: '2026-11-25T20:05:00.000Z',
    endsAt: '2027-11-25T06:00:00.000Z',
    resetsOn: '2027-11-25',
  },
  nextChargeOn: '2026-11-25',
  cancelledAt: null,
  people: [
    {
      id: 'titular',
      kind: 'titular',
      fullName: 'Rosa Elena Martínez Soto',
      birthDate: '1979-06-02',
      cardLast4: '4242',
      addedAt: '2026-11-25T20:05:00.000Z',
      removedAt: null,
      covered: true,
      coverage: {
        code: 'COVERED',
        reason: {
          es: 'Cubierto como titular.',
          en: 'Covered as cardholder.',
        },
        coveredUntil: null,
      },
    },
  ],
};

export const CASE_ANSWER = {
  id: '01a24a4c-c050-76f2-bb0e-b92b9aeb7ee0',
  number: 'LP-26-000001',
  state: 'requested',
  stateLabel: {
    es: 'Solicitado: buscando proveedor',
    en: 'Requested: finding a provider',
  },
  channel: 'bank',
  fulfilment: 'dispatch',
  membershipId: '01a24a4c-bd90-7658-ae77-f320523ad84b',
  person: {
    id: 'titular',
    name: 'Rosa Elena Martínez Soto',
  },
  serviceCode: 'tow-truck',
  place: {
    address: 'Plaza de la Constitución s/n, Centro, CDMX',
    lat: 19.4326,
    lng: -99.1332,
    stateCode: 'CMX',
    country: 'MX',
    precision: null,
    accuracyM: null,
  },
  description: 'El coche no arranca; necesito grúa al taller.',
  details: {
    vehicle: {
      make: 'Nissan',
      year: 2019,
      model: 'Versa',
      plates: 'ABC-123-D',
    },
  },
  decision: {
    allowed: true,
    reasons: [
      {
        code: 'MEMBERSHIP_CURRENT',
        ok: true,
        es: 'La membresía está activa y al corriente.',
        en: 'The membership is active and paid up.',
      },
      {
        code: 'PERSON_COVERED',
        ok: true,
        es: 'Rosa Elena Martínez Soto: Cubierto como titular.',
        en: 'Rosa Elena Martínez Soto: Covered as cardholder.',
      },
      {
        code: 'SERVICE_IN_PLAN',
        ok: true,
        es: 'Envío de grúa está incluido en Libra Plus.',
        en: 'Tow truck is included in Libra Plus.',
      },
      {
        code: 'WITHIN_LIMIT',
        ok: true,
        es: 'Uso ilimitado; 0 usos este año de membresía.',
        en: 'Unlimited; 0 used this membership year.',
      },
      {
        code: 'COST_ESTIMATE_REQUIRED',
        ok: true,
        es: 'Cubierto hasta $1,000.00 por evento; el excedente lo pagas tú y se te informa antes del envío.',
        en: 'Covered up to $1,000.00 per event; any excess is yours and is shown to you before dispatch.',
      },
    ],
    usage: {
      serviceCode: 'tow-truck',
      name: {
        es: 'Envío de grúa',
        en: 'Tow truck',
      },
      limit: {
        kind: 'unlimited',
        used: 0,
      },
      resetsOn: '2027-11-25',
    },
    cost: {
      kind: 'capped',
      capCentavos: 100000,
      estimatedCentavos: null,
      coveredCentavos: null,
      excessCentavos: null,
      excessMustBeAccepted: true,
    },
    membershipYear: {
      number: 1,
      startsAt: '2026-11-25T20:05:00.000Z',
      endsAt: '2027-11-25T06:00:00.000Z',
      resetsOn: '2027-11-25',
    },
  },
  provider: null,
  eta: null,
  cost: {
    quoteCentavos: null,
    coveredCentavos: null,
    excessCentavos: null,
    excessAcceptedAt: null,
    excessAcceptedBy: null,
    finalCostCentavos: null,
  },
  needsManualDispatch: false,
  sla: {
    dispatchDueAt: '2026-11-25T20:20:00.000Z',
    arrivalDueAt: '2026-11-25T20:50:00.000Z',
    minutesToDispatch: null,
    minutesToArrival: null,
    breached: [],
  },
  requestedAt: '2026-11-25T20:05:00.000Z',
  dispatchedAt: null,
  enRouteAt: null,
  onSiteAt: null,
  completedAt: null,
  closedAt: null,
  closeReason: null,
  unit: null,
  rating: null,
  timeline: [
    {
      seq: 1,
      type: 'requested',
      label: {
        es: 'Solicitud recibida',
        en: 'Request received',
      },
      state: 'requested',
      at: '2026-11-25T20:05:00.000Z',
      actor: {
        kind: 'api_key:partner',
        name: 'Demo partner (banco)',
      },
      note: null,
      data: {
        channel: 'bank',
      },
    },
    {
      seq: 2,
      type: 'offered',
      label: {
        es: 'Ofrecido a un proveedor cercano',
        en: 'Offered to a nearby provider',
      },
      state: 'requested',
      at: '2026-11-25T20:05:00.000Z',
      actor: {
        kind: 'system',
        name: 'Libra',
      },
      note: null,
      data: {
        attempt: 1,
        expiresAt: '2026-11-25T20:07:00.000Z',
        providerName: 'Grúas Reforma',
      },
    },
  ],
};

export const CHARGES_ANSWER = {
  data: [
    {
      id: '01a24a4c-c4c4-7bc5-90df-03c3528c28b4',
      membershipId: '01a24a4c-bd90-7658-ae77-f320523ad84b',
      membershipNumber: 'LM-26-000001',
      period: {
        key: '2026-11',
        startsAt: '2026-11-25T20:05:00.000Z',
        endsAt: '2026-12-25T06:00:00.000Z',
        label: {
          es: '25 nov 2026 – 24 dic 2026',
          en: '25 Nov 2026 – 24 Dec 2026',
        },
      },
      amount: {
        totalCentavos: 21800,
        baseCentavos: 18793,
        ivaCentavos: 3007,
        currency: 'MXN',
      },
      method: 'card',
      card: {
        brand: 'visa',
        last4: '4242',
      },
      status: 'succeeded',
      statusLabel: {
        es: 'Pagado',
        en: 'Paid',
      },
      declineCode: null,
      declineLabel: null,
      attempts: [
        {
          number: 1,
          status: 'succeeded',
          declineCode: null,
          cardLast4: '4242',
          at: '2026-11-25T20:05:00.000Z',
        },
      ],
      retryAt: null,
      paidAt: '2026-11-25T20:05:00.000Z',
      refundedCentavos: 0,
      refunds: [],
      receipt: {
        folio: 'REC-2026-000001',
        issuedAt: '2026-11-25T20:05:00.000Z',
        description: {
          es: 'Asistencia Libra Plus, membresía LM-26-000001, periodo 25 nov 2026 – 24 dic 2026',
          en: 'Asistencia Libra Plus, membership LM-26-000001, period 25 Nov 2026 – 24 Dec 2026',
        },
        totalCentavos: 21800,
        baseCentavos: 18793,
        ivaCentavos: 3007,
        currency: 'MXN',
        ivaRatePercent: 16,
        card: {
          brand: 'visa',
          last4: '4242',
        },
        period: {
          key: '2026-11',
          startsAt: '2026-11-25T20:05:00.000Z',
          endsAt: '2026-12-25T06:00:00.000Z',
          label: {
            es: '25 nov 2026 – 24 dic 2026',
            en: '25 Nov 2026 – 24 Dec 2026',
          },
        },
        cfdi: {
          receiverRfc: 'XAXX010101000',
          receiverName: 'Rosa Elena Martínez Soto',
          receiverFiscalRegime: '616',
          cfdiUse: 'S01',
          paymentForm: '04',
          paymentMethod: 'PUE',
          currency: 'MXN',
        },
      },
      createdAt: '2026-11-25T20:05:00.000Z',
      updatedAt: '2026-11-25T20:05:00.000Z',
    },
  ],
};
