import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useNavigate } from 'react-router';
import { type PlanService, problemText } from '../../api.ts';
import { AddressFields, type AddressParts, addressPlace, EMPTY_ADDRESS } from '../../cases/AddressFields.tsx';
import { CASES } from '../../cases/case-data.ts';
import {
  caseRequestBody,
  checkDetails,
  type DetailsProblem,
  detailsOf,
  EMPTY_DETAILS,
  pointPlace,
  type RequestDetailsFields,
} from '../../cases/case-request.ts';
import { EligibilityAnswer } from '../../cases/EligibilityAnswer.tsx';
import { nearestState } from '../../cases/place.ts';
import {
  DetailsFields,
  EligibilityState,
  PersonSelect,
  ServicePicker,
  StateSelect,
} from '../../cases/RequestFields.tsx';
import { type Built, useEligibility, useRequestForm, useSettled } from '../../cases/request-form.ts';
import { parsePesos } from '../../i18n/format.ts';
import { type Translate, useI18n } from '../../i18n/i18n.tsx';
import { isMessageKey, type MessageKey } from '../../i18n/messages.ts';
import type { Person } from '../../members/membership.ts';
import { Button } from '../../ui/Button.tsx';
import { Field, FormError } from '../../ui/Field.tsx';
import { ClaimFields } from './ClaimFields.tsx';

/**
 * The customer's request for assistance. The shared parts (person, state, details, the
 * eligibility answer, sending) are `cases/`'s; the customer's own are the services as cards by
 * category, the browser's location, and the reimbursement claim (filed only here: it needs the
 * customer's evidence).
 * `people` are whom the signed-in person may ask help for; `self`, a beneficiary's own account,
 * which asks for themselves only: chosen already, with no "¿Para quién?" choice of other people.
 */
interface Located {
  lat: number;
  lng: number;
  accuracy: number;
}

interface FormState extends RequestDetailsFields {
  serviceCode: string;
  personId: string;
  stateCode: string;
  address: string;
  parts: AddressParts;
  withdrawalAmount: string;
  withdrawalAt: string;
  withdrawalAtm: string;
  cardMaximum: string;
}

const EMPTY: FormState = {
  ...EMPTY_DETAILS,
  serviceCode: '',
  personId: 'titular',
  stateCode: '',
  address: '',
  parts: EMPTY_ADDRESS,
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

function personLabel(p: Person, t: Translate, lang: 'es' | 'en'): string {
  const kind = `assistance.person.${p.kind}`;
  const base = `${p.fullName} (${isMessageKey(kind) ? t(kind) : p.kind})`;
  return p.covered ? base : `${base} — ${t('assistance.person.notCovered')}: ${p.coverage.reason[lang]}`;
}

export function RequestForm({
  membershipId,
  people,
  self,
  services,
}: {
  membershipId: string;
  people: Person[];
  self?: Person | undefined;
  services: PlanService[];
}) {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const request = useRequestForm({
    initial: self ? { ...EMPTY, personId: self.id } : EMPTY,
    services,
    lang,
    onCreated: (created) => {
      void queryClient.invalidateQueries({ queryKey: CASES });
      navigate(`/app/casos/${created.id}`);
    },
  });
  const { form, set, setForm, problems, setProblems, apiProblem, service, needs } = request;
  const [located, setLocated] = useState<Located | null>(null);
  const [locating, setLocating] = useState(false);
  const [locateProblem, setLocateProblem] = useState<string | null>(null);
  const summaryId = useId();

  // The specialty counts in the decision (one per specialty): wait until the customer stops typing.
  const specialty = useSettled(form.specialty.trim(), 500);
  const { eligibility, decision, canSend } = useEligibility({
    queryKey: [
      'eligibility',
      membershipId,
      form.personId,
      form.serviceCode,
      needs.specialty ? specialty : '',
    ],
    enabled: form.serviceCode !== '' && form.personId !== '',
    lang,
    body: {
      membershipId,
      personId: form.personId,
      serviceCode: form.serviceCode,
      ...(needs.specialty && specialty.length >= 2 ? { specialty } : {}),
    },
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

  function build(): Built<FormState> {
    const p: Built<FormState>['problems'] = {};
    if (!service) p.serviceCode = t('assistance.form.error.service');
    if (!form.personId) p.personId = t('assistance.form.error.person');
    // The phone's point, or the address for the server to place (postal code first); never a made-up point.
    const place = located
      ? form.address.trim().length >= 3
        ? pointPlace(form.address.trim(), located, form.stateCode)
        : undefined
      : addressPlace(form.parts, { address: form.address, stateCode: form.stateCode });
    if (!place) p.address = t('assistance.form.error.address');
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
    if (Object.values(p).some(Boolean) || !place || !service) return { problems: p };

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
        membershipId,
        personId: form.personId,
        serviceCode: service.code,
        place,
        description: form.description,
        details,
      }),
    };
  }

  const fieldProblem = (path: string) => apiProblem?.fieldMessage(path);
  const formMessage =
    apiProblem && apiProblem.fields.length === 0
      ? (apiProblem.detail ?? t('state.error.network'))
      : apiProblem || request.hasProblems
        ? t('assistance.form.error.fix')
        : undefined;

  return (
    <form onSubmit={request.submit(build)} noValidate className="request-form" aria-describedby={summaryId}>
      <p id={summaryId} className="muted">
        {t('assistance.form.intro')}
      </p>
      <div ref={request.errorRef} tabIndex={-1}>
        <FormError message={formMessage} />
      </div>

      <fieldset className="request-group">
        <legend>{t('assistance.form.who')}</legend>
        {self ? (
          <p data-testid="request-for">
            {t('beneficiary.request.forYou', { person: personLabel(self, t, lang) })}
          </p>
        ) : (
          <PersonSelect
            label={t('assistance.form.person')}
            people={people}
            value={form.personId}
            onChange={(personId) => set('personId', personId)}
            optionLabel={(p) => personLabel(p, t, lang)}
            error={problems.personId ?? fieldProblem('personId')}
          />
        )}
      </fieldset>

      <fieldset className="request-group">
        <legend>{t('assistance.form.service')}</legend>
        <ServicePicker
          services={services}
          value={form.serviceCode}
          onChange={(code) => set('serviceCode', code)}
          lang={lang}
          groupClassName="service-group"
          error={problems.serviceCode}
          words={{ kinds: t('assistance.form.category'), kindName: (kind) => t(`category.${kind}`) }}
        />
        {service && (
          <p className="service-how">
            {isMessageKey(`assistance.how.${service.fulfilment}`)
              ? t(`assistance.how.${service.fulfilment}` as 'assistance.how.dispatch')
              : service.description[lang]}
          </p>
        )}
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
        <StateSelect
          label={t('assistance.form.state')}
          hint={located ? t('assistance.form.stateHintLocated') : t('assistance.form.stateHint')}
          pick={t('assistance.form.statePick')}
          value={form.stateCode}
          onChange={(code) => set('stateCode', code)}
          error={problems.stateCode ?? fieldProblem('place/stateCode')}
        />
        {!located && (
          <AddressFields
            value={form.parts}
            onChange={(parts) => set('parts', parts)}
            lang={lang}
            rowClassName="field-row"
            errorAt={fieldProblem}
            words={{
              postalCode: t('assistance.address.postalCode'),
              postalCodeHint: t('assistance.address.postalCodeHint'),
              postalCodeUnknown: t('assistance.address.postalCodeUnknown'),
              colonia: t('assistance.address.colonia'),
              coloniaPick: t('assistance.address.coloniaPick'),
              street: t('assistance.address.street'),
              number: t('assistance.address.number'),
              approxPostalCode: (postalCode) => t('assistance.address.approxPostalCode', { postalCode }),
              approxMunicipality: (municipality) =>
                t('assistance.address.approxMunicipality', { municipality }),
              where: (info) => {
                const key = `assistance.mx.${info.stateCode}`;
                return `${info.municipality}, ${isMessageKey(key) ? t(key) : info.stateCode}`;
              },
              attribution: t('assistance.address.attribution'),
              coloniaAttribution: t('assistance.address.coloniaAttribution'),
            }}
          />
        )}
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
        <DetailsFields
          form={form}
          set={set}
          needs={needs}
          rowClassName="field-row"
          phoneAutoComplete
          errorOf={(field, path) => problems[field] ?? (path ? fieldProblem(path) : undefined)}
          words={{
            specialty: t('assistance.form.specialty'),
            specialtyHint: t('assistance.form.specialtyHint'),
            callback: t('assistance.form.callback'),
            callbackHint: t('assistance.form.callbackHint'),
            vehicle: t('assistance.form.vehicle'),
            vehicleMake: t('assistance.form.vehicleMake'),
            vehicleModel: t('assistance.form.vehicleModel'),
            vehicleYear: t('assistance.form.vehicleYear'),
            vehiclePlates: t('assistance.form.vehiclePlates'),
            vehicleColor: t('assistance.form.vehicleColor'),
            destination: t('assistance.form.destination'),
            destinationHint: t('assistance.form.destinationHint'),
            description: t('assistance.form.description'),
            descriptionHint: t('assistance.form.descriptionHint'),
          }}
          beforeDescription={
            needs.claim && (
              <ClaimFields
                form={form}
                set={set}
                errorOf={(field, path) => problems[field] ?? fieldProblem(path)}
              />
            )
          }
        />
      </fieldset>

      <section
        className="check"
        aria-labelledby="check-heading"
        aria-live="polite"
        aria-busy={eligibility.isFetching}
      >
        <h3 id="check-heading">{t('assistance.eligibility.heading')}</h3>
        <EligibilityState
          serviceChosen={form.serviceCode !== ''}
          eligibility={eligibility}
          muted="muted"
          words={{
            pick: t('assistance.eligibility.pick'),
            checking: t('assistance.eligibility.checking'),
            error: (error) => problemText(error, t('state.error.network')),
            retry: t('state.error.retry'),
          }}
          answer={(d) => <EligibilityAnswer decision={d} headingLevel={4} />}
        />
      </section>

      <div className="actions">
        <Button type="submit" disabled={!canSend || request.sending}>
          {request.sending ? t('assistance.form.sending') : t('assistance.form.send')}
        </Button>
      </div>
      {decision && !decision.allowed && <p className="muted">{t('assistance.form.refusedHelp')}</p>}
    </form>
  );
}
