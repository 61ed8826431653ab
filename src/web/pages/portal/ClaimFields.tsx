import { useI18n } from '../../i18n/i18n.tsx';
import { Field } from '../../ui/Field.tsx';

export type ClaimField = 'withdrawalAmount' | 'withdrawalAt' | 'withdrawalAtm' | 'cardMaximum';

/** A reimbursement claim's withdrawal (the customer's own: the agent does not file claims). */
export function ClaimFields({
  form,
  set,
  errorOf,
}: {
  form: Record<ClaimField, string>;
  set: (field: ClaimField, value: string) => void;
  errorOf: (field: ClaimField, apiPath: string) => string | undefined;
}) {
  const { t } = useI18n();
  return (
    <fieldset className="subgroup">
      <legend>{t('assistance.form.claim')}</legend>
      <p className="muted">{t('assistance.form.claimIntro')}</p>
      <Field
        label={t('assistance.form.claimAmount')}
        hint={t('assistance.form.pesosHint')}
        error={errorOf('withdrawalAmount', 'details/withdrawal/amountCentavos')}
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
        error={errorOf('withdrawalAt', 'details/withdrawal/at')}
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
        error={errorOf('withdrawalAtm', 'details/withdrawal/atm')}
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
        error={errorOf('cardMaximum', 'details/cardDailyAtmMaximumCentavos')}
      >
        <input
          type="text"
          inputMode="decimal"
          value={form.cardMaximum}
          onChange={(e) => set('cardMaximum', e.target.value)}
        />
      </Field>
    </fieldset>
  );
}
