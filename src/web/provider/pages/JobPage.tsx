import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiProblem, api, problemText } from '../../api.ts';
import { useSecondsSince } from '../../cases/case-live.ts';
import { formatEta } from '../../cases/precision.ts';
import { formatMoney } from '../../i18n/format.ts';
import { useStaffI18n } from '../../staff/i18n.ts';
import { Button } from '../../ui/Button.tsx';
import { DateTime } from '../../ui/DateTime.tsx';
import { Field } from '../../ui/Field.tsx';
import { FormDialog } from '../../ui/FormDialog.tsx';
import { Money } from '../../ui/Money.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { Toast } from '../../ui/Toast.tsx';
import { Details } from '../Details.tsx';
import { type SharingStatus, useLocationSharing } from '../location.ts';
import {
  capOf,
  JOBS,
  type Job,
  jobDetails,
  jobKey,
  mapsUrl,
  nextSteps,
  pesosToCentavos,
  SELF,
  type Step,
  serviceNameOf,
  useJob,
  useServices,
} from '../provider-data.ts';
import { stateTone } from '../provider-words.ts';
import { UnitForm } from '../UnitForm.tsx';
import '../provider.css';

/** `/proveedor/trabajos/:caseId`: one job — who, where, what — and its progress, step by step. */
export default function JobPage() {
  const { caseId = '' } = useParams();
  const { t, tOr, lang } = useStaffI18n();
  const job = useJob(caseId);
  const services = useServices();
  const [toast, setToast] = useState<string | null>(null);
  const updatedAgo = useSecondsSince(job.dataUpdatedAt || undefined);
  const sharing = useLocationSharing(job.data?.state === 'en_route');

  const back = (
    <p>
      <Link to="/proveedor" className="provider-back">
        {t('provider.job.back')}
      </Link>
    </p>
  );
  // Until the job is here (or if it never comes) the shared states say so; a failed refresh keeps the job.
  if (!job.data)
    return (
      <QueryView
        query={job}
        loading={t('provider.job.loading')}
        errorTitle={t('provider.job.error')}
        errorDetail={(error) => problemText(error, t('provider.error.network'))}
        missing={{
          when: (error) => error instanceof ApiProblem && error.status === 404,
          view: (
            <EmptyState title={t('provider.job.missing')}>
              <p>{problemText(job.error, t('provider.error.network'))}</p>
            </EmptyState>
          ),
        }}
        frame={(state) => (
          <section aria-labelledby="page-heading" className="provider-page">
            <h1 id="page-heading">{t('provider.job.title')}</h1>
            {state}
            {back}
          </section>
        )}
      >
        {() => null}
      </QueryView>
    );
  const data = job.data;
  const name = serviceNameOf(services.data, data.serviceCode, lang);
  const cap = capOf(services.data, data.serviceCode);
  const details = jobDetails(data.details);
  return (
    <section aria-labelledby="page-heading" className="provider-page">
      {back}
      <header className="provider-job-head">
        <h1 id="page-heading">{name}</h1>
        <StatusBadge tone={stateTone(data.state)}>
          {tOr(`provider.state.${data.state}`, data.state)}
        </StatusBadge>
      </header>
      <p className="provider-number">
        {t('provider.job.number')} <span className="mono">{data.number}</span>
      </p>
      {updatedAgo !== undefined && (
        <p className="provider-updated">{t('provider.updated', { seconds: updatedAgo })}</p>
      )}

      <StateNote job={data} cap={cap} />

      <StepButtons job={data} onDone={setToast} />

      {['dispatched', 'en_route', 'on_site'].includes(data.state) && (
        <UnitForm key={data.unit?.plates ?? 'new'} job={data} onDone={setToast} />
      )}

      {data.state === 'en_route' && <SharingPanel sharing={sharing} />}
      {data.state === 'dispatched' && <p className="provider-muted">{t('provider.share.later')}</p>}

      <section aria-labelledby="where-heading" className="provider-card">
        <h2 id="where-heading">{t('provider.job.where')}</h2>
        <p className="provider-place">{data.place.address}</p>
        <a
          className="button button-secondary provider-maps"
          href={mapsUrl(data.place)}
          target="_blank"
          rel="noopener noreferrer"
        >
          {t('provider.job.maps')}
        </a>
        {data.eta && ['dispatched', 'en_route'].includes(data.state) && (
          <p>
            {t('provider.job.eta', { minutes: formatEta(data.eta.minutes) })} (
            <DateTime value={data.eta.at} />)
          </p>
        )}
      </section>

      <section aria-labelledby="what-heading" className="provider-card">
        <h2 id="what-heading">{t('provider.job.what')}</h2>
        <dl className="provider-facts">
          <div>
            <dt>{t('provider.job.customer')}</dt>
            <dd>{data.personFirstName}</dd>
          </div>
          <div>
            <dt>{t('provider.job.description')}</dt>
            <dd>{data.description}</dd>
          </div>
          {data.quoteCentavos !== null && (
            <div>
              <dt>{t('provider.job.quote')}</dt>
              <dd>
                <Money centavos={data.quoteCentavos} />
              </dd>
            </div>
          )}
          {data.finalCostCentavos !== null && (
            <div>
              <dt>{t('provider.job.finalCost')}</dt>
              <dd>
                <Money centavos={data.finalCostCentavos} />
              </dd>
            </div>
          )}
        </dl>
        <Details details={details} />
      </section>
      <Toast message={toast} onDismiss={() => setToast(null)} closeLabel={t('provider.toast.close')} />
    </section>
  );
}

/** What the state means for the provider right now: wait, go, done, or do not go. */
function StateNote({ job, cap }: { job: Job; cap: number | undefined }) {
  const { t } = useStaffI18n();
  const excess =
    cap !== undefined && job.quoteCentavos !== null ? Math.max(0, job.quoteCentavos - cap) : undefined;
  if (job.state === 'awaiting_excess_acceptance')
    return (
      <div className="provider-note is-alert" role="status">
        <p className="provider-note-title">{t('provider.excess.pending')}</p>
        <p>
          {excess !== undefined && excess > 0
            ? t('provider.excess.pendingAmount', { excess: formatMoney(excess), cap: formatMoney(cap ?? 0) })
            : t('provider.excess.pendingHint')}
        </p>
      </div>
    );
  if (
    job.excessAccepted &&
    excess !== undefined &&
    excess > 0 &&
    !['completed', 'cancelled'].includes(job.state)
  )
    return (
      <div className="provider-note" role="status">
        <p>{t('provider.excess.accepted', { excess: formatMoney(excess) })}</p>
      </div>
    );
  if (job.state === 'cancelled')
    return (
      <div className="provider-note is-alert" role="status">
        <p className="provider-note-title">{t('provider.job.cancelled')}</p>
      </div>
    );
  if (job.state === 'completed' || job.state === 'attended' || job.state === 'no_show')
    return (
      <div className="provider-note is-good" role="status">
        <p className="provider-note-title">{t('provider.job.closed')}</p>
      </div>
    );
  return null;
}

/** The next step(s) as big buttons, each confirmed; "Terminado" asks the final cost. */
function StepButtons({ job, onDone }: { job: Job; onDone: (message: string) => void }) {
  const { t, lang } = useStaffI18n();
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState<Step | null>(null);
  const [cost, setCost] = useState('');
  const [costError, setCostError] = useState<string | undefined>(undefined);
  const steps = nextSteps(job.state);

  if (steps.length === 0) return null;

  function open(step: Step) {
    setCostError(undefined);
    if (step === 'completed') setCost(job.quoteCentavos !== null ? (job.quoteCentavos / 100).toFixed(2) : '');
    setAsking(step);
  }

  // The final cost, checked before sending (the provider types it as pesos).
  const centavos = asking === 'completed' ? pesosToCentavos(cost) : undefined;

  async function send() {
    if (!asking) return;
    const body =
      asking === 'completed' ? { status: asking, finalCostCentavos: centavos } : { status: asking };
    try {
      const answer = await api<Job>('POST', `/v1/cases/${job.id}/status`, { lang, body });
      queryClient.setQueryData(jobKey(job.id), answer);
      void queryClient.invalidateQueries({ queryKey: JOBS });
      void queryClient.invalidateQueries({ queryKey: SELF });
      setAsking(null);
      onDone(t('provider.step.done', { step: t(`provider.step.${body.status}`) }));
    } catch (error) {
      // The job may have moved on without this phone: read it again.
      void queryClient.invalidateQueries({ queryKey: jobKey(job.id) });
      throw error;
    }
  }

  return (
    <div className="provider-steps">
      {steps.map((step) => (
        <Button key={step} onClick={() => open(step)}>
          {t(`provider.step.${step}`)}
        </Button>
      ))}
      <FormDialog
        open={asking !== null}
        onClose={() => setAsking(null)}
        title={asking ? t(`provider.step.${asking}.confirm`) : ''}
        message={(problem) => (problem ? problemText(problem, t('provider.error.network')) : undefined)}
        submitLabel={t('provider.step.yes')}
        sendingLabel={t('provider.sending')}
        cancelLabel={t('provider.dialog.back')}
        cancelFirst
        focusCancel
        validate={() => {
          if (asking === 'completed' && centavos === undefined) {
            setCostError(t('provider.step.cost.invalid'));
            return false;
          }
          setCostError(undefined);
          return asking !== null;
        }}
        onSubmit={send}
      >
        <p>
          <span className="mono">{job.number}</span> · {job.place.address}
        </p>
        {asking === 'completed' && (
          <Field label={t('provider.step.cost')} hint={t('provider.step.cost.hint')} error={costError}>
            <input
              type="text"
              inputMode="decimal"
              autoComplete="off"
              name="finalCost"
              value={cost}
              onChange={(e) => setCost(e.target.value)}
            />
          </Field>
        )}
      </FormDialog>
    </div>
  );
}

const SHARING_WORDS: Record<
  SharingStatus,
  | 'provider.share.on'
  | 'provider.share.starting'
  | 'provider.share.stopped'
  | 'provider.share.denied'
  | 'provider.share.unavailable'
  | null
> = {
  off: null,
  starting: 'provider.share.starting',
  sharing: 'provider.share.on',
  stopped: 'provider.share.stopped',
  denied: 'provider.share.denied',
  unavailable: 'provider.share.unavailable',
};

/** "Compartiendo tu ubicación" while on the way, with a way to stop (and start again). */
function SharingPanel({ sharing }: { sharing: ReturnType<typeof useLocationSharing> }) {
  const { t } = useStaffI18n();
  const ago = useSecondsSince(sharing.lastSentAt);
  const words = SHARING_WORDS[sharing.status];
  const bad = sharing.status === 'denied' || sharing.status === 'unavailable';
  return (
    <section
      aria-labelledby="share-heading"
      className={`provider-note provider-sharing ${bad ? 'is-alert' : sharing.status === 'sharing' ? 'is-good' : ''}`}
    >
      <h2 id="share-heading" className="provider-note-title">
        {t('provider.share.title')}
      </h2>
      <p role="status">{words ? t(words) : ''}</p>
      {sharing.status === 'sharing' && ago !== undefined && (
        <p className="provider-muted">{t('provider.share.sentAgo', { seconds: ago })}</p>
      )}
      {sharing.problem && (
        <p className="field-error" role="alert">
          {problemText(sharing.problem, t('provider.error.network'))}
        </p>
      )}
      {sharing.status === 'sharing' || sharing.status === 'starting' ? (
        <Button variant="secondary" onClick={sharing.stop}>
          {t('provider.share.stop')}
        </Button>
      ) : (
        <Button variant="secondary" onClick={sharing.start}>
          {t('provider.share.start')}
        </Button>
      )}
    </section>
  );
}
