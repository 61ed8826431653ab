import { type ReactNode, useMemo, useState } from 'react';
import type { PlanService } from '../api.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { isMessageKey } from '../i18n/messages.ts';
import type { Person } from '../members/membership.ts';
import { Button } from '../ui/Button.tsx';
import { Field } from '../ui/Field.tsx';
import type { Decision } from './case-data.ts';
import type { Needs, RequestDetailsFields } from './case-request.ts';
import { MX_STATES } from './place.ts';
import { type ServiceKind, serviceKindOf, servicesByKind } from './service-kinds.ts';
import './service-picker.css';

/**
 * The parts of a request for assistance that the customer's form (portal) and the agent's
 * (console) draw alike: the person, the state, the details the service needs and the eligibility
 * answer's place on the form. Words come from the caller (each app has its catalogue); the layout
 * differences (a vehicle group with its own legend, the row's class) are the caller's choice.
 */

/** Who on the membership the request is for (everyone not removed, the titular first). */
export function PersonSelect({
  label,
  people,
  value,
  onChange,
  optionLabel,
  error,
  autoFocus = false,
}: {
  label: string;
  people: Person[];
  value: string;
  onChange: (personId: string) => void;
  optionLabel: (person: Person) => string;
  error?: string;
  autoFocus?: boolean;
}) {
  return (
    <Field label={label} error={error}>
      <select
        value={value}
        onChange={(e) => onChange(e.target.value)}
        // biome-ignore lint/a11y/noAutofocus: the agent starts the request at once
        autoFocus={autoFocus || undefined}
      >
        {people
          .filter((p) => p.removedAt === null)
          .map((p) => (
            <option key={p.id} value={p.id}>
              {optionLabel(p)}
            </option>
          ))}
      </select>
    </Field>
  );
}

/**
 * What help is needed, as a short list: the kind of help first (the plan page's four), then only
 * that kind's services with their summaries (issue 23). Choosing another kind drops a service that
 * would no longer be shown. Radios, so arrow keys move within each list.
 */
export function ServicePicker({
  services,
  value,
  onChange,
  lang,
  words,
  groupClassName,
  dense = false,
  error,
}: {
  services: PlanService[];
  value: string;
  onChange: (serviceCode: string) => void;
  lang: 'es' | 'en';
  words: { kinds: string; kindName: (kind: ServiceKind) => string };
  /** The class of each list's fieldset in the app's style sheet. */
  groupClassName: string;
  /** The console's: tighter rows for a desktop. */
  dense?: boolean;
  error?: string | undefined;
}) {
  const byKind = useMemo(() => servicesByKind(services), [services]);
  const [picked, setPicked] = useState<ServiceKind | undefined>(undefined);
  const chosen = services.find((s) => s.code === value);
  const shown = picked ?? (chosen ? serviceKindOf(chosen.category) : undefined);
  const kind = byKind.find((k) => k.key === shown);
  const pickKind = (key: ServiceKind) => {
    setPicked(key);
    if (chosen && serviceKindOf(chosen.category) !== key) onChange('');
  };
  return (
    <div className={dense ? 'service-picker service-picker-dense' : 'service-picker'}>
      {error && <p className="field-error">{error}</p>}
      <fieldset className={groupClassName}>
        <legend>{words.kinds}</legend>
        <ul className="category-options">
          {byKind.map((k) => (
            <li key={k.key}>
              <label className="service-option">
                <input
                  type="radio"
                  name="category"
                  value={k.key}
                  checked={shown === k.key}
                  onChange={() => pickKind(k.key)}
                />
                <span className="service-option-name">{words.kindName(k.key)}</span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      {kind && (
        <fieldset className={groupClassName}>
          <legend>{words.kindName(kind.key)}</legend>
          <ul className="service-options">
            {kind.services.map((s) => (
              <li key={s.code}>
                <label className="service-option">
                  <input
                    type="radio"
                    name="service"
                    value={s.code}
                    checked={value === s.code}
                    onChange={() => onChange(s.code)}
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
      )}
    </div>
  );
}

/** A Mexican state's name (the customer catalogue has the 32), or its code. */
export function useStateName(): (code: string) => string {
  const { t } = useI18n();
  return (code) => {
    const key = `assistance.mx.${code}`;
    return isMessageKey(key) ? t(key) : code;
  };
}

/** The state where help is needed (it helps place a written address; a postal code says it anyway). */
export function StateSelect({
  label,
  hint,
  pick,
  value,
  onChange,
  error,
}: {
  label: string;
  hint?: string;
  /** The empty choice's words ("Elige el estado"). */
  pick: string;
  value: string;
  onChange: (code: string) => void;
  error?: string;
}) {
  const name = useStateName();
  return (
    <Field label={label} hint={hint} error={error}>
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{pick}</option>
        {MX_STATES.map((s) => (
          <option key={s.code} value={s.code}>
            {name(s.code)}
          </option>
        ))}
      </select>
    </Field>
  );
}

export interface DetailsWords {
  specialty: string;
  specialtyHint?: string;
  callback: string;
  callbackHint: string;
  /** When given, the vehicle's fields are a group of their own under this legend. */
  vehicle?: string;
  vehicleMake: string;
  vehicleModel: string;
  vehicleYear: string;
  vehiclePlates: string;
  vehicleColor: string;
  destination: string;
  destinationHint?: string;
  description: string;
  descriptionHint: string;
}

type DetailsField = keyof RequestDetailsFields;

/**
 * The details the chosen service needs — the specialty, the number to call back, the vehicle and
 * where it goes — then the description. `errorOf` gives a field's problem (the form's own check,
 * else the API's words at `apiPath`); `first` and `beforeDescription` hold each app's own fields.
 */
export function DetailsFields({
  form,
  set,
  needs,
  words,
  errorOf,
  rowClassName,
  phoneAutoComplete = false,
  first,
  beforeDescription,
}: {
  form: RequestDetailsFields;
  set: (field: DetailsField, value: string) => void;
  needs: Needs;
  words: DetailsWords;
  errorOf: (field: DetailsField, apiPath?: string) => string | undefined;
  rowClassName: string;
  phoneAutoComplete?: boolean;
  first?: ReactNode;
  beforeDescription?: ReactNode;
}) {
  const text = (field: DetailsField, maxLength: number) => (
    <input
      type="text"
      value={form[field]}
      maxLength={maxLength}
      onChange={(e) => set(field, e.target.value)}
    />
  );
  const vehicleFields = (
    <>
      <div className={rowClassName}>
        <Field label={words.vehicleMake}>{text('vehicleMake', 60)}</Field>
        <Field label={words.vehicleModel}>{text('vehicleModel', 60)}</Field>
        <Field label={words.vehicleYear} error={errorOf('vehicleYear')}>
          <input
            type="text"
            inputMode="numeric"
            value={form.vehicleYear}
            maxLength={4}
            onChange={(e) => set('vehicleYear', e.target.value)}
          />
        </Field>
        <Field label={words.vehiclePlates}>{text('vehiclePlates', 12)}</Field>
        <Field label={words.vehicleColor}>{text('vehicleColor', 30)}</Field>
      </div>
      <Field label={words.destination} hint={words.destinationHint}>
        {text('destination', 300)}
      </Field>
    </>
  );
  return (
    <>
      {first}
      {needs.specialty && (
        <Field
          label={words.specialty}
          hint={words.specialtyHint}
          error={errorOf('specialty', 'details/specialty')}
        >
          {text('specialty', 80)}
        </Field>
      )}
      {needs.callback && (
        <Field
          label={words.callback}
          hint={words.callbackHint}
          error={errorOf('callbackPhone', 'details/callbackPhone')}
        >
          <input
            type="tel"
            autoComplete={phoneAutoComplete ? 'tel' : undefined}
            value={form.callbackPhone}
            onChange={(e) => set('callbackPhone', e.target.value)}
          />
        </Field>
      )}
      {needs.vehicle &&
        (words.vehicle ? (
          <fieldset className="subgroup">
            <legend>{words.vehicle}</legend>
            {vehicleFields}
          </fieldset>
        ) : (
          vehicleFields
        ))}
      {beforeDescription}
      <Field
        label={words.description}
        hint={words.descriptionHint}
        error={errorOf('description', 'description')}
      >
        <textarea
          rows={3}
          value={form.description}
          maxLength={2000}
          onChange={(e) => set('description', e.target.value)}
        />
      </Field>
    </>
  );
}

/**
 * Where the eligibility answer stands on the form: a service to pick first, the check under way,
 * a failed check (with a retry), or the answer (drawn by the caller).
 */
export function EligibilityState({
  serviceChosen,
  eligibility,
  words,
  muted,
  answer,
}: {
  serviceChosen: boolean;
  eligibility: {
    isPending: boolean;
    isFetching: boolean;
    isError: boolean;
    error: unknown;
    data: Decision | undefined;
    refetch: () => unknown;
  };
  words: { pick: string; checking: string; error: (error: unknown) => string; retry: string };
  /** The muted text's class in the app's style sheet. */
  muted: string;
  answer: (decision: Decision) => ReactNode;
}) {
  const decision = eligibility.data;
  if (!serviceChosen) return <p className={muted}>{words.pick}</p>;
  if (eligibility.isPending || (eligibility.isFetching && !decision))
    return <p className={muted}>{words.checking}</p>;
  if (eligibility.isError)
    return (
      <div className="form-error">
        <p>{words.error(eligibility.error)}</p>
        <Button variant="secondary" onClick={() => void eligibility.refetch()}>
          {words.retry}
        </Button>
      </div>
    );
  return decision ? answer(decision) : null;
}
