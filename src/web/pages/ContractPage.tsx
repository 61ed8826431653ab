import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ApiProblem, api, getJson, newIdempotencyKey, type PlanView } from '../api.ts';
import { PHONE } from '../i18n/format.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { useSession } from '../session.tsx';
import { Button } from '../ui/Button.tsx';
import { EmptyState, ErrorState, LoadingState } from '../ui/States.tsx';
import { useWebConfig } from '../web-config.ts';
import { CardStep } from './contract/CardStep.tsx';
import { DoneStep, type SignInState } from './contract/DoneStep.tsx';
import {
  type Draft,
  emptyDraft,
  type Legal,
  type Membership,
  reachable,
  STEP_LABELS,
  type Step,
  stepOf,
  stepOfProblem,
  titularBody,
} from './contract/flow.ts';
import { PlanStep } from './contract/PlanStep.tsx';
import { StepList } from './contract/StepHeading.tsx';
import { TermsStep } from './contract/TermsStep.tsx';
import { TitularStep } from './contract/TitularStep.tsx';
import './contract/contract.css';
import { PLAN_CODE } from './PlanPage.tsx';

const asProblem = (error: unknown) =>
  error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined);

/**
 * `/contratar`: contracting online in four steps — plan, the titular's data and password, the card,
 * terms and privacy — then the confirmation, signed in. Each step is in the address bar
 * (`?paso=datos`), so the browser's back button goes back a step; what was typed is kept while the
 * page is open (in memory only: never the card number, and nothing in storage).
 */
export default function ContractPage() {
  const { t, lang } = useI18n();
  // The processor's test mode (GET /v1/web-config): a quiet line says only test cards work.
  const paymentMode = useWebConfig().data?.paymentMode;
  const { user, signIn, signOut } = useSession();
  const [params, setParams] = useSearchParams();
  const plans = useQuery({
    queryKey: ['plans'],
    queryFn: () => getJson<{ data: PlanView[] }>('/v1/plans', lang),
  });
  const [draft, setDraft] = useState<Draft>(() => emptyDraft(''));
  const [problems, setProblems] = useState<Partial<Record<Step, ApiProblem>>>({});
  const [membership, setMembership] = useState<Membership | null>(null);
  const [contractedPrice, setContractedPrice] = useState<number>();
  const [signInState, setSignInState] = useState<SignInState>('pending');
  const [sending, setSending] = useState(false);
  const busy = useRef(false);
  /** One Idempotency-Key per attempt: the same body sent again (a double click, a retry) reuses it. */
  const attempt = useRef<{ body: string; key: string } | null>(null);

  // The plan: the one chosen, or `?plan=`, or Libra Plus, or the first on sale.
  const onSale = plans.data?.data ?? [];
  const wanted = params.get('plan');
  const fallback =
    onSale.find((p) => p.code === wanted) ?? onSale.find((p) => p.code === PLAN_CODE) ?? onSale[0];
  const planCode = draft.planCode || fallback?.code || '';
  const plan = onSale.find((p) => p.code === planCode);
  const current: Draft = { ...draft, planCode };

  const asked = stepOf(params.get('paso'));
  const step = plans.data || membership ? reachable(asked, current, membership !== null) : asked;
  const signedInEmail = user?.role === 'customer' ? user.email : null;

  // A step asked for before its turn (a reload, a typed address) shows the one that is due. A step
  // this page moved to itself is not corrected: the address may change a render before the draft
  // that allows it (the router's update and ours are not always committed together), and
  // correcting it then sent people back to the step they had just completed.
  const going = useRef<Step | null>(null);
  useEffect(() => {
    if (step === asked) going.current = null;
    else if (asked !== going.current && (plans.data || membership))
      setParams({ paso: step, ...(wanted ? { plan: wanted } : {}) }, { replace: true });
  }, [step, asked, plans.data, membership, wanted, setParams]);

  // The heading takes the focus when the person moves between steps, not on arrival.
  const shown = useRef<Step | null>(null);
  const moved = shown.current !== null && shown.current !== step;
  useEffect(() => {
    shown.current = step;
  }, [step]);

  useEffect(() => {
    document.title = `${t(STEP_LABELS[step])} · ${t('contract.heading')} · ${t('site.title')}`;
  }, [t, step]);

  const go = (next: Step, replace = false) => {
    going.current = next;
    setParams({ paso: next }, { replace });
  };
  const setProblem = (at: Step) => (problem: ApiProblem | undefined) =>
    setProblems((all) => ({ ...all, [at]: problem }));

  async function contract(legal: Legal) {
    if (busy.current) return;
    busy.current = true;
    setSending(true);
    const password = draft.password;
    const email = signedInEmail ?? draft.titular.email.trim();
    const body = {
      planCode,
      titular: { ...titularBody(draft.titular), email },
      cardToken: draft.card?.token ?? '',
      consent: {
        // Unticked, the version is left empty: the API says at the box what is missing.
        termsVersion: draft.acceptTerms ? legal.terms.version : '',
        privacyNoticeVersion: draft.acceptPrivacy ? legal.privacyNotice.version : '',
      },
      ...(signedInEmail ? {} : { account: { password } }),
    };
    const fingerprint = JSON.stringify(body);
    if (attempt.current?.body !== fingerprint)
      attempt.current = { body: fingerprint, key: newIdempotencyKey() };
    try {
      const contracted = await api<Membership>('POST', '/v1/memberships', {
        lang,
        body,
        idempotencyKey: attempt.current.key,
      });
      setProblems({});
      setContractedPrice(plan?.price.totalCentavos);
      setMembership(contracted);
      // The password is not kept past signing in; neither is the attempt's body that holds it.
      attempt.current = null;
      setDraft((d) => ({ ...d, password: '' }));
      go('listo', true);
      if (signedInEmail) setSignInState('done');
      else
        signIn(email, password).then(
          () => setSignInState('done'),
          () => setSignInState('failed'),
        );
    } catch (error) {
      const problem = asProblem(error);
      const at = problem.status === 0 ? 'confirmar' : stepOfProblem(problem);
      setProblems({ [at]: problem });
      if (at === 'datos') setDraft((d) => ({ ...d, titularChecked: false }));
      if (at === 'tarjeta') setDraft((d) => ({ ...d, card: null }));
      if (at !== 'confirmar') go(at);
    } finally {
      busy.current = false;
      setSending(false);
    }
  }

  let body: ReactNode;
  if (membership) {
    body = (
      <DoneStep membership={membership} priceCentavos={contractedPrice} signIn={signInState} focus={moved} />
    );
  } else if (user && user.role !== 'customer') {
    body = (
      <div className="form-error">
        <p>{t('contract.staff')}</p>
        <Button variant="secondary" onClick={() => void signOut()}>
          {t('contract.staff.signOut')}
        </Button>
      </div>
    );
  } else if (plans.isPending) {
    body = <LoadingState label={t('contract.loading')} />;
  } else if (plans.isError) {
    const e = plans.error;
    body = (
      <ErrorState
        title={t('contract.error.title')}
        detail={e instanceof ApiProblem && e.status !== 0 && e.detail ? e.detail : t('state.error.network')}
        onRetry={() => void plans.refetch()}
      />
    );
  } else if (!plan) {
    body = (
      <EmptyState title={t('contract.empty.title')}>
        <p>{t('contract.empty.body', { phone: PHONE.display })}</p>
      </EmptyState>
    );
  } else if (step === 'plan') {
    body = (
      <PlanStep
        plans={onSale}
        chosen={planCode}
        unknownCode={wanted && !onSale.some((p) => p.code === wanted) ? wanted : null}
        focus={moved}
        onChoose={(code) => setDraft((d) => ({ ...d, planCode: code }))}
        onNext={() => {
          setDraft((d) => ({ ...d, planCode, planConfirmed: true }));
          go('datos');
        }}
      />
    );
  } else if (step === 'datos') {
    body =
      user === undefined ? (
        <LoadingState label={t('state.loading')} />
      ) : (
        <TitularStep
          draft={current}
          setDraft={setDraft}
          signedInEmail={signedInEmail}
          problem={problems.datos}
          setProblem={setProblem('datos')}
          focus={moved}
          onNext={() => go('tarjeta')}
        />
      );
  } else if (step === 'tarjeta') {
    body = (
      <CardStep
        card={draft.card}
        trialMonths={plan.onlineTrialMonths}
        problem={problems.tarjeta}
        focus={moved}
        onCard={(card) => {
          setDraft((d) => ({ ...d, card }));
          setProblem('tarjeta')(undefined);
          go('confirmar');
        }}
        onNext={() => go('confirmar')}
      />
    );
  } else {
    body = (
      <TermsStep
        plan={plan}
        draft={current}
        setDraft={setDraft}
        signedInEmail={signedInEmail}
        problem={problems.confirmar}
        sending={sending}
        focus={moved}
        onSubmit={(legal) => void contract(legal)}
      />
    );
  }

  return (
    <section aria-labelledby="contract-heading" className="contract" data-payment-mode={paymentMode}>
      <h1 id="contract-heading">{t('contract.heading')}</h1>
      {paymentMode === 'sandbox' && (
        <p className="sandbox-notice" data-testid="sandbox-notice">
          {t('sandbox.banner')}
        </p>
      )}
      {!membership && step !== 'listo' && plan && !(user && user.role !== 'customer') && (
        <StepList current={step} />
      )}
      {body}
    </section>
  );
}
