import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiProblem, api, newIdempotencyKey, type PlanService, problemText } from '../../api.ts';
import { useSecondsSince } from '../../cases/case-live.ts';
import { distanceText, formatEta, isCoarse } from '../../cases/precision.ts';
import { formatMoney } from '../../i18n/format.ts';
import { useStaffI18n } from '../../staff/i18n.ts';
import { Button } from '../../ui/Button.tsx';
import { Dialog, DialogActions } from '../../ui/Dialog.tsx';
import { Field, FormError } from '../../ui/Field.tsx';
import { FormDialog } from '../../ui/FormDialog.tsx';
import { Money } from '../../ui/Money.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { Toast } from '../../ui/Toast.tsx';
import { Details } from '../Details.tsx';
import {
  activeFirst,
  capOf,
  JOBS,
  type Job,
  jobDetails,
  OFFERS,
  type Offer,
  pesosToCentavos,
  SELF,
  serviceNameOf,
  useJobs,
  useOffers,
  useProviderSelf,
  useServices,
} from '../provider-data.ts';
import { stateTone } from '../provider-words.ts';
import '../provider.css';

/** The reasons a provider gives most; "other" lets them write their own. */
const DECLINE_REASONS = ['far', 'busy', 'equipment', 'other'] as const;
type DeclineReason = (typeof DECLINE_REASONS)[number];

/** Seconds ticking: the offers' countdowns. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function countdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

interface Notice {
  id: string;
  caseNumber: string;
  why: 'expired' | 'withdrawn';
}

/** `/proveedor`: whether I take offers, the offers waiting for me (live), and my jobs, the one in hand first. */
export default function JobsPage() {
  const { t } = useStaffI18n();
  const offers = useOffers();
  const jobs = useJobs();
  const services = useServices();
  const now = useNow();
  const [notices, setNotices] = useState<Notice[]>([]);
  const [toast, setToast] = useState<string | null>(null);
  /** Offers shown so far, to tell when one goes away without our answer. */
  const seen = useRef(new Map<string, Offer>());
  /** Offers we answered: their going away is not news. */
  const answered = useRef(new Set<string>());

  const visible = (offers.data?.data ?? []).filter((o) => Date.parse(o.expiresAt) > now);

  useEffect(() => {
    const current = new Set(visible.map((o) => o.id));
    const gone: Notice[] = [];
    for (const [id, offer] of seen.current) {
      if (current.has(id)) continue;
      seen.current.delete(id);
      if (answered.current.has(id)) continue;
      gone.push({
        id,
        caseNumber: offer.caseNumber,
        why: Date.parse(offer.expiresAt) <= Date.now() ? 'expired' : 'withdrawn',
      });
    }
    for (const offer of visible) seen.current.set(offer.id, offer);
    if (gone.length > 0) setNotices((old) => [...gone, ...old].slice(0, 3));
  });

  const updatedAgo = useSecondsSince(offers.dataUpdatedAt || undefined);

  return (
    <section aria-labelledby="page-heading" className="provider-page">
      <h1 id="page-heading" className="visually-hidden">
        {t('provider.home.title')}
      </h1>
      <AvailabilitySwitch />

      <section aria-labelledby="offers-heading" className="provider-section">
        <div className="provider-section-head">
          <h2 id="offers-heading">{t('provider.offers.title')}</h2>
          {updatedAgo !== undefined && (
            <p className="provider-updated">{t('provider.updated', { seconds: updatedAgo })}</p>
          )}
        </div>
        {notices.length > 0 && (
          <ul className="provider-notices" aria-label={t('provider.offers.gone')}>
            {notices.map((n) => (
              <li key={n.id}>
                {t(n.why === 'expired' ? 'provider.offers.expired' : 'provider.offers.withdrawn', {
                  number: n.caseNumber,
                })}
              </li>
            ))}
          </ul>
        )}
        <QueryView
          query={offers}
          loading={t('provider.offers.loading')}
          errorTitle={t('provider.offers.error')}
          errorDetail={(error) => problemText(error, t('provider.error.network'))}
          keepDataOnError
          isEmpty={() => visible.length === 0}
          empty={
            <EmptyState title={t('provider.offers.empty')}>
              <p>{t('provider.offers.emptyHint')}</p>
            </EmptyState>
          }
        >
          {() => (
            <ul className="provider-list">
              {visible.map((offer) => (
                <li key={offer.id}>
                  <OfferCard
                    offer={offer}
                    now={now}
                    services={services.data}
                    onAnswered={(message) => {
                      answered.current.add(offer.id);
                      if (message) setToast(message);
                    }}
                  />
                </li>
              ))}
            </ul>
          )}
        </QueryView>
      </section>

      <section aria-labelledby="jobs-heading" className="provider-section">
        <h2 id="jobs-heading">{t('provider.jobs.title')}</h2>
        <QueryView
          query={jobs}
          loading={t('provider.jobs.loading')}
          errorTitle={t('provider.jobs.error')}
          errorDetail={(error) => problemText(error, t('provider.error.network'))}
          keepDataOnError
          isEmpty={(data) => data.data.length === 0}
          empty={<EmptyState title={t('provider.jobs.empty')} />}
        >
          {(data) => (
            <ul className="provider-list">
              {activeFirst(data.data).map((job, i) => (
                <li key={job.id}>
                  <JobCard job={job} services={services.data} first={i === 0} />
                </li>
              ))}
            </ul>
          )}
        </QueryView>
      </section>
      <Toast message={toast} onDismiss={() => setToast(null)} closeLabel={t('provider.toast.close')} />
    </section>
  );
}

function AvailabilitySwitch() {
  const { t, lang } = useStaffI18n();
  const self = useProviderSelf();
  const queryClient = useQueryClient();
  const change = useMutation({
    mutationFn: (available: boolean) =>
      api('PUT', '/v1/provider/availability', { lang, body: { available } }),
    onSuccess: (answer) => queryClient.setQueryData(SELF, answer),
  });
  return (
    <QueryView
      query={self}
      loading={t('provider.availability.loading')}
      errorTitle={t('provider.availability.error')}
      errorDetail={(error) => problemText(error, t('provider.error.network'))}
    >
      {(data) => {
        const on = data.available;
        return (
          <div className={`provider-availability ${on ? 'is-on' : 'is-off'}`}>
            <div>
              <p className="provider-availability-name">{data.name}</p>
              <p>{on ? t('provider.availability.on') : t('provider.availability.off')}</p>
              <p className="provider-muted">
                {t('provider.availability.load', { jobs: data.activeJobs, capacity: data.capacity })}
              </p>
            </div>
            <button
              type="button"
              className="button button-secondary provider-switch"
              aria-pressed={on}
              disabled={change.isPending}
              onClick={() => change.mutate(!on)}
            >
              {/* The switch shows its state at a glance, not only to screen readers (aria-pressed). */}
              {on && <span aria-hidden="true">✓ </span>}
              {t('provider.availability.switch')}
            </button>
            {change.isError && (
              <p className="field-error" role="alert">
                {problemText(change.error, t('provider.error.network'))}
              </p>
            )}
          </div>
        );
      }}
    </QueryView>
  );
}

function OfferCard({
  offer,
  now,
  services,
  onAnswered,
}: {
  offer: Offer;
  now: number;
  services: Map<string, PlanService> | undefined;
  onAnswered: (toast: string | null) => void;
}) {
  const { t, lang } = useStaffI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const cap = capOf(services, offer.serviceCode);
  const [quote, setQuote] = useState('');
  const [quoteError, setQuoteError] = useState<string | undefined>(undefined);
  const [confirming, setConfirming] = useState(false);
  const [declining, setDeclining] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [acceptKey] = useState(newIdempotencyKey);
  const name = serviceNameOf(services, offer.serviceCode, lang);
  const left = Date.parse(offer.expiresAt) - now;
  const quoteCentavos = pesosToCentavos(quote);
  const details = jobDetails(offer.details);
  const headingId = `offer-${offer.id}`;

  const accept = useMutation({
    mutationFn: () =>
      api('POST', `/v1/offers/${offer.id}/accept`, {
        lang,
        body: cap !== undefined && quoteCentavos !== undefined ? { quoteCentavos } : {},
        idempotencyKey: acceptKey,
      }),
    onSuccess: () => {
      onAnswered(null);
      void queryClient.invalidateQueries({ queryKey: OFFERS });
      void queryClient.invalidateQueries({ queryKey: JOBS });
      void queryClient.invalidateQueries({ queryKey: SELF });
      navigate(`/proveedor/trabajos/${offer.caseId}`);
    },
    onError: (error) => {
      setConfirming(false);
      setProblem(problemText(error, t('provider.error.network')));
      if (error instanceof ApiProblem && error.status === 409)
        void queryClient.invalidateQueries({ queryKey: OFFERS });
    },
  });

  function askAccept(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    if (cap !== undefined && quoteCentavos === undefined) {
      setQuoteError(t('provider.offer.quote.invalid'));
      return;
    }
    setQuoteError(undefined);
    setConfirming(true);
  }

  const excess = cap !== undefined && quoteCentavos !== undefined ? Math.max(0, quoteCentavos - cap) : 0;
  // Never finer than the place's point: "~3 km" for a postal code's, none for a state's.
  const distance = distanceText(offer.distanceKm, offer.precision);
  return (
    <article className="provider-card provider-offer" aria-labelledby={headingId}>
      <header className="provider-card-head">
        <h3 id={headingId}>{name}</h3>
        <p className={`provider-countdown ${left < 60_000 ? 'is-urgent' : ''}`}>
          {t('provider.offer.expiresIn', { time: countdown(left) })}
        </p>
      </header>
      <p className="mono provider-number">{offer.caseNumber}</p>
      <p className="provider-place">{offer.addressText}</p>
      <p className="provider-distance">
        {distance === null
          ? t('provider.offer.distanceUnknown', { minutes: formatEta(offer.etaMinutes) })
          : t('provider.offer.distance', { distance, minutes: formatEta(offer.etaMinutes) })}
      </p>
      {isCoarse(offer.precision) && <p className="provider-approx">{t('provider.offer.approx')}</p>}
      <p>{offer.description}</p>
      <Details details={details} />
      <form onSubmit={askAccept} noValidate className="provider-offer-form">
        {problem && <FormError message={problem} />}
        {cap !== undefined && (
          <Field
            label={t('provider.offer.quote')}
            hint={t('provider.offer.quote.hint', { cap: formatMoney(cap) })}
            error={quoteError}
          >
            <input
              type="text"
              inputMode="decimal"
              autoComplete="off"
              name="quote"
              value={quote}
              onChange={(e) => setQuote(e.target.value)}
            />
          </Field>
        )}
        <div className="provider-actions">
          <Button type="submit" disabled={accept.isPending}>
            {t('provider.offer.accept')}
          </Button>
          <Button variant="secondary" onClick={() => setDeclining(true)}>
            {t('provider.offer.decline')}
          </Button>
        </div>
      </form>
      <Dialog
        open={confirming}
        onClose={() => setConfirming(false)}
        title={t('provider.offer.confirm.title', { service: name })}
      >
        <p>
          <span className="mono">{offer.caseNumber}</span> · {offer.addressText}
        </p>
        {cap !== undefined && quoteCentavos !== undefined && (
          <p>
            {t('provider.offer.confirm.quote')} <Money centavos={quoteCentavos} />
          </p>
        )}
        {excess > 0 && (
          <p className="provider-warning">
            {t('provider.offer.confirm.excess', { excess: formatMoney(excess) })}
          </p>
        )}
        <DialogActions>
          <Button variant="secondary" onClick={() => setConfirming(false)} data-autofocus>
            {t('provider.dialog.back')}
          </Button>
          <Button onClick={() => accept.mutate()} disabled={accept.isPending}>
            {accept.isPending ? t('provider.sending') : t('provider.offer.confirm.yes')}
          </Button>
        </DialogActions>
      </Dialog>
      <DeclineDialog
        open={declining}
        offer={offer}
        service={name}
        onClose={() => setDeclining(false)}
        onDeclined={() => {
          setDeclining(false);
          onAnswered(t('provider.offer.declined', { number: offer.caseNumber }));
        }}
      />
    </article>
  );
}

function DeclineDialog({
  open,
  offer,
  service,
  onClose,
  onDeclined,
}: {
  open: boolean;
  offer: Offer;
  service: string;
  onClose: () => void;
  onDeclined: () => void;
}) {
  const { t, lang } = useStaffI18n();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState<DeclineReason>('far');
  const [other, setOther] = useState('');
  const [missing, setMissing] = useState(false);
  const text = reason === 'other' ? other.trim() : t(`provider.decline.reason.${reason}`);
  return (
    <FormDialog
      open={open}
      onClose={onClose}
      title={t('provider.decline.title', { service })}
      message={(problem) =>
        missing
          ? t('provider.decline.otherMissing')
          : problem
            ? problemText(problem, t('provider.error.network'))
            : undefined
      }
      submitLabel={t('provider.decline.submit')}
      sendingLabel={t('provider.sending')}
      cancelLabel={t('provider.dialog.back')}
      cancelFirst
      focusCancel
      validate={() => {
        setMissing(!text);
        return Boolean(text);
      }}
      onSubmit={async () => {
        await api('POST', `/v1/offers/${offer.id}/decline`, { lang, body: { reason: text } });
        onDeclined();
        void queryClient.invalidateQueries({ queryKey: OFFERS });
      }}
    >
      <fieldset className="provider-reasons">
        <legend>{t('provider.decline.why')}</legend>
        {DECLINE_REASONS.map((r) => (
          <label key={r} className="provider-choice">
            <input
              type="radio"
              name="reason"
              value={r}
              checked={reason === r}
              onChange={() => setReason(r)}
            />
            {t(`provider.decline.reason.${r}`)}
          </label>
        ))}
      </fieldset>
      {reason === 'other' && (
        <Field label={t('provider.decline.other')}>
          <textarea maxLength={500} rows={3} value={other} onChange={(e) => setOther(e.target.value)} />
        </Field>
      )}
    </FormDialog>
  );
}

function JobCard({
  job,
  services,
  first,
}: {
  job: Job;
  services: Map<string, PlanService> | undefined;
  first: boolean;
}) {
  const { t, tOr, lang } = useStaffI18n();
  const name = serviceNameOf(services, job.serviceCode, lang);
  return (
    <article className={`provider-card provider-job ${first ? 'is-current' : ''}`}>
      <header className="provider-card-head">
        <h3>
          <Link to={`/proveedor/trabajos/${job.id}`}>{name}</Link>
        </h3>
        <StatusBadge tone={stateTone(job.state)}>{tOr(`provider.state.${job.state}`, job.state)}</StatusBadge>
      </header>
      <p className="mono provider-number">{job.number}</p>
      <p>{t('provider.job.person', { name: job.personFirstName })}</p>
      <p className="provider-place">{job.place.address}</p>
    </article>
  );
}
