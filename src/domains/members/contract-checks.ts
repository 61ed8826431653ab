import { AppError } from '../../lib/errors.ts';
import type { Actor } from '../../platform/principal.ts';
import { birthDateProblem, type FieldProblems, fieldError, objectAt, stringAt } from './checks.ts';
import { ageOn } from './coverage.ts';
import './errors.ts';
import { normaliseMexicanPhone } from '../../lib/phone.ts';
import { normaliseCurp, normaliseFullName, normaliseRfc } from './identity-documents.ts';
import { CURRENT_PRIVACY_NOTICE, CURRENT_TERMS } from './legal.ts';
import type { Channel } from './lifecycle.ts';

/** The checks of a contracting request that need nothing but the request and the time. */

export const TITULAR_MIN_AGE = 18;

export const EMAIL_FIELD = 'body/titular/email';

/** At contracting, an account with the email means the person should sign in (or use another). */
export const EMAIL_TAKEN_AT_CONTRACTING = {
  es: 'Ya existe una cuenta con ese correo. Entra a tu cuenta o usa otro correo.',
  en: 'There is already an account with that email. Sign in to it or use another email.',
};

const UNDERAGE_SENTENCE = {
  es: 'Para contratar, el titular debe tener 18 años cumplidos.',
  en: 'To sign up, the titular must be 18 or older.',
};

const CONSENT_SENTENCES = {
  terms: {
    es: `Acepta los Términos y Condiciones vigentes (versión ${CURRENT_TERMS.version}) para contratar.`,
    en: `Accept the current Terms and Conditions (version ${CURRENT_TERMS.version}) to sign up.`,
  },
  privacyNotice: {
    es: `Acepta el Aviso de Privacidad vigente (versión ${CURRENT_PRIVACY_NOTICE.version}) para contratar.`,
    en: `Accept the current Privacy Notice (version ${CURRENT_PRIVACY_NOTICE.version}) to sign up.`,
  },
};

/** MEMBERSHIP_ALREADY_EXISTS at the field that matched (an account match concerns no one field). */
export function liveMembershipError(match: 'email' | 'curp' | 'account'): AppError {
  if (match === 'account') return new AppError('MEMBERSHIP_ALREADY_EXISTS');
  return fieldError('MEMBERSHIP_ALREADY_EXISTS', `body/titular/${match}`);
}

/** The channel a caller contracts through; callers with none may not contract. */
export function channelOf(actor: Actor): Channel {
  const p = actor.principal;
  if (!p || (p.kind === 'user' && p.role === 'customer')) return 'online';
  if (p.kind === 'user' && (p.role === 'agent' || p.role === 'supervisor')) return 'phone';
  if (p.kind === 'api_key' && p.role === 'partner' && p.scopes.includes('memberships:write')) return 'bank';
  throw new AppError('CHANNEL_NOT_ALLOWED');
}

/** The titular's data normalised, or undefined when any of it is missing or wrong (added to `problems`). */
export function checkTitular(
  input: Partial<Record<'fullName' | 'email' | 'phone' | 'birthDate' | 'rfc' | 'curp', string>>,
  problems: FieldProblems,
  now: Date,
) {
  const field = (name: string) => `body/titular/${name}`;
  const fullName = input.fullName === undefined ? null : normaliseFullName(input.fullName);
  if (input.fullName !== undefined && !fullName) problems.add('NAME_INVALID', field('fullName'));
  const phone = input.phone === undefined ? null : normaliseMexicanPhone(input.phone);
  if (input.phone !== undefined && !phone) problems.add('PHONE_INVALID', field('phone'));
  let birthDate: string | null = null;
  if (input.birthDate !== undefined) {
    const problem = birthDateProblem(input.birthDate, now);
    if (problem) problems.add('BIRTH_DATE_INVALID', field('birthDate'), problem);
    else if (ageOn(input.birthDate, now) < TITULAR_MIN_AGE)
      problems.add('TITULAR_UNDERAGE', field('birthDate'), UNDERAGE_SENTENCE);
    else birthDate = input.birthDate;
  }
  let rfc: string | null = null;
  if (input.rfc) {
    rfc = normaliseRfc(input.rfc);
    if (!rfc) problems.add('RFC_INVALID', field('rfc'));
  }
  let curp: string | null = null;
  if (input.curp) {
    curp = normaliseCurp(input.curp);
    if (!curp) problems.add('CURP_INVALID', field('curp'));
  }
  const email = input.email?.trim().toLowerCase();
  if (!fullName || !phone || !birthDate || !email) return undefined;
  if ((input.rfc && !rfc) || (input.curp && !curp)) return undefined;
  return { fullName, email, phone, birthDate, rfc, curp };
}

/** The consent given must be to the current documents; each one that is not is a problem at its field. */
export function checkConsent(body: unknown, problems: FieldProblems): void {
  if (!objectAt(body, 'consent') || problems.has('body/consent')) return;
  const current = {
    termsVersion: CURRENT_TERMS.version,
    privacyNoticeVersion: CURRENT_PRIVACY_NOTICE.version,
  };
  for (const [key, document] of [
    ['termsVersion', CONSENT_SENTENCES.terms],
    ['privacyNoticeVersion', CONSENT_SENTENCES.privacyNotice],
  ] as const) {
    if (stringAt(body, 'consent', key) !== current[key]) {
      problems.add('CONSENT_REQUIRED', `body/consent/${key}`, document, current);
    }
  }
}
