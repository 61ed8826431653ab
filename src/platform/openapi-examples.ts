import {
  CARD_TOKEN,
  CARD_TOKEN_ANSWER,
  CASE_ANSWER,
  CHARGES_ANSWER,
  MEMBERSHIP_ANSWER,
} from './openapi-example-answers.ts';

/**
 * Named examples (OpenAPI Example Objects) on the partner's main operations: the bank tokenizes a
 * card, contracts a membership, opens a case and reads the charges. Keyed like OPERATION_IDS;
 * `redocly lint` checks them against the schemas (no-invalid-media-type-examples), and the docs
 * page's "Try it out" starts from the request examples.
 */
export interface OperationExamples {
  body?: Record<string, { summary: string; value: unknown }>;
  /** By status; a problem status's examples go with its problem+json answer. */
  responses?: Record<string, Record<string, { summary: string; value: unknown }>>;
}

export const OPERATION_EXAMPLES: Readonly<Record<string, OperationExamples>> = {
  'POST /v1/sandbox/card-tokens': {
    body: {
      visaCredit: {
        summary: 'The Visa credit test card (sandbox only; docs/api.md lists the others)',
        value: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvv: '123' },
      },
    },
    responses: { 201: { visaCredit: { summary: 'Its token, to contract with', value: CARD_TOKEN_ANSWER } } },
  },
  'POST /v1/memberships': {
    body: {
      bank: {
        summary: 'The bank contracts Libra Plus for its cardholder (a partner key with memberships:write)',
        value: {
          planCode: 'libra-plus',
          titular: {
            fullName: 'Rosa Elena Martínez Soto',
            email: 'rosa.martinez@correo.example',
            phone: '55 2345 6789',
            birthDate: '1979-06-02',
          },
          cardToken: CARD_TOKEN,
          consent: {
            termsVersion: '2024-01',
            privacyNoticeVersion: '2024-01',
          },
        },
      },
    },
    responses: {
      201: {
        bank: {
          summary:
            'Contracted through the bank: active at once (free months are for online contracts), first charge today',
          value: MEMBERSHIP_ANSWER,
        },
      },
      400: {
        invalidEmail: {
          summary: 'A field at fault: each one in `errors`, in the language of Accept-Language',
          value: {
            type: '/problems/validation-failed',
            title: 'Algunos datos no son válidos. Revisa los campos marcados e inténtalo de nuevo.',
            status: 400,
            detail: 'Algunos datos no son válidos. Revisa los campos marcados e inténtalo de nuevo.',
            code: 'VALIDATION_FAILED',
            instance: '/v1/memberships',
            requestId: 'bank-20261125-0001',
            errors: [
              {
                field: 'body/titular/email',
                message: 'Escribe un correo electrónico válido, por ejemplo nombre@correo.com.',
              },
            ],
          },
        },
      },
    },
  },
  'POST /v1/cases': {
    body: {
      tow: {
        summary: 'A tow truck for the titular at the Zócalo',
        value: {
          membershipId: '01a24a4c-bd90-7658-ae77-f320523ad84b',
          personId: 'titular',
          serviceCode: 'tow-truck',
          place: {
            address: 'Plaza de la Constitución s/n, Centro, CDMX',
            lat: 19.4326,
            lng: -99.1332,
            stateCode: 'CMX',
          },
          description: 'El coche no arranca; necesito grúa al taller.',
          details: {
            vehicle: {
              make: 'Nissan',
              model: 'Versa',
              year: 2019,
              plates: 'ABC-123-D',
            },
          },
        },
      },
    },
    responses: {
      201: {
        tow: {
          summary:
            'Allowed: offered to the nearest tow provider; the decision gives every reason and the cost rule',
          value: CASE_ANSWER,
        },
      },
    },
  },
  'GET /v1/memberships/{id}/charges': {
    responses: {
      200: {
        paid: {
          summary: 'The first month, paid, with its receipt (base + IVA 16 % = total)',
          value: CHARGES_ANSWER,
        },
      },
    },
  },
};
