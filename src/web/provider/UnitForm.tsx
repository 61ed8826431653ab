import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiProblem, api, problemText } from '../api.ts';
import { useStaffI18n } from '../staff/i18n.ts';
import { Button } from '../ui/Button.tsx';
import { Field, FormError } from '../ui/Field.tsx';
import { type Job, jobKey } from './provider-data.ts';

/**
 * The unit going to the job: who drives, which truck, which plates. The customer sees it on the
 * case page while the unit comes (the driver's first name and initial), so they know who arrives.
 */
export function UnitForm({ job, onDone }: { job: Job; onDone: (message: string) => void }) {
  const { t, lang } = useStaffI18n();
  const queryClient = useQueryClient();
  const [unit, setUnit] = useState({
    driverName: job.unit?.driverName ?? '',
    vehicle: job.unit?.vehicle ?? '',
    plates: job.unit?.plates ?? '',
  });
  const [problem, setProblem] = useState<ApiProblem | string | undefined>();
  const [sending, setSending] = useState(false);
  const fieldError = (field: string) =>
    problem instanceof ApiProblem ? problem.fieldMessage(field) : undefined;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSending(true);
    setProblem(undefined);
    try {
      const saved = await api<Job>('PUT', `/v1/cases/${job.id}/unit`, { lang, body: unit });
      queryClient.setQueryData(jobKey(job.id), saved);
      onDone(t('provider.unit.saved'));
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : problemText(error, t('provider.error.network')));
    } finally {
      setSending(false);
    }
  }

  const input = (key: keyof typeof unit) => ({
    value: unit[key],
    onChange: (e: { target: { value: string } }) => setUnit({ ...unit, [key]: e.target.value }),
  });
  return (
    <section aria-labelledby="unit-heading" className="provider-card">
      <h2 id="unit-heading">{t('provider.unit.heading')}</h2>
      <p className="provider-muted">{t('provider.unit.intro')}</p>
      <form onSubmit={submit} noValidate>
        <FormError
          message={
            problem instanceof ApiProblem ? (problem.fields.length ? undefined : problem.message) : problem
          }
        />
        <Field label={t('provider.unit.driver')} error={fieldError('driverName')}>
          <input {...input('driverName')} autoComplete="name" />
        </Field>
        <Field
          label={t('provider.unit.vehicle')}
          hint={t('provider.unit.vehicleHint')}
          error={fieldError('vehicle')}
        >
          <input {...input('vehicle')} />
        </Field>
        <Field label={t('provider.unit.plates')} error={fieldError('plates')}>
          <input {...input('plates')} className="mono" autoCapitalize="characters" />
        </Field>
        <Button type="submit" disabled={sending}>
          {job.unit ? t('provider.unit.update') : t('provider.unit.save')}
        </Button>
      </form>
    </section>
  );
}
