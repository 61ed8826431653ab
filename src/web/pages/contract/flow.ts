import type { Static } from '@sinclair/typebox';
import type { LegalView, MembershipView } from '../../../domains/members/schemas.ts';
import type { ApiProblem } from '../../api.ts';
import type { MessageKey } from '../../i18n/messages.ts';
import type { TokenizedCard } from '../../ui/CardField.tsx';

export type Membership = Static<typeof MembershipView>;
export type Legal = Static<typeof LegalView>;

/** The steps, as the address bar names them (`/contratar?paso=datos`). */
export const STEPS = ['plan', 'datos', 'tarjeta', 'confirmar'] as const;
export type Step = (typeof STEPS)[number] | 'listo';

export const STEP_LABELS: Record<Step, MessageKey> = {
  plan: 'contract.step.plan',
  datos: 'contract.step.titular',
  tarjeta: 'contract.step.card',
  confirmar: 'contract.step.terms',
  listo: 'contract.step.done',
};

export function stepOf(value: string | null): Step {
  return value === 'listo' || (STEPS as readonly string[]).includes(value ?? '') ? (value as Step) : 'plan';
}

export interface Titular {
  fullName: string;
  email: string;
  phone: string;
  birthDate: string;
  rfc: string;
}

/** Everything typed so far, kept while the person moves between steps (never the card number). */
export interface Draft {
  planCode: string;
  /** The person went past the plan step (a plan is chosen by default, so that is not enough). */
  planConfirmed: boolean;
  titular: Titular;
  password: string;
  /** The API accepted the titular's data and password as they are now (editing them clears it). */
  titularChecked: boolean;
  card: TokenizedCard | null;
  acceptTerms: boolean;
  acceptPrivacy: boolean;
}

export function emptyDraft(planCode: string): Draft {
  return {
    planCode,
    planConfirmed: false,
    titular: { fullName: '', email: '', phone: '', birthDate: '', rfc: '' },
    password: '',
    titularChecked: false,
    card: null,
    acceptTerms: false,
    acceptPrivacy: false,
  };
}

/** The furthest step the draft allows: a step asked for beyond it shows that one instead. */
export function reachable(step: Step, draft: Draft, done: boolean): Step {
  if (done) return 'listo';
  if (step === 'listo') return reachable('confirmar', draft, false);
  if (step === 'plan' || !draft.planCode || !draft.planConfirmed) return 'plan';
  if (step === 'datos' || !draft.titularChecked) return 'datos';
  if (step === 'tarjeta' || !draft.card) return 'tarjeta';
  return 'confirmar';
}

/** The titular as the API takes it: the RFC only when there is one. */
export function titularBody(titular: Titular) {
  const rfc = titular.rfc.trim();
  return {
    fullName: titular.fullName,
    email: titular.email.trim(),
    phone: titular.phone,
    birthDate: titular.birthDate,
    ...(rfc ? { rfc } : {}),
  };
}

/** The fields each step shows, as the API names them: a problem about another is said above the form. */
export const TITULAR_FIELDS = [
  'titular/fullName',
  'titular/email',
  'titular/phone',
  'titular/birthDate',
  'titular/rfc',
  'account/password',
];
export const TERMS_FIELDS = ['consent/termsVersion', 'consent/privacyNoticeVersion'];

/** True when some of the problem's fields are not among `shown` (or it names none). */
export function hasOtherProblem(problem: ApiProblem, shown: string[]): boolean {
  return (
    problem.fields.length === 0 || problem.fields.some((f) => !shown.some((s) => f.field === `body/${s}`))
  );
}

/** Which step a refusal of the whole contracting belongs to. */
export function stepOfProblem(problem: ApiProblem): Step {
  const fields = problem.fields.map((f) => f.field);
  if (fields.some((f) => f.startsWith('body/titular/') || f.startsWith('body/account/'))) return 'datos';
  if (fields.includes('body/cardToken')) return 'tarjeta';
  if (fields.includes('body/planCode')) return 'plan';
  return 'confirmar';
}
