import { CURRENT_PRIVACY_NOTICE, CURRENT_TERMS } from '../../src/domains/members/legal.ts';
import type { ContractInput } from '../../src/domains/members/service.ts';
import type { TestApp } from './app.ts';

let serial = 0;

/** A card token from the sandbox, through the public tokenization endpoint, as the portal gets one. */
export async function tokenize(t: TestApp, number = '4242424242424242', expYear = 2030): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/sandbox/card-tokens',
    payload: { number, expMonth: 12, expYear, cvv: number.startsWith('3') ? '1234' : '123' },
  });
  if (res.statusCode !== 201) throw new Error(`tokenization failed: ${res.statusCode} ${res.body}`);
  return res.json().token;
}

/** A valid contracting body; every field can be overridden. Emails are unique per call. */
export function contractBody(cardToken: string, overrides: Partial<ContractInput> = {}): ContractInput {
  serial++;
  return {
    planCode: 'libra-plus',
    titular: {
      fullName: 'María Fernanda López Ruiz',
      email: `titular-${serial}-${Math.random().toString(36).slice(2, 7)}@test.libra.mx`,
      phone: '55 1234 5678',
      birthDate: '1985-03-15',
      ...overrides.titular,
    },
    cardToken,
    consent: { termsVersion: CURRENT_TERMS.version, privacyNoticeVersion: CURRENT_PRIVACY_NOTICE.version },
    ...(overrides.account ? { account: overrides.account } : {}),
    ...(overrides.planCode ? { planCode: overrides.planCode } : {}),
    ...(overrides.consent ? { consent: overrides.consent } : {}),
  };
}
