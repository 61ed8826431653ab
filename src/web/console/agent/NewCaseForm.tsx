import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useNavigate } from 'react-router';
import type { PlanService } from '../../api.ts';
import { problemText } from '../../api.ts';
import { AddressFields, type AddressParts, addressPlace, EMPTY_ADDRESS } from '../../cases/AddressFields.tsx';
import {
  caseRequestBody,
  checkDetails,
  type DetailsProblem,
  detailsOf,
  EMPTY_DETAILS,
  pointPlace,
  type RequestDetailsFields,
} from '../../cases/case-request.ts';
import { nearestState } from '../../cases/place.ts';
import {
  DetailsFields,
  EligibilityState,
  PersonSelect,
  ServicePicker,
  StateSelect,
} from '../../cases/RequestFields.tsx';
import { type Built, useEligibility, useRequestForm, useSettled } from '../../cases/request-form.ts';
import type { StaffMessageKey } from '../../staff/i18n/messages.ts';
import { useStaffI18n } from '../../staff/i18n.ts';
import { Button } from '../../ui/Button.tsx';
import { Field, FormError } from '../../ui/Field.tsx';
import { DecisionPanel } from './DecisionPanel.tsx';
import { centavosOf, type Membership, memberCasesKey } from './data.ts';
import { Kbd } from './Kbd.tsx';
import { stateName } from './words.ts';

/**
 * The agent's request for assistance during a call, in the portal's order: who, then what (the
 * kind of help, then its short list of services), then where and the details. The shared parts
 * (person, service picker, state, details, the eligibility answer, sending) are `cases/`'s; the agent's own are the place by coordinates
 * read out by the caller, the provider's quote for a capped service (it decides the excess), and
 * Ctrl+Enter.
 */
interface FormState extends RequestDetailsFields {
  personId: string;
  serviceCode: string;
  placeMode: 'address' | 'coordinates';
  address: string;
  parts: AddressParts;
  stateCode: string;
  lat: string;
  lng: string;
  quote: string;
}

const EMPTY: FormState = {
  ...EMPTY_DETAILS,
  personId: 'titular',
  serviceCode: '',
  placeMode: 'address',
  address: '',
  parts: EMPTY_ADDRESS,
  stateCode: 'CMX',
  lat: '',
  lng: '',
  quote: '',
};

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

export function NewCaseForm({ member, services }: { member: Membership; services: PlanService[] }) {
  const { t, tc, tOr, lang } = useStaffI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const request = useRequestForm({
    initial: EMPTY,
    services,
    lang,
    onCreated: (created) => {
      void queryClient.invalidateQueries({ queryKey: memberCasesKey(member.id) });
      navigate(`/console/casos/${created.id}`);
    },
  });
  const { form, set, problems, apiProblem, service, needs } = request;

  // What counts in the decision (specialty, quote) is asked again once the agent stops typing.
  const settledSpecialty = useSettled(form.specialty.trim(), 400);
  const settledQuote = useSettled(form.quote, 400);
  const quoteCentavos = needs.quote ? centavosOf(settledQuote) : undefined;
  const specialty = needs.specialty && settledSpecialty.length >= 2 ? settledSpecialty : undefined;
  const { eligibility, decision, canSend } = useEligibility({
    queryKey: ['staff', 'eligibility', member.id, form.personId, form.serviceCode, specialty, quoteCentavos],
    enabled: form.serviceCode !== '',
    lang,
    body: {
      membershipId: member.id,
      personId: form.personId,
      serviceCode: form.serviceCode,
      ...(specialty ? { specialty } : {}),
      ...(quoteCentavos !== undefined ? { estimatedCostCentavos: quoteCentavos } : {}),
    },
  });

  function build(): Built<FormState> {
    const p: Built<FormState>['problems'] = {};
    if (!service) p.serviceCode = t('agent.new.error.service');
    let point: { lat: number; lng: number } | undefined;
    let place: Record<string, unknown> | undefined;
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
      // No point is invented: the server places the address (postal code, colonia, street), or says why not.
      place = addressPlace(form.parts, { address: form.address, stateCode: form.stateCode });
      if (!place) p.address = t('agent.new.error.address');
    }
    const checked = checkDetails(form, needs);
    for (const problem of checked.problems) p[problem] = t(DETAILS_PROBLEMS[problem]);
    if (needs.quote && form.quote.trim() && centavosOf(form.quote) === undefined)
      p.quote = t('agent.new.error.amount');
    if (Object.values(p).some(Boolean) || !(point || place) || !service) return { problems: p };
    if (point) {
      const address =
        form.address.trim().length >= 3
          ? form.address.trim()
          : t('agent.new.coordinatesAddress', { lat: point.lat, lng: point.lng });
      place = pointPlace(address, point, stateCode);
    }
    return {
      problems: p,
      body: caseRequestBody({
        membershipId: member.id,
        personId: form.personId,
        serviceCode: service.code,
        place: place ?? {},
        description: form.description,
        details: detailsOf(form, needs, checked.year),
      }),
    };
  }

  const apiField = (path: string) => (apiProblem?.fieldMessage(path) ? apiProblem.detail : undefined);
  const formMessage = apiProblem
    ? apiProblem.fields.length === 0
      ? problemText(apiProblem, t('agent.error.network'))
      : t('agent.new.error.fix')
    : request.hasProblems
      ? t('agent.new.error.fix')
      : undefined;

  return (
    <form onSubmit={request.submit(build)} noValidate className="agent-request">
      <div ref={request.errorRef} tabIndex={-1}>
        <FormError message={formMessage} />
      </div>
      <div className="agent-request-grid">
        <div className="agent-request-fields">
          <fieldset className="agent-fieldset">
            <legend>{t('agent.new.who')}</legend>
            <PersonSelect
              label={t('agent.new.person')}
              people={member.people}
              value={form.personId}
              onChange={(personId) => set('personId', personId)}
              optionLabel={(p) =>
                `${p.fullName} (${tOr(`agent.person.${p.kind}`, p.kind)})${p.covered ? '' : ` — ${t('agent.people.notCovered')}`}`
              }
              error={apiField('personId')}
              autoFocus
            />
          </fieldset>

          <fieldset className="agent-fieldset">
            <legend>{t('agent.new.what')}</legend>
            <ServicePicker
              services={services}
              value={form.serviceCode}
              onChange={(code) => set('serviceCode', code)}
              lang={lang}
              groupClassName="agent-subgroup"
              dense
              error={problems.serviceCode ?? apiField('serviceCode')}
              words={{ kinds: t('agent.new.kind'), kindName: (kind) => t(`agent.kind.${kind}`) }}
            />
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
            {form.placeMode === 'address' && (
              <AddressFields
                value={form.parts}
                onChange={(parts) => set('parts', parts)}
                lang={lang}
                rowClassName="agent-row"
                errorAt={apiField}
                words={{
                  postalCode: t('agent.address.postalCode'),
                  postalCodeHint: t('agent.address.postalCodeHint'),
                  postalCodeUnknown: t('agent.address.postalCodeUnknown'),
                  colonia: t('agent.address.colonia'),
                  coloniaPick: t('agent.address.coloniaPick'),
                  street: t('agent.address.street'),
                  number: t('agent.address.number'),
                  approxPostalCode: (postalCode) => t('agent.address.approxPostalCode', { postalCode }),
                  approxMunicipality: (municipality) =>
                    t('agent.address.approxMunicipality', { municipality }),
                  where: (info) => `${info.municipality}, ${stateName(info.stateCode, tc)}`,
                  attribution: t('agent.address.attribution'),
                  coloniaAttribution: t('agent.address.coloniaAttribution'),
                }}
              />
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
            <StateSelect
              label={t('agent.new.state')}
              hint={form.placeMode === 'address' ? t('agent.new.stateHint') : undefined}
              pick={t('agent.new.statePick')}
              value={form.stateCode}
              onChange={(code) => set('stateCode', code)}
              error={problems.stateCode ?? apiField('place/stateCode')}
            />
          </fieldset>

          <fieldset className="agent-fieldset">
            <legend>{t('agent.new.details')}</legend>
            <DetailsFields
              form={form}
              set={set}
              needs={needs}
              rowClassName="agent-row"
              errorOf={(field, path) => problems[field] ?? (path ? apiField(path) : undefined)}
              words={{
                specialty: t('agent.new.specialty'),
                callback: t('agent.new.callback'),
                callbackHint: t('agent.new.callbackHint'),
                vehicleMake: t('agent.new.vehicleMake'),
                vehicleModel: t('agent.new.vehicleModel'),
                vehicleYear: t('agent.new.vehicleYear'),
                vehiclePlates: t('agent.new.vehiclePlates'),
                vehicleColor: t('agent.new.vehicleColor'),
                destination: t('agent.new.destination'),
                description: t('agent.new.description'),
                descriptionHint: t('agent.new.descriptionHint'),
              }}
              first={
                needs.quote && (
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
                )
              }
            />
          </fieldset>
        </div>

        <aside
          className="agent-panel agent-eligibility"
          aria-labelledby="eligibility-heading"
          aria-live="polite"
          aria-busy={eligibility.isFetching}
        >
          <h2 id="eligibility-heading">{t('agent.new.eligibility')}</h2>
          <EligibilityState
            serviceChosen={form.serviceCode !== ''}
            eligibility={eligibility}
            muted="agent-muted"
            words={{
              pick: t('agent.new.eligibilityPick'),
              checking: t('agent.new.checking'),
              error: (error) => problemText(error, t('agent.error.network')),
              retry: t('agent.retry'),
            }}
            answer={(d) => <DecisionPanel decision={d} />}
          />
          <div className="agent-send">
            <Button type="submit" disabled={!canSend || request.sending} aria-keyshortcuts="Control+Enter">
              {request.sending ? t('agent.sending') : t('agent.new.send')}
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
