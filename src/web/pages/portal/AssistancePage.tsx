import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiProblem, api, newIdempotencyKey, type PlanService, problemText } from '../../api.ts';
import {
  CASES,
  type Case,
  caseKey,
  type Decision,
  isOpen,
  serviceName,
  stateTone,
  stateWord,
  useCases,
} from '../../cases/case-data.ts';
import { parsePesos } from '../../i18n/format.ts';
import { type Translate, useI18n } from '../../i18n/i18n.tsx';
import { isMessageKey, type MessageKey } from '../../i18n/messages.ts';
import { Button } from '../../ui/Button.tsx';
import { DateTime } from '../../ui/DateTime.tsx';
import { Field, FormError } from '../../ui/Field.tsx';
import { PhoneLink } from '../../ui/PhoneLink.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { PAGE_CATEGORIES, pageCategoryOf } from '../plan-rules.ts';
import { usePlan } from './assistance-data.ts';
import './assistance.css';
import {
  caseRequestBody,
  checkDetails,
  type DetailsProblem,
  detailsOf,
  needsOf,
} from '../../cases/case-request.ts';
import { EligibilityAnswer } from '../../cases/EligibilityAnswer.tsx';
import { MX_STATES, nearestState, statePoint } from '../../cases/place.ts';
import type { Membership, Person } from '../../members/membership.ts';
import { useMembership } from './outlet.ts';

/** `/app/asistencia`: ask for help (with the eligibility answer before sending) and see past requests. */
export default function AssistancePage() {
  const { t } = useI18n();
  const membership = useMembership();
  const plan = usePlan(membership.plan.code);

  useEffect(() => {
    document.title = `${t('assistance.heading')} · ${t('site.title')}`;
  }, [t]);

  return (
    <div className="assistance">
      <h1>{t('assistance.heading')}</h1>
      <p className="lead">{t('assistance.intro')}</p>
      <p className="assistance-call">
        {t('assistance.emergency')} <PhoneLink />
      </p>
      <OpenCases services={plan.data?.services} />
      <div className="assistance-grid">
        <section className="assistance-form-section" aria-labelledby="request-heading">
          <h2 id="request-heading">{t('assistance.form.heading')}</h2>
          {plan.isPending ? (
            <LoadingState label={t('assistance.loadingPlan')} />
          ) : plan.isError ? (
            <ErrorState
              title={t('assistance.error.plan')}
              detail={problemText(plan.error, t('state.error.network'))}
              onRetry={() => void plan.refetch()}
            />
          ) : plan.data.services.length === 0 ? (
            <EmptyState title={t('assistance.form.noServices')} />
          ) : (
            <RequestForm membership={membership} services={plan.data.services} />
          )}
        </section>
        <section className="assistance-list-section" aria-labelledby="mine-heading">
          <h2 id="mine-heading">{t('assistance.mine.heading')}</h2>
          <MyCases services={plan.data?.services} />
        </section>
      </div>
    </div>
  );
}

/** A case still going on, at the top: the customer probably came back to follow it. */
function OpenCases({ services }: { services: PlanService[] | undefined }) {
  const { t, lang } = useI18n();
  const cases = useCases();
  const open = (cases.data?.data ?? []).filter((c) => isOpen(c.state));
  if (open.length === 0) return null;
  return (
    <aside className="open-cases" aria-labelledby="open-cases-heading">
      <h2 id="open-cases-heading">{t('assistance.open.heading')}</h2>
      <ul>
        {open.map((c) => (
          <li key={c.id}>
            <Link to={`/app/casos/${c.id}`}>
              {serviceName(services, c.serviceCode, lang)} <span className="number">{c.number}</span>
            </Link>{' '}
            <StatusBadge tone={stateTone(c.state)}>{stateWord(t, c, lang)}</StatusBadge>
          </li>
        ))}
      </ul>
    </aside>
  );
}

function MyCases({ services }: { services: PlanService[] | undefined }) {
  const { t, lang } = useI18n();
  const cases = useCases();
  if (cases.isPending) return <LoadingState label={t('assistance.mine.loading')} />;
  if (cases.isError)
    return (
      <ErrorState
        title={t('assistance.mine.error')}
        detail={problemText(cases.error, t('state.error.network'))}
        onRetry={() => void cases.refetch()}
      />
    );
  if (cases.data.data.length === 0)
    return (
      <EmptyState title={t('assistance.mine.empty')}>
        <p>{t('assistance.mine.emptyBody')}</p>
      </EmptyState>
    );
  return (
    <ul className="case-list" data-testid="my-cases">
      {cases.data.data.map((c) => (
        <li key={c.id} className="case-card">
          <p className="case-card-title">
            <Link to={`/app/casos/${c.id}`}>{serviceName(services, c.serviceCode, lang)}</Link>
          </p>
          <p className="case-card-meta">
            <span className="number">{c.number}</span> · {c.person.name}
          </p>
          <p className="case-card-meta">
            <StatusBadge tone={stateTone(c.state)}>{stateWord(t, c, lang)}</StatusBadge>{' '}
            <DateTime value={c.requestedAt} />
          </p>
        </li>
      ))}
    </ul>
  );
}

// --- The request form ------------------------------------------------------------------------

interface Located {
  lat: number;
  lng: number;
  accuracy: number;
}

interface FormState {
  serviceCode: string;
  personId: string;
  stateCode: string;
  address: string;
  description: string;
  specialty: string;
  callbackPhone: string;
  vehicleMake: string;
  vehicleModel: string;
  vehicleYear: string;
  vehiclePlates: string;
  vehicleColor: string;
  destination: string;
  withdrawalAmount: string;
  withdrawalAt: string;
  withdrawalAtm: string;
  cardMaximum: string;
}

const EMPTY: FormState = {
  serviceCode: '',
  personId: 'titular',
  stateCode: '',
  address: '',
  description: '',
  specialty: '',
  callbackPhone: '',
  vehicleMake: '',
  vehicleModel: '',
  vehicleYear: '',
  vehiclePlates: '',
  vehicleColor: '',
  destination: '',
  withdrawalAmount: '',
  withdrawalAt: '',
  withdrawalAtm: '',
  cardMaximum: '',
};

/** Pesos as typed ("1,500.50", "1500") to centavos; undefined when it is not an amount above zero. */
function centavosOf(text: string): number | undefined {
  const value = parsePesos(text);
  return value !== undefined && value > 0 ? value : undefined;
}

const DETAILS_PROBLEMS = {
  description: 'assistance.form.error.description',
  specialty: 'assistance.form.error.specialty',
  callbackPhone: 'assistance.form.error.phone',
  vehicleYear: 'assistance.form.error.year',
} as const satisfies Record<DetailsProblem, MessageKey>;

/** Who may be asked for: everyone on the membership not removed, the titular first. */
function peopleOf(membership: Membership): Person[] {
  return membership.people.filter((p) => p.removedAt === null);
}

function personLabel(p: Person, t: Translate, lang: 'es' | 'en'): string {
  const kind = `assistance.person.${p.kind}`;
  const base = `${p.fullName} (${isMessageKey(kind) ? t(kind) : p.kind})`;
  return p.covered ? base : `${base} — ${t('assistance.person.notCovered')}: ${p.coverage.reason[lang]}`;
}

type Problems = Partial<Record<keyof FormState | 'place', string>>;

function RequestForm({ membership, services }: { membership: Membership; services: PlanService[] }) {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<FormState>(EMPTY);
  const [located, setLocated] = useState<Located | null>(null);
  const [locating, setLocating] = useState(false);
  const [locateProblem, setLocateProblem] = useState<string | null>(null);
  const [problems, setProblems] = useState<Problems>({});
  const [apiProblem, setApiProblem] = useState<ApiProblem | null>(null);
  const [sending, setSending] = useState(false);
  const intent = useRef<{ key: string; body: string } | null>(null);
  const errorRef = useRef<HTMLDivElement>(null);
  const summaryId = useId();

  const service = services.find((s) => s.code === form.serviceCode);
  const needs = needsOf(service);
  const people = peopleOf(membership);
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setProblems((p) => ({ ...p, [key]: undefined }));
  };

  // The specialty counts in the decision (one per specialty): wait until the customer stops typing.
  const [specialty, setSpecialty] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setSpecialty(form.specialty.trim()), 500);
    return () => clearTimeout(timer);
  }, [form.specialty]);

  const eligibility = useQuery({
    queryKey: [
      'eligibility',
      membership.id,
      form.personId,
      form.serviceCode,
      needs.specialty ? specialty : '',
    ],
    enabled: form.serviceCode !== '' && form.personId !== '',
    queryFn: () =>
      api<Decision>('POST', '/v1/eligibility/checks', {
        lang,
        body: {
          membershipId: membership.id,
          personId: form.personId,
          serviceCode: form.serviceCode,
          ...(needs.specialty && specialty.length >= 2 ? { specialty } : {}),
        },
      }),
    staleTime: 0,
    retry: false,
  });

  function locate() {
    setLocateProblem(null);
    if (!('geolocation' in navigator)) {
      setLocateProblem(t('assistance.place.unsupported'));
      return;
    }
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const point = { lat: position.coords.latitude, lng: position.coords.longitude };
        setLocated({ ...point, accuracy: Math.round(position.coords.accuracy) });
        setLocating(false);
        setProblems((p) => ({ ...p, place: undefined }));
        const guess = nearestState(point);
        setForm((f) => (f.stateCode === '' && guess ? { ...f, stateCode: guess.code } : f));
      },
      (error) => {
        setLocating(false);
        setLocateProblem(
          error.code === error.PERMISSION_DENIED
            ? t('assistance.place.denied')
            : t('assistance.place.failed'),
        );
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  }

  /** The request as the API takes it, or the problems to fix first (in the catalogue's words). */
  function build(): { body?: Record<string, unknown>; problems: Problems } {
    const p: Problems = {};
    if (!service) p.serviceCode = t('assistance.form.error.service');
    if (!form.personId) p.personId = t('assistance.form.error.person');
    const point = located ?? statePoint(form.stateCode);
    if (!point) p.stateCode = t('assistance.form.error.state');
    if (form.address.trim().length < 3) p.address = t('assistance.form.error.address');
    const checked = checkDetails(form, needs);
    for (const problem of checked.problems) p[problem] = t(DETAILS_PROBLEMS[problem]);
    const amount = centavosOf(form.withdrawalAmount);
    const maximum = centavosOf(form.cardMaximum);
    if (needs.claim) {
      if (amount === undefined) p.withdrawalAmount = t('assistance.form.error.amount');
      if (maximum === undefined) p.cardMaximum = t('assistance.form.error.amount');
      if (!form.withdrawalAt) p.withdrawalAt = t('assistance.form.error.when');
      if (form.withdrawalAtm.trim().length < 3) p.withdrawalAtm = t('assistance.form.error.atm');
    }
    if (Object.values(p).some(Boolean) || !point || !service) return { problems: p };

    const details = {
      ...detailsOf(form, needs, checked.year),
      ...(needs.claim
        ? {
            withdrawal: {
              amountCentavos: amount,
              // Typed as Mexico City's wall clock, which is UTC−6 all year (no daylight saving since 2022).
              at: new Date(`${form.withdrawalAt}:00-06:00`).toISOString(),
              atm: form.withdrawalAtm.trim(),
            },
            cardDailyAtmMaximumCentavos: maximum,
          }
        : {}),
    };
    return {
      problems: p,
      body: caseRequestBody({
        membershipId: membership.id,
        personId: form.personId,
        serviceCode: service.code,
        address: form.address.trim(),
        point,
        stateCode: form.stateCode,
        description: form.description,
        details,
      }),
    };
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setApiProblem(null);
    const built = build();
    setProblems(built.problems);
    if (!built.body) {
      errorRef.current?.focus();
      return;
    }
    // One key per intent: sending the same request again (a lost answer) replays the first case.
    const text = JSON.stringify(built.body);
    if (intent.current?.body !== text) intent.current = { key: newIdempotencyKey(), body: text };
    setSending(true);
    try {
      const created = await api<Case>('POST', '/v1/cases', {
        lang,
        body: built.body,
        idempotencyKey: intent.current.key,
      });
      queryClient.setQueryData(caseKey(created.id), created);
      void queryClient.invalidateQueries({ queryKey: CASES });
      navigate(`/app/casos/${created.id}`);
    } catch (error) {
      setApiProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined));
      errorRef.current?.focus();
    } finally {
      setSending(false);
    }
  }

  const byCategory = useMemo(
    () =>
      PAGE_CATEGORIES.map((c) => ({
        key: c.key,
        services: services.filter((s) => pageCategoryOf(s.category) === c.key),
      })).filter((c) => c.services.length > 0),
    [services],
  );
  const fieldProblem = (path: string) => apiProblem?.fieldMessage(path);
  const formMessage =
    apiProblem && apiProblem.fields.length === 0
      ? (apiProblem.detail ?? t('state.error.network'))
      : apiProblem
        ? t('assistance.form.error.fix')
        : Object.values(problems).some(Boolean)
          ? t('assistance.form.error.fix')
          : undefined;
  const decision = eligibility.data;
  const canSend = decision?.allowed === true && !eligibility.isFetching;

  return (
    <form onSubmit={submit} noValidate className="request-form" aria-describedby={summaryId}>
      <p id={summaryId} className="muted">
        {t('assistance.form.intro')}
      </p>
      <div ref={errorRef} tabIndex={-1}>
        <FormError message={formMessage} />
      </div>

      <fieldset className="request-group">
        <legend>{t('assistance.form.service')}</legend>
        {problems.serviceCode && <p className="field-error">{problems.serviceCode}</p>}
        {byCategory.map((category) => (
          <fieldset key={category.key} className="service-group">
            <legend>{t(`category.${category.key}`)}</legend>
            <ul className="service-options">
              {category.services.map((s) => (
                <li key={s.code}>
                  <label className="service-option">
                    <input
                      type="radio"
                      name="service"
                      value={s.code}
                      checked={form.serviceCode === s.code}
                      onChange={() => set('serviceCode', s.code)}
                      aria-describedby={`service-${s.code}`}
                    />
                    <span className="service-option-name">{s.name[lang]}</span>
                  </label>
                  <span id={`service-${s.code}`} className="service-option-summary">
                    {s.summary[lang]}
                  </span>
                </li>
              ))}
            </ul>
          </fieldset>
        ))}
        {service && (
          <p className="service-how">
            {isMessageKey(`assistance.how.${service.fulfilment}`)
              ? t(`assistance.how.${service.fulfilment}` as 'assistance.how.dispatch')
              : service.description[lang]}
          </p>
        )}
      </fieldset>

      <fieldset className="request-group">
        <legend>{t('assistance.form.who')}</legend>
        <Field label={t('assistance.form.person')} error={problems.personId ?? fieldProblem('personId')}>
          <select value={form.personId} onChange={(e) => set('personId', e.target.value)}>
            {people.map((p) => (
              <option key={p.id} value={p.id}>
                {personLabel(p, t, lang)}
              </option>
            ))}
          </select>
        </Field>
      </fieldset>

      <fieldset className="request-group">
        <legend>{t('assistance.form.where')}</legend>
        <div className="locate">
          <Button variant="secondary" onClick={locate} disabled={locating}>
            {locating ? t('assistance.place.locating') : t('assistance.place.useMine')}
          </Button>
          <p className="locate-status" role="status">
            {located
              ? t('assistance.place.located', { meters: located.accuracy })
              : (locateProblem ?? t('assistance.place.why'))}
          </p>
          {located && (
            <Button variant="secondary" onClick={() => setLocated(null)}>
              {t('assistance.place.forget')}
            </Button>
          )}
        </div>
        <Field
          label={t('assistance.form.state')}
          hint={located ? t('assistance.form.stateHintLocated') : t('assistance.form.stateHint')}
          error={problems.stateCode ?? fieldProblem('place/stateCode')}
        >
          <select value={form.stateCode} onChange={(e) => set('stateCode', e.target.value)}>
            <option value="">{t('assistance.form.statePick')}</option>
            {MX_STATES.map((s) => (
              <option key={s.code} value={s.code}>
                {isMessageKey(`assistance.mx.${s.code}`)
                  ? t(`assistance.mx.${s.code}` as 'assistance.mx.CMX')
                  : s.code}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label={t('assistance.form.address')}
          hint={located ? t('assistance.form.addressHintLocated') : t('assistance.form.addressHint')}
          error={problems.address ?? fieldProblem('place/address')}
        >
          <input
            type="text"
            autoComplete="street-address"
            value={form.address}
            maxLength={300}
            onChange={(e) => set('address', e.target.value)}
          />
        </Field>
      </fieldset>

      <fieldset className="request-group">
        <legend>{t('assistance.form.details')}</legend>
        {needs.specialty && (
          <Field
            label={t('assistance.form.specialty')}
            hint={t('assistance.form.specialtyHint')}
            error={problems.specialty ?? fieldProblem('details/specialty')}
          >
            <input
              type="text"
              value={form.specialty}
              maxLength={80}
              onChange={(e) => set('specialty', e.target.value)}
            />
          </Field>
        )}
        {needs.callback && (
          <Field
            label={t('assistance.form.callback')}
            hint={t('assistance.form.callbackHint')}
            error={problems.callbackPhone ?? fieldProblem('details/callbackPhone')}
          >
            <input
              type="tel"
              autoComplete="tel"
              value={form.callbackPhone}
              onChange={(e) => set('callbackPhone', e.target.value)}
            />
          </Field>
        )}
        {needs.vehicle && (
          <fieldset className="subgroup">
            <legend>{t('assistance.form.vehicle')}</legend>
            <div className="field-row">
              <Field label={t('assistance.form.vehicleMake')}>
                <input
                  type="text"
                  value={form.vehicleMake}
                  maxLength={60}
                  onChange={(e) => set('vehicleMake', e.target.value)}
                />
              </Field>
              <Field label={t('assistance.form.vehicleModel')}>
                <input
                  type="text"
                  value={form.vehicleModel}
                  maxLength={60}
                  onChange={(e) => set('vehicleModel', e.target.value)}
                />
              </Field>
              <Field label={t('assistance.form.vehicleYear')} error={problems.vehicleYear}>
                <input
                  type="text"
                  inputMode="numeric"
                  value={form.vehicleYear}
                  maxLength={4}
                  onChange={(e) => set('vehicleYear', e.target.value)}
                />
              </Field>
              <Field label={t('assistance.form.vehiclePlates')}>
                <input
                  type="text"
                  value={form.vehiclePlates}
                  maxLength={12}
                  onChange={(e) => set('vehiclePlates', e.target.value)}
                />
              </Field>
              <Field label={t('assistance.form.vehicleColor')}>
                <input
                  type="text"
                  value={form.vehicleColor}
                  maxLength={30}
                  onChange={(e) => set('vehicleColor', e.target.value)}
                />
              </Field>
            </div>
            <Field label={t('assistance.form.destination')} hint={t('assistance.form.destinationHint')}>
              <input
                type="text"
                value={form.destination}
                maxLength={300}
                onChange={(e) => set('destination', e.target.value)}
              />
            </Field>
          </fieldset>
        )}
        {needs.claim && (
          <fieldset className="subgroup">
            <legend>{t('assistance.form.claim')}</legend>
            <p className="muted">{t('assistance.form.claimIntro')}</p>
            <Field
              label={t('assistance.form.claimAmount')}
              hint={t('assistance.form.pesosHint')}
              error={problems.withdrawalAmount ?? fieldProblem('details/withdrawal/amountCentavos')}
            >
              <input
                type="text"
                inputMode="decimal"
                value={form.withdrawalAmount}
                onChange={(e) => set('withdrawalAmount', e.target.value)}
              />
            </Field>
            <Field
              label={t('assistance.form.claimWhen')}
              hint={t('assistance.form.claimWhenHint')}
              error={problems.withdrawalAt ?? fieldProblem('details/withdrawal/at')}
            >
              <input
                type="datetime-local"
                value={form.withdrawalAt}
                onChange={(e) => set('withdrawalAt', e.target.value)}
              />
            </Field>
            <Field
              label={t('assistance.form.claimAtm')}
              hint={t('assistance.form.claimAtmHint')}
              error={problems.withdrawalAtm ?? fieldProblem('details/withdrawal/atm')}
            >
              <input
                type="text"
                value={form.withdrawalAtm}
                maxLength={300}
                onChange={(e) => set('withdrawalAtm', e.target.value)}
              />
            </Field>
            <Field
              label={t('assistance.form.claimMaximum')}
              hint={t('assistance.form.claimMaximumHint')}
              error={problems.cardMaximum ?? fieldProblem('details/cardDailyAtmMaximumCentavos')}
            >
              <input
                type="text"
                inputMode="decimal"
                value={form.cardMaximum}
                onChange={(e) => set('cardMaximum', e.target.value)}
              />
            </Field>
          </fieldset>
        )}
        <Field
          label={t('assistance.form.description')}
          hint={t('assistance.form.descriptionHint')}
          error={problems.description ?? fieldProblem('description')}
        >
          <textarea
            rows={3}
            value={form.description}
            maxLength={2000}
            onChange={(e) => set('description', e.target.value)}
          />
        </Field>
      </fieldset>

      <section
        className="check"
        aria-labelledby="check-heading"
        aria-live="polite"
        aria-busy={eligibility.isFetching}
      >
        <h3 id="check-heading">{t('assistance.eligibility.heading')}</h3>
        {!form.serviceCode ? (
          <p className="muted">{t('assistance.eligibility.pick')}</p>
        ) : eligibility.isPending || (eligibility.isFetching && !decision) ? (
          <p className="muted">{t('assistance.eligibility.checking')}</p>
        ) : eligibility.isError ? (
          <div className="form-error">
            <p>{problemText(eligibility.error, t('state.error.network'))}</p>
            <Button variant="secondary" onClick={() => void eligibility.refetch()}>
              {t('state.error.retry')}
            </Button>
          </div>
        ) : decision ? (
          <EligibilityAnswer decision={decision} headingLevel={4} />
        ) : null}
      </section>

      <div className="actions">
        <Button type="submit" disabled={!canSend || sending}>
          {sending ? t('assistance.form.sending') : t('assistance.form.send')}
        </Button>
      </div>
      {decision && !decision.allowed && <p className="muted">{t('assistance.form.refusedHelp')}</p>}
    </form>
  );
}
