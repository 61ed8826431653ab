import { type FormEvent, useId } from 'react';
import type { PlanView } from '../../api.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { Button } from '../../ui/Button.tsx';
import { Money } from '../../ui/Money.tsx';
import { StepHeading } from './StepHeading.tsx';

/** Step 1: the plans on sale, each with its price (IVA included), free months and what it includes. */
export function PlanStep({
  plans,
  chosen,
  unknownCode,
  focus,
  onChoose,
  onNext,
}: {
  plans: PlanView[];
  chosen: string;
  /** A `?plan=` that is not on sale. */
  unknownCode: string | null;
  focus: boolean;
  onChoose(code: string): void;
  onNext(): void;
}) {
  const { t } = useI18n();
  function submit(event: FormEvent) {
    event.preventDefault();
    onNext();
  }
  return (
    <form onSubmit={submit} className="contract-form">
      <StepHeading step="plan" title={t('contract.plan.heading')} focus={focus} />
      <p>{t('contract.plan.intro')}</p>
      {unknownCode && <p className="form-error">{t('contract.plan.unknown', { code: unknownCode })}</p>}
      <fieldset className="plan-options">
        <legend className="visually-hidden">{t('contract.plan.legend')}</legend>
        {plans.map((plan) => (
          <PlanOption key={plan.code} plan={plan} checked={plan.code === chosen} onChoose={onChoose} />
        ))}
      </fieldset>
      <div className="actions">
        <Button type="submit">{t('contract.continue')}</Button>
        <Button to="/" variant="secondary">
          {t('contract.plan.details')}
        </Button>
      </div>
    </form>
  );
}

function PlanOption({
  plan,
  checked,
  onChoose,
}: {
  plan: PlanView;
  checked: boolean;
  onChoose(code: string): void;
}) {
  const { t, lang } = useI18n();
  const id = useId();
  return (
    <div className={`plan-option${checked ? ' is-checked' : ''}`}>
      <div className="plan-option-head">
        <input
          id={id}
          type="radio"
          name="plan"
          value={plan.code}
          checked={checked}
          onChange={() => onChoose(plan.code)}
          aria-describedby={`${id}-details`}
        />
        <label htmlFor={id}>
          <span className="plan-option-name">{plan.name}</span>
          <span className="plan-option-price">
            <Money centavos={plan.price.totalCentavos} /> {t('money.perMonth')}
            <span className="money-iva">{t('money.ivaIncluded')}</span>
          </span>
        </label>
      </div>
      <div id={`${id}-details`} className="plan-option-details">
        {plan.onlineTrialMonths > 0 && (
          <p className="plan-option-trial">{t('contract.plan.trial', { months: plan.onlineTrialMonths })}</p>
        )}
        <p>{plan.summary[lang]}</p>
        {plan.illustrative && <p className="badge">{t('contract.plan.illustrative')}</p>}
        <p className="plan-option-includes">
          <strong>{t('contract.plan.includes')}:</strong> {plan.services.map((s) => s.name[lang]).join(', ')}.
        </p>
      </div>
    </div>
  );
}
