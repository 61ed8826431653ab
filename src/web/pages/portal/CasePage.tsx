import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiProblem, api, problemText } from '../../api.ts';
import {
  CASES,
  type Case,
  type CaseEvent,
  caseKey,
  isCancellable,
  isOpen,
  serviceName,
  stateTone,
  stateWord,
  useCase,
} from '../../cases/case-data.ts';
import { type Translate, useI18n } from '../../i18n/i18n.tsx';
import { isMessageKey, type MessageKey } from '../../i18n/messages.ts';
import { Button } from '../../ui/Button.tsx';
import { DateTime } from '../../ui/DateTime.tsx';
import { Dialog, DialogActions } from '../../ui/Dialog.tsx';
import { Field, FormError } from '../../ui/Field.tsx';
import { Money } from '../../ui/Money.tsx';
import { PhoneLink } from '../../ui/PhoneLink.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { Timeline, type TimelineItem } from '../../ui/Timeline.tsx';
import { Toast } from '../../ui/Toast.tsx';
import { usePlan } from './assistance-data.ts';
import './assistance.css';
import { useCaseLive, useSecondsSince } from '../../cases/case-live.ts';
import { EligibilityAnswer } from '../../cases/EligibilityAnswer.tsx';
import { useMembership } from './outlet.ts';

/** `/app/casos/:caseId`: one request, followed live — provider, arrival, excess, timeline, cancel. */
export default function CasePage() {
  const { caseId = '' } = useParams();
  const { t } = useI18n();
  const kase = useCase(caseId);

  useEffect(() => {
    document.title = `${kase.data ? kase.data.number : t('assistance.case.heading')} · ${t('site.title')}`;
  }, [t, kase.data]);

  if (kase.isPending) return <LoadingState label={t('assistance.case.loading')} />;
  if (kase.isError) {
    const missing = kase.error instanceof ApiProblem && kase.error.status === 404;
    return (
      <div className="case-page">
        <BackLink />
        {missing ? (
          <EmptyState title={t('assistance.case.notFound')}>
            <p>{t('assistance.case.notFoundBody')}</p>
          </EmptyState>
        ) : (
          <ErrorState
            title={t('assistance.case.error')}
            detail={problemText(kase.error, t('state.error.network'))}
            onRetry={() => void kase.refetch()}
          />
        )}
      </div>
    );
  }
  return <CaseView kase={kase.data} updatedAt={kase.dataUpdatedAt} />;
}

function BackLink() {
  const { t } = useI18n();
  return (
    <p className="back">
      <Link to="/app/asistencia">
        <span aria-hidden="true">← </span>
        {t('assistance.case.back')}
      </Link>
    </p>
  );
}

function CaseView({ kase, updatedAt }: { kase: Case; updatedAt: number }) {
  const { t, lang } = useI18n();
  const membership = useMembership();
  const plan = usePlan(membership.plan.code);
  const open = isOpen(kase.state);
  const live = useCaseLive(kase.id, open);
  const [toast, setToast] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);

  // Announce each change of state while the page is open (not the state it opened with).
  const shownState = useRef(kase.state);
  useEffect(() => {
    if (shownState.current === kase.state) return;
    shownState.current = kase.state;
    setToast(t('assistance.case.changed', { state: stateWord(t, kase, lang) }));
  }, [kase, t, lang]);

  const name = serviceName(plan.data?.services, kase.serviceCode, lang);
  const timeline = kase.timeline ?? [];

  return (
    <div className="case-page">
      <BackLink />
      <header className="case-head">
        <h1>{name}</h1>
        <p className="case-number">
          {t('assistance.case.number')} <span className="number">{kase.number}</span>
        </p>
        <p className="case-status">
          <StatusBadge tone={stateTone(kase.state)}>
            <span data-testid="case-status">{stateWord(t, kase, lang)}</span>
          </StatusBadge>
        </p>
        <p className="case-now">{nowSentence(t, kase, lang)}</p>
        {open && <LiveLine status={live.status} updatedAt={updatedAt} />}
      </header>

      {/* Shown once the amounts are in (the live event brings the state first, the case read them). */}
      {kase.state === 'awaiting_excess_acceptance' && kase.cost.excessCentavos !== null && (
        <ExcessPanel kase={kase} />
      )}

      {kase.provider && <ProviderPanel kase={kase} timeline={timeline} />}

      {kase.state === 'refused' && (
        <section className="panel panel-alert" aria-labelledby="refused-heading">
          <h2 id="refused-heading">{t('assistance.case.refused')}</h2>
          <EligibilityAnswer decision={kase.decision} headingLevel={3} />
          <p>
            {t('assistance.case.refusedCall')} <PhoneLink />
          </p>
        </section>
      )}

      <section className="panel" aria-labelledby="details-heading">
        <h2 id="details-heading">{t('assistance.case.details')}</h2>
        <CaseDetails kase={kase} />
        {kase.state !== 'refused' && (
          <details className="why">
            <summary>{t('assistance.case.why')}</summary>
            <EligibilityAnswer decision={kase.decision} headingLevel={3} />
          </details>
        )}
      </section>

      <section className="panel" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">{t('assistance.case.timeline')}</h2>
        <Timeline
          label={t('assistance.case.timeline')}
          actorLabel={t('assistance.case.actor')}
          items={timeline.map((e) => timelineItem(e, t, lang))}
        />
      </section>

      <section className="panel" aria-labelledby="help-heading">
        <h2 id="help-heading">{t('assistance.case.help')}</h2>
        <div className="actions">
          {isCancellable(kase.state) && (
            <Button variant="secondary" onClick={() => setCancelling(true)}>
              {t('assistance.cancel.open')}
            </Button>
          )}
          <Button variant="secondary" to={`/app/quejas?caso=${kase.id}`}>
            {t('assistance.case.complain')}
          </Button>
        </div>
        <p>
          {t('assistance.case.call')} <PhoneLink />
        </p>
      </section>

      <CancelDialog kase={kase} open={cancelling} onClose={() => setCancelling(false)} />
      <Toast message={toast} onDismiss={() => setToast(null)} closeLabel={t('assistance.toast.close')} />
    </div>
  );
}

/** What is happening now, in one sentence from the catalogue (by kind for a new request). */
function nowSentence(t: Translate, kase: Case, lang: 'es' | 'en'): string {
  const byKind = `assistance.now.${kase.state}.${kase.fulfilment}`;
  if (isMessageKey(byKind)) return t(byKind);
  const key = `assistance.now.${kase.state}`;
  if (isMessageKey(key)) return t(key);
  return kase.stateLabel[lang];
}

/** "En vivo · actualizado hace 5 s", quietly; "Reconectando…" while the stream is down. */
function LiveLine({ status, updatedAt }: { status: string; updatedAt: number }) {
  const { t } = useI18n();
  const seconds = useSecondsSince(updatedAt) ?? 0;
  const ago =
    seconds < 60
      ? t('assistance.live.seconds', { seconds })
      : t('assistance.live.minutes', { minutes: Math.floor(seconds / 60) });
  return (
    <p className={`live live-${status}`} data-testid="live">
      <span className="live-dot" aria-hidden="true" />
      {status === 'live'
        ? t('assistance.live.on')
        : status === 'connecting'
          ? t('assistance.live.connecting')
          : t('assistance.live.reconnecting')}
      {' · '}
      {ago}
    </p>
  );
}

function actorText(actor: CaseEvent['actor'], t: Translate): string {
  if (actor.kind === 'system') return t('assistance.actor.system');
  const key = `assistance.actor.${actor.kind}`;
  return isMessageKey(key) ? t(key, { name: actor.name }) : actor.name;
}

function timelineItem(e: CaseEvent, t: Translate, lang: 'es' | 'en'): TimelineItem {
  const note = typeof e.note === 'string' && e.note.trim() ? e.note : undefined;
  return {
    id: e.seq,
    at: e.at,
    title: e.label[lang],
    actor: actorText(e.actor, t),
    note,
    tone: stateTone(e.state),
  };
}

function CaseDetails({ kase }: { kase: Case }) {
  const { t } = useI18n();
  const details = kase.details as {
    vehicle?: { make?: string; model?: string; year?: number; plates?: string; color?: string };
    destination?: { address?: string };
    specialty?: string;
    callbackPhone?: string;
  };
  const vehicle = details.vehicle
    ? [
        details.vehicle.make,
        details.vehicle.model,
        details.vehicle.year,
        details.vehicle.color,
        details.vehicle.plates,
      ]
        .filter((v) => v !== undefined && v !== '')
        .join(' · ')
    : '';
  const stateName = kase.place.stateCode ? `assistance.mx.${kase.place.stateCode}` : '';
  return (
    <dl className="facts">
      <div>
        <dt>{t('assistance.case.person')}</dt>
        <dd>{kase.person.name}</dd>
      </div>
      <div>
        <dt>{t('assistance.case.place')}</dt>
        <dd>
          {kase.place.address}
          {stateName && isMessageKey(stateName) && <>, {t(stateName)}</>}
        </dd>
      </div>
      <div>
        <dt>{t('assistance.case.description')}</dt>
        <dd>{kase.description}</dd>
      </div>
      {details.specialty && (
        <div>
          <dt>{t('assistance.form.specialty')}</dt>
          <dd>{details.specialty}</dd>
        </div>
      )}
      {details.callbackPhone && (
        <div>
          <dt>{t('assistance.form.callback')}</dt>
          <dd>{details.callbackPhone}</dd>
        </div>
      )}
      {vehicle && (
        <div>
          <dt>{t('assistance.form.vehicle')}</dt>
          <dd>{vehicle}</dd>
        </div>
      )}
      {details.destination?.address && (
        <div>
          <dt>{t('assistance.form.destination')}</dt>
          <dd>{details.destination.address}</dd>
        </div>
      )}
      {kase.appointment?.at && (
        <div>
          <dt>{t('assistance.case.appointment')}</dt>
          <dd>
            <DateTime value={kase.appointment.at} />
          </dd>
        </div>
      )}
      {kase.claim && (
        <div>
          <dt>{t('assistance.case.claimAmount')}</dt>
          <dd>
            {kase.claim.requestedCentavos !== null && <Money centavos={kase.claim.requestedCentavos} />}
            {kase.claim.approvedCentavos !== null && (
              <>
                {' · '}
                {t('assistance.case.claimApproved')} <Money centavos={kase.claim.approvedCentavos} />
              </>
            )}
          </dd>
        </div>
      )}
      {kase.cost.finalCostCentavos !== null && (
        <div>
          <dt>{t('assistance.case.finalCost')}</dt>
          <dd>
            <Money centavos={kase.cost.finalCostCentavos} />
          </dd>
        </div>
      )}
      <div>
        <dt>{t('assistance.case.requestedAt')}</dt>
        <dd>
          <DateTime value={kase.requestedAt} />
        </dd>
      </div>
      {kase.closedAt && (
        <div>
          <dt>{t('assistance.case.closedAt')}</dt>
          <dd>
            <DateTime value={kase.closedAt} />
          </dd>
        </div>
      )}
    </dl>
  );
}

/**
 * Minutes until the provider arrives. The ETA is an instant on the server's clock; where the
 * browser's clock disagrees with it beyond reason (a wrong clock), the minutes the server gave are
 * counted down from when the page received them.
 */
function useEtaMinutes(eta: Case['eta']): number | undefined {
  const etaAt = eta?.at;
  // A new ETA (its instant changed) starts a new count; the case read again with the same one does not.
  const receivedAt = useMemo(() => (etaAt ? Date.now() : undefined), [etaAt]);
  const seconds = useSecondsSince(receivedAt);
  if (!eta || seconds === undefined) return undefined;
  const byClock = (Date.parse(eta.at) - Date.now()) / 60_000;
  if (byClock > -30 && byClock <= eta.minutes + 5) return Math.max(0, Math.ceil(byClock));
  return Math.max(0, eta.minutes - Math.floor(seconds / 60));
}

/** How far the provider was at the last reading: its offer, or its last position update. */
function distanceOf(kase: Case, timeline: CaseEvent[]): number | undefined {
  for (let i = timeline.length - 1; i >= 0; i--) {
    const e = timeline[i];
    if (!e) continue;
    const km = e.data.distanceKm;
    if (typeof km !== 'number') continue;
    if (e.type === 'eta_updated' || e.data.providerId === kase.provider?.id) return km;
  }
  return undefined;
}

function ProviderPanel({ kase, timeline }: { kase: Case; timeline: CaseEvent[] }) {
  const { t, lang } = useI18n();
  const minutes = useEtaMinutes(kase.eta);
  const km = distanceOf(kase, timeline);
  const coming = kase.state === 'dispatched' || kase.state === 'en_route';
  const provider = kase.provider;
  if (!provider) return null;
  const digits = provider.phone.replace(/[^\d+]/g, '');
  const distance =
    km === undefined
      ? undefined
      : new Intl.NumberFormat(lang === 'es' ? 'es-MX' : 'en-US', { maximumFractionDigits: 1 }).format(km);
  return (
    <section className="panel provider" aria-labelledby="provider-heading">
      <h2 id="provider-heading">{t('assistance.provider.heading')}</h2>
      <p className="provider-name">{provider.name}</p>
      <p>
        {t('assistance.provider.phone')}{' '}
        <PhoneLink
          phone={{ display: provider.phone, tel: digits.startsWith('+') ? digits : `+52${digits}` }}
        />
      </p>
      {coming && minutes !== undefined && (
        <p className="eta" data-testid="eta">
          {minutes > 0 ? t('assistance.provider.eta', { minutes }) : t('assistance.provider.arriving')}
          {distance !== undefined && (
            <span className="muted"> · {t('assistance.provider.distance', { km: distance })}</span>
          )}
        </p>
      )}
      {kase.state === 'on_site' && <p className="eta">{t('assistance.provider.onSite')}</p>}
    </section>
  );
}

/** The tow's quote went over what is covered: the customer accepts the excess, or does not. */
function ExcessPanel({ kase }: { kase: Case }) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const [sending, setSending] = useState<'accept' | 'reject' | null>(null);
  const [problem, setProblem] = useState<string | undefined>();
  const [confirmReject, setConfirmReject] = useState(false);

  async function answer(accept: boolean) {
    setSending(accept ? 'accept' : 'reject');
    setProblem(undefined);
    try {
      const updated = await api<Case>('POST', `/v1/cases/${kase.id}/excess-acceptance`, {
        lang,
        body: { accept },
      });
      queryClient.setQueryData(caseKey(kase.id), updated);
      void queryClient.invalidateQueries({ queryKey: CASES });
      setConfirmReject(false);
    } catch (error) {
      setProblem(problemText(error, t('state.error.network')));
      if (error instanceof ApiProblem && error.code === 'CASE_NO_EXCESS_PENDING')
        void queryClient.invalidateQueries({ queryKey: caseKey(kase.id) });
    } finally {
      setSending(null);
    }
  }

  const { quoteCentavos, coveredCentavos, excessCentavos } = kase.cost;
  return (
    <section className="panel panel-alert excess" aria-labelledby="excess-heading">
      <h2 id="excess-heading">{t('assistance.excess.heading')}</h2>
      <p>{t('assistance.excess.body')}</p>
      <dl className="facts excess-facts">
        {quoteCentavos !== null && (
          <div>
            <dt>{t('assistance.excess.quote')}</dt>
            <dd>
              <Money centavos={quoteCentavos} />
            </dd>
          </div>
        )}
        {coveredCentavos !== null && (
          <div>
            <dt>{t('assistance.excess.covered')}</dt>
            <dd>
              <Money centavos={coveredCentavos} />
            </dd>
          </div>
        )}
        {excessCentavos !== null && (
          <div className="excess-yours">
            <dt>{t('assistance.excess.yours')}</dt>
            <dd>
              <Money centavos={excessCentavos} />
            </dd>
          </div>
        )}
      </dl>
      <p className="muted">{t('assistance.excess.note')}</p>
      <FormError message={problem} />
      <div className="actions">
        <Button onClick={() => void answer(true)} disabled={sending !== null}>
          {sending === 'accept' ? t('assistance.excess.accepting') : t('assistance.excess.accept')}
        </Button>
        <Button variant="secondary" onClick={() => setConfirmReject(true)} disabled={sending !== null}>
          {t('assistance.excess.reject')}
        </Button>
      </div>
      <Dialog
        open={confirmReject}
        onClose={() => setConfirmReject(false)}
        title={t('assistance.excess.rejectTitle')}
      >
        <p>{t('assistance.excess.rejectBody')}</p>
        <FormError message={problem} />
        <DialogActions>
          <Button variant="secondary" data-autofocus onClick={() => setConfirmReject(false)}>
            {t('assistance.excess.rejectKeep')}
          </Button>
          <Button onClick={() => void answer(false)} disabled={sending !== null}>
            {sending === 'reject' ? t('assistance.excess.rejecting') : t('assistance.excess.rejectConfirm')}
          </Button>
        </DialogActions>
      </Dialog>
    </section>
  );
}

const CANCEL_REASONS: MessageKey[] = [
  'assistance.cancel.reason.solved',
  'assistance.cancel.reason.late',
  'assistance.cancel.reason.mistake',
  'assistance.cancel.reason.other',
];

function CancelDialog({ kase, open, onClose }: { kase: Case; open: boolean; onClose: () => void }) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState<MessageKey>('assistance.cancel.reason.solved');
  const [more, setMore] = useState('');
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const text = [t(reason), more.trim()].filter(Boolean).join(': ');
    setSending(true);
    setProblem(null);
    try {
      const updated = await api<Case>('POST', `/v1/cases/${kase.id}/cancel`, {
        lang,
        body: { reason: text },
      });
      queryClient.setQueryData(caseKey(kase.id), updated);
      void queryClient.invalidateQueries({ queryKey: CASES });
      onClose();
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined));
    } finally {
      setSending(false);
    }
  }

  return (
    <Dialog open={open} onClose={onClose} title={t('assistance.cancel.title')}>
      <form onSubmit={submit} noValidate>
        <p>{t('assistance.cancel.body')}</p>
        <FormError message={problem ? (problem.detail ?? t('state.error.network')) : undefined} />
        <Field label={t('assistance.cancel.reason')}>
          <select value={reason} onChange={(e) => setReason(e.target.value as MessageKey)}>
            {CANCEL_REASONS.map((key) => (
              <option key={key} value={key}>
                {t(key)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('assistance.cancel.more')} hint={t('assistance.cancel.moreHint')}>
          <textarea rows={2} maxLength={400} value={more} onChange={(e) => setMore(e.target.value)} />
        </Field>
        <DialogActions>
          <Button variant="secondary" data-autofocus onClick={onClose}>
            {t('assistance.cancel.keep')}
          </Button>
          <Button type="submit" disabled={sending}>
            {sending ? t('assistance.cancel.sending') : t('assistance.cancel.confirm')}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
