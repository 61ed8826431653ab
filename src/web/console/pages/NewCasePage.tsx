import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiProblem, api, newIdempotencyKey, type PlanService } from '../../api.ts';
import { type Case, caseKey, type Decision } from '../../cases/case-data.ts';
import {
  caseRequestBody,
  checkDetails,
  type DetailsProblem,
  detailsOf,
  needsOf,
} from '../../cases/case-request.ts';
import { ReasonList } from '../../cases/EligibilityAnswer.tsx';
import { MX_STATES, nearestState, statePoint } from '../../cases/place.ts';
import type { StaffMessageKey } from '../../staff/i18n/messages.ts';
import { useStaffI18n } from '../../staff/i18n.ts';
import { Button } from '../../ui/Button.tsx';
import { DateTime } from '../../ui/DateTime.tsx';
import { Field, FormError } from '../../ui/Field.tsx';
import { Money } from '../../ui/Money.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States.tsx';
import {
  centavosOf,
  type Membership,
  memberCasesKey,
  problemWords,
  useMember,
  usePlans,
} from '../agent/data.ts';
import { Kbd } from '../agent/Kbd.tsx';
import { stateName } from '../agent/words.ts';
import '../agent/agent.css';

/**
 * `/console/miembros/:membershipId/asistencia`: "Nueva asistencia" during a call — who, what,
 * where, details (the tow's quote when the service is capped) → the eligibility answer with its
 * reasons, shown before sending → the case is opened (one Idempotency-Key per attempt) and the
 * agent lands on its dispatch board.
 */
export default function NewCasePage() {
  const { membershipId = '' } = useParams();
  const { t } = useStaffI18n();
  const member = useMember(membershipId);
  const plans = usePlans();

  useEffect(() => {
    document.title = `${t('agent.new.title')} · ${t('staff.console')}`;
  }, [t]);

  if (member.isPending || plans.isPending) return <LoadingState label={t('agent.new.loading')} />;
  const error = member.error ?? plans.error;
  if (error || !member.data || !plans.data)
    return (
      <section className="agent" aria-labelledby="page-heading">
        <h1 id="page-heading">{t('agent.new.title')}</h1>
        <ErrorState
          title={t('agent.new.error')}
          detail={problemWords(error, t('agent.error.network'))}
          onRetry={() => {
            void member.refetch();
            void plans.refetch();
          }}
        />
      </section>
    );
  const plan = plans.data.find((p) => p.code === member.data.plan.code);
  // Reimbursement claims need the customer's evidence: they are filed from the portal.
  const services = (plan?.services ?? []).filter((s) => s.fulfilment !== 'reimbursement');
  return (
    <section className="agent agent-new" aria-labelledby="page-heading">
      <p className="agent-back">
        <Link to={`/console/miembros/${membershipId}`}>
          ← {member.data.titular.fullName} <span className="mono">{member.data.number}</span>
        </Link>
      </p>
      <h1 id="page-heading">{t('agent.new.title')}</h1>
      {services.length === 0 ? (
        <EmptyState title={t('agent.new.noServices')} />
      ) : (
        <RequestForm member={member.data} services={services} />
      )}
    </section>
  );
}

interface FormState {
  personId: string;
  serviceCode: string;
  placeMode: 'address' | 'coordinates';
  address: string;
  stateCode: string;
  lat: string;
  lng: string;
  description: string;
  specialty: string;
  callbackPhone: string;
  quote: string;
  vehicleMake: string;
  vehicleModel: string;
  vehicleYear: string;
  vehiclePlates: string;
  vehicleColor: string;
  destination: string;
}

const EMPTY: FormState = {
  personId: 'titular',
  serviceCode: '',
  placeMode: 'address',
  address: '',
  stateCode: 'CMX',
  lat: '',
  lng: '',
  description: '',
  specialty: '',
  callbackPhone: '',
  quote: '',
  vehicleMake: '',
  vehicleModel: '',
  vehicleYear: '',
  vehiclePlates: '',
  vehicleColor: '',
  destination: '',
};

type Problems = Partial<Record<keyof FormState, string>>;

const DETAILS_PROBLEMS = {
  description: 'agent.new.error.description',
  specialty: 'agent.new.error.specialty',
  callbackPhone: 'agent.new.error.phone',
  vehicleYear: 'agent.new.error.year',
} as const satisfies Record<DetailsProblem, StaffMessageKey>;

/** A coordinate typed by the agent, or undefined when it is not one within range. */
function coordinate(text: string, limit: number): number | undefined {
  const clean = text.trim().replace(',', '.');
  if (!/^-?\d{1,3}(\.\d+)?$/.test(clean)) return undefined;
  const value = Number(clean);
  return Math.abs(value) <= limit ? value : undefined;
}

function RequestForm({ member, services }: { member: Membership; services: PlanService[] }) {
  const { t, tOr, tc, lang } = useStaffI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<FormState>(EMPTY);
  const [problems, setProblems] = useState<Problems>({});
  const [apiProblem, setApiProblem] = useState<ApiProblem | null>(null);
  const [sending, setSending] = useState(false);
  const intent = useRef<{ key: string; body: string } | null>(null);
  const errorRef = useRef<HTMLDivElement>(null);

  const service = services.find((s) => s.code === form.serviceCode);
  const needs = needsOf(service);
  const people = member.people.filter((p) => p.removedAt === null);
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setProblems((p) => ({ ...p, [key]: undefined }));
  };

  // What counts in the decision (specialty, quote) is asked again once the agent stops typing.
  const [settled, setSettled] = useState({ specialty: '', quote: '' });
  useEffect(() => {
    const timer = setTimeout(() => setSettled({ specialty: form.specialty.trim(), quote: form.quote }), 400);
    return () => clearTimeout(timer);
  }, [form.specialty, form.quote]);
  const quoteCentavos = needs.quote ? centavosOf(settled.quote) : undefined;
  const specialty = needs.specialty && settled.specialty.length >= 2 ? settled.specialty : undefined;

  const eligibility = useQuery({
    queryKey: ['staff', 'eligibility', member.id, form.personId, form.serviceCode, specialty, quoteCentavos],
    enabled: form.serviceCode !== '',
    queryFn: () =>
      api<Decision>('POST', '/v1/eligibility/checks', {
        lang,
        body: {
          membershipId: member.id,
          personId: form.personId,
          serviceCode: form.serviceCode,
          ...(specialty ? { specialty } : {}),
          ...(quoteCentavos !== undefined ? { estimatedCostCentavos: quoteCentavos } : {}),
        },
      }),
    staleTime: 0,
    retry: false,
  });

  /** The request as the API takes it, or the problems to fix first. */
  function build(): { body?: Record<string, unknown>; problems: Problems } {
    const p: Problems = {};
    if (!service) p.serviceCode = t('agent.new.error.service');
    let point: { lat: number; lng: number } | undefined;
    let stateCode = form.stateCode;
    if (form.placeMode === 'coordinates') {
      const lat = coordinate(form.lat, 90);
      const lng = coordinate(form.lng, 180);
      if (lat === undefined) p.lat = t('agent.new.error.lat');
      if (lng === undefined) p.lng = t('agent.new.error.lng');
      if (lat !== undefined && lng !== undefined) {
        point = { lat, lng };
        if (!stateCode) stateCode = nearestState(point)?.code ?? '';
      }
    } else {
      if (form.address.trim().length < 3) p.address = t('agent.new.error.address');
      point = statePoint(form.stateCode);
      if (!point) p.stateCode = t('agent.new.error.state');
    }
    const checked = checkDetails(form, needs);
    for (const problem of checked.problems) p[problem] = t(DETAILS_PROBLEMS[problem]);
    if (needs.quote && form.quote.trim() && centavosOf(form.quote) === undefined)
      p.quote = t('agent.new.error.amount');
    if (Object.values(p).some(Boolean) || !point || !service) return { problems: p };

    const address =
      form.address.trim().length >= 3
        ? form.address.trim()
        : t('agent.new.coordinatesAddress', { lat: point.lat, lng: point.lng });
    return {
      problems: p,
      body: caseRequestBody({
        membershipId: member.id,
        personId: form.personId,
        serviceCode: service.code,
        address,
        point,
        stateCode,
        description: form.description,
        details: detailsOf(form, needs, checked.year),
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
    // One key per attempt at this request: the same request sent again (a lost answer) replays it.
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
      void queryClient.invalidateQueries({ queryKey: memberCasesKey(member.id) });
      navigate(`/console/casos/${created.id}`);
    } catch (error) {
      setApiProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined));
      errorRef.current?.focus();
    } finally {
      setSending(false);
    }
  }

  const categories = useMemo(() => [...new Set(services.map((s) => s.category))], [services]);
  const apiField = (path: string) => (apiProblem?.fieldMessage(path) ? apiProblem.detail : undefined);
  const formMessage = apiProblem
    ? apiProblem.fields.length === 0
      ? problemWords(apiProblem, t('agent.error.network'))
      : t('agent.new.error.fix')
    : Object.values(problems).some(Boolean)
      ? t('agent.new.error.fix')
      : undefined;
  const decision = eligibility.data;
  const canSend = decision?.allowed === true && !eligibility.isFetching;

  return (
    <form onSubmit={submit} noValidate className="agent-request">
      <div ref={errorRef} tabIndex={-1}>
        <FormError message={formMessage} />
      </div>
      <div className="agent-request-grid">
        <div className="agent-request-fields">
          <fieldset className="agent-fieldset">
            <legend>{t('agent.new.who')}</legend>
            <Field label={t('agent.new.person')} error={apiField('personId')}>
              <select
                value={form.personId}
                onChange={(e) => set('personId', e.target.value)}
                // biome-ignore lint/a11y/noAutofocus: the agent starts the request at once
                autoFocus
              >
                {people.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.fullName} ({tOr(`agent.person.${p.kind}`, p.kind)})
                    {p.covered ? '' : ` — ${t('agent.people.notCovered')}`}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('agent.new.service')} error={problems.serviceCode ?? apiField('serviceCode')}>
              <select value={form.serviceCode} onChange={(e) => set('serviceCode', e.target.value)}>
                <option value="">{t('agent.new.servicePick')}</option>
                {categories.map((category) => (
                  <optgroup key={category} label={tOr(`agent.category.${category}`, category)}>
                    {services
                      .filter((s) => s.category === category)
                      .map((s) => (
                        <option key={s.code} value={s.code}>
                          {s.name[lang]}
                        </option>
                      ))}
                  </optgroup>
                ))}
              </select>
            </Field>
            {service && <p className="agent-sub">{service.summary[lang]}</p>}
          </fieldset>

          <fieldset className="agent-fieldset">
            <legend>{t('agent.new.where')}</legend>
            <div className="agent-radios" role="radiogroup" aria-label={t('agent.new.placeMode')}>
              <label>
                <input
                  type="radio"
                  name="placeMode"
                  checked={form.placeMode === 'address'}
                  onChange={() => set('placeMode', 'address')}
                />{' '}
                {t('agent.new.byAddress')}
              </label>
              <label>
                <input
                  type="radio"
                  name="placeMode"
                  checked={form.placeMode === 'coordinates'}
                  onChange={() => set('placeMode', 'coordinates')}
                />{' '}
                {t('agent.new.byCoordinates')}
              </label>
            </div>
            {form.placeMode === 'coordinates' && (
              <div className="agent-row">
                <Field label={t('agent.new.lat')} hint={t('agent.new.latHint')} error={problems.lat}>
                  <input
                    type="text"
                    inputMode="decimal"
                    value={form.lat}
                    onChange={(e) => set('lat', e.target.value)}
                  />
                </Field>
                <Field label={t('agent.new.lng')} hint={t('agent.new.lngHint')} error={problems.lng}>
                  <input
                    type="text"
                    inputMode="decimal"
                    value={form.lng}
                    onChange={(e) => set('lng', e.target.value)}
                  />
                </Field>
              </div>
            )}
            <Field
              label={form.placeMode === 'address' ? t('agent.new.address') : t('agent.new.reference')}
              hint={t('agent.new.addressHint')}
              error={problems.address ?? apiField('place/address')}
            >
              <input
                type="text"
                value={form.address}
                maxLength={300}
                onChange={(e) => set('address', e.target.value)}
              />
            </Field>
            <Field
              label={t('agent.new.state')}
              hint={form.placeMode === 'address' ? t('agent.new.stateHint') : undefined}
              error={problems.stateCode ?? apiField('place/stateCode')}
            >
              <select value={form.stateCode} onChange={(e) => set('stateCode', e.target.value)}>
                <option value="">{t('agent.new.statePick')}</option>
                {MX_STATES.map((s) => (
                  <option key={s.code} value={s.code}>
                    {stateName(s.code, tc)}
                  </option>
                ))}
              </select>
            </Field>
          </fieldset>

          <fieldset className="agent-fieldset">
            <legend>{t('agent.new.details')}</legend>
            {needs.quote && (
              <Field
                label={t('agent.new.quote')}
                hint={t('agent.new.quoteHint')}
                error={problems.quote ?? apiField('details/estimatedCostCentavos')}
              >
                <input
                  type="text"
                  inputMode="decimal"
                  value={form.quote}
                  onChange={(e) => set('quote', e.target.value)}
                />
              </Field>
            )}
            {needs.specialty && (
              <Field
                label={t('agent.new.specialty')}
                error={problems.specialty ?? apiField('details/specialty')}
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
                label={t('agent.new.callback')}
                hint={t('agent.new.callbackHint')}
                error={problems.callbackPhone ?? apiField('details/callbackPhone')}
              >
                <input
                  type="tel"
                  value={form.callbackPhone}
                  onChange={(e) => set('callbackPhone', e.target.value)}
                />
              </Field>
            )}
            {needs.vehicle && (
              <>
                <div className="agent-row">
                  <Field label={t('agent.new.vehicleMake')}>
                    <input
                      type="text"
                      maxLength={60}
                      value={form.vehicleMake}
                      onChange={(e) => set('vehicleMake', e.target.value)}
                    />
                  </Field>
                  <Field label={t('agent.new.vehicleModel')}>
                    <input
                      type="text"
                      maxLength={60}
                      value={form.vehicleModel}
                      onChange={(e) => set('vehicleModel', e.target.value)}
                    />
                  </Field>
                  <Field label={t('agent.new.vehicleYear')} error={problems.vehicleYear}>
                    <input
                      type="text"
                      inputMode="numeric"
                      maxLength={4}
                      value={form.vehicleYear}
                      onChange={(e) => set('vehicleYear', e.target.value)}
                    />
                  </Field>
                  <Field label={t('agent.new.vehiclePlates')}>
                    <input
                      type="text"
                      maxLength={12}
                      value={form.vehiclePlates}
                      onChange={(e) => set('vehiclePlates', e.target.value)}
                    />
                  </Field>
                  <Field label={t('agent.new.vehicleColor')}>
                    <input
                      type="text"
                      maxLength={30}
                      value={form.vehicleColor}
                      onChange={(e) => set('vehicleColor', e.target.value)}
                    />
                  </Field>
                </div>
                <Field label={t('agent.new.destination')}>
                  <input
                    type="text"
                    maxLength={300}
                    value={form.destination}
                    onChange={(e) => set('destination', e.target.value)}
                  />
                </Field>
              </>
            )}
            <Field
              label={t('agent.new.description')}
              hint={t('agent.new.descriptionHint')}
              error={problems.description ?? apiField('description')}
            >
              <textarea
                rows={3}
                maxLength={2000}
                value={form.description}
                onChange={(e) => set('description', e.target.value)}
              />
            </Field>
          </fieldset>
        </div>

        <aside
          className="agent-panel agent-eligibility"
          aria-labelledby="eligibility-heading"
          aria-live="polite"
          aria-busy={eligibility.isFetching}
        >
          <h2 id="eligibility-heading">{t('agent.new.eligibility')}</h2>
          {!form.serviceCode ? (
            <p className="agent-muted">{t('agent.new.eligibilityPick')}</p>
          ) : eligibility.isPending || (eligibility.isFetching && !decision) ? (
            <p className="agent-muted">{t('agent.new.checking')}</p>
          ) : eligibility.isError ? (
            <div className="form-error">
              <p>{problemWords(eligibility.error, t('agent.error.network'))}</p>
              <Button variant="secondary" onClick={() => void eligibility.refetch()}>
                {t('agent.retry')}
              </Button>
            </div>
          ) : decision ? (
            <DecisionPanel decision={decision} />
          ) : null}
          <div className="agent-send">
            <Button type="submit" disabled={!canSend || sending} aria-keyshortcuts="Control+Enter">
              {sending ? t('agent.sending') : t('agent.new.send')}
            </Button>
            {decision && !decision.allowed && <p className="agent-muted">{t('agent.new.refusedHelp')}</p>}
          </div>
        </aside>
      </div>
      <CtrlEnterSubmits />
    </form>
  );
}

/** Ctrl+Enter sends the form from any of its fields (the agent need not reach the button). */
function CtrlEnterSubmits() {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    const form = ref.current?.closest('form');
    if (!form) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      }
    };
    form.addEventListener('keydown', onKey);
    return () => form.removeEventListener('keydown', onKey);
  }, []);
  const { t } = useStaffI18n();
  return (
    <p className="agent-hint" ref={ref}>
      <Kbd>Ctrl+Enter</Kbd> {t('agent.new.ctrlEnter')}
    </p>
  );
}

/** The eligibility decision as the agent reads it to the caller: yes or no, why, what is left, the cost. */
function DecisionPanel({ decision }: { decision: Decision }) {
  const { t } = useStaffI18n();
  const usage = decision.usage?.limit;
  const cost = decision.cost;
  return (
    <div
      className={`agent-decision ${decision.allowed ? 'agent-decision-yes' : 'agent-decision-no'}`}
      data-testid="eligibility"
    >
      <p className="agent-decision-verdict">
        {decision.allowed ? t('agent.new.allowed') : t('agent.new.refused')}
      </p>
      <ReasonList reasons={decision.reasons} />
      {usage?.kind === 'count' && decision.usage && (
        <p>
          {t('agent.new.left', { remaining: usage.remaining, limit: usage.limit })}{' '}
          <DateTime value={decision.usage.resetsOn} dateOnly />
        </p>
      )}
      {cost?.kind === 'capped' && (
        <dl className="agent-dl agent-cost">
          <dt>{t('agent.new.cap')}</dt>
          <dd>
            <Money centavos={cost.capCentavos} />
          </dd>
          {cost.estimatedCentavos !== null && (
            <>
              <dt>{t('agent.new.estimate')}</dt>
              <dd>
                <Money centavos={cost.estimatedCentavos} />
              </dd>
              <dt>{t('agent.new.covered')}</dt>
              <dd>
                <Money centavos={cost.coveredCentavos ?? 0} />
              </dd>
              <dt>{t('agent.new.excess')}</dt>
              <dd>
                <Money centavos={cost.excessCentavos ?? 0} />
              </dd>
            </>
          )}
        </dl>
      )}
      {cost?.kind === 'capped' && cost.excessMustBeAccepted && (cost.excessCentavos ?? 0) > 0 && (
        <p className="agent-warn">{t('agent.new.excessAccept')}</p>
      )}
    </div>
  );
}
