import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiProblem, problemText } from '../../api.ts';
import { CaseMap } from '../../cases/CaseMap.tsx';
import {
  type Case,
  type CaseEvent,
  isCancellable,
  isOpen,
  serviceName,
  stateTone,
  stateWord,
  useCase,
} from '../../cases/case-data.ts';
import { caseDetails, caseTimelineItem, distanceOf, vehicleText } from '../../cases/case-facts.ts';
import { useCaseLive, useSecondsSince } from '../../cases/case-live.ts';
import { EligibilityAnswer } from '../../cases/EligibilityAnswer.tsx';
import { FactList } from '../../cases/FactList.tsx';
import { approxOf } from '../../cases/precision.ts';
import { formatPhone } from '../../i18n/format.ts';
import { type Translate, useI18n } from '../../i18n/i18n.tsx';
import { isMessageKey } from '../../i18n/messages.ts';
import { Button } from '../../ui/Button.tsx';
import { DateTime } from '../../ui/DateTime.tsx';
import { Money } from '../../ui/Money.tsx';
import { PhoneLink } from '../../ui/PhoneLink.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { Timeline, type TimelineItem } from '../../ui/Timeline.tsx';
import { Toast } from '../../ui/Toast.tsx';
import { usePlan } from './assistance-data.ts';
import './assistance.css';
import { CancelDialog } from './CaseCancelDialog.tsx';
import { ExcessPanel } from './CaseExcessPanel.tsx';
import { ProviderPanel } from './CaseProviderPanel.tsx';
import { RatingPanel } from './CaseRatingPanel.tsx';
import { usePortalScope } from './outlet.ts';

/** `/app/casos/:caseId`: one request, followed live — provider, arrival, excess, timeline, cancel. */
export default function CasePage() {
  const { caseId = '' } = useParams();
  const { t } = useI18n();
  const kase = useCase(caseId);

  useEffect(() => {
    document.title = `${kase.data ? kase.data.number : t('assistance.case.heading')} · ${t('site.title')}`;
  }, [t, kase.data]);

  return (
    <QueryView
      query={kase}
      loading={t('assistance.case.loading')}
      errorTitle={t('assistance.case.error')}
      errorDetail={(error) => problemText(error, t('state.error.network'))}
      missing={{
        when: (error) => error instanceof ApiProblem && error.status === 404,
        view: (
          <EmptyState title={t('assistance.case.notFound')}>
            <p>{t('assistance.case.notFoundBody')}</p>
          </EmptyState>
        ),
      }}
      frame={(state) => (
        <div className="case-page">
          <BackLink />
          {state}
        </div>
      )}
    >
      {(data) => <CaseView kase={data} updatedAt={kase.dataUpdatedAt} />}
    </QueryView>
  );
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
  const plan = usePlan(usePortalScope().planCode);
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

      {kase.state === 'completed' && <RatingPanel kase={kase} />}

      {/* Where help is needed, on a map where a style is configured (else nothing: the card above
          keeps the distance and the ETA), with the provider's unit once it is sent: the API gives
          its position only then (dispatched, en route, on site), never before. */}
      {kase.fulfilment === 'dispatch' && (
        <CaseMap
          place={kase.place}
          provider={
            kase.provider?.location
              ? { lat: kase.provider.location.lat, lng: kase.provider.location.lng, name: kase.provider.name }
              : null
          }
          distanceKm={kase.provider ? distanceOf(kase, timeline) : undefined}
          frame={(content) => (
            <section className="panel" aria-labelledby="map-heading" data-testid="case-map-panel">
              <h2 id="map-heading">{t('map.heading')}</h2>
              {content}
            </section>
          )}
        />
      )}

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
  return caseTimelineItem(e, lang, { actor: actorText(e.actor, t), note });
}

function CaseDetails({ kase }: { kase: Case }) {
  const { t } = useI18n();
  const details = caseDetails(kase);
  const vehicle = vehicleText(details);
  const stateName = kase.place.stateCode ? `assistance.mx.${kase.place.stateCode}` : '';
  const approx = approxOf(kase.place, stateName && isMessageKey(stateName) ? t(stateName) : null);
  return (
    <FactList
      className="facts"
      layout="grouped"
      facts={[
        { key: 'person', label: t('assistance.case.person'), value: kase.person.name },
        {
          key: 'place',
          label: t('assistance.case.place'),
          value: (
            <>
              {kase.place.address}
              {stateName && isMessageKey(stateName) && !kase.place.address.endsWith(t(stateName)) && (
                <>, {t(stateName)}</>
              )}
              {approx && (
                <span className="muted" data-testid="place-approx">
                  {' '}
                  · {t(`assistance.place.approx.${approx.words}`, approx.params)}
                </span>
              )}
            </>
          ),
        },
        { key: 'description', label: t('assistance.case.description'), value: kase.description },
        !!details.specialty && {
          key: 'specialty',
          label: t('assistance.form.specialty'),
          value: details.specialty,
        },
        !!details.callbackPhone && {
          key: 'callback',
          label: t('assistance.form.callback'),
          value: formatPhone(details.callbackPhone),
        },
        !!vehicle && { key: 'vehicle', label: t('assistance.form.vehicle'), value: vehicle },
        !!details.destination?.address && {
          key: 'destination',
          label: t('assistance.form.destination'),
          value: details.destination.address,
        },
        !!kase.appointment?.at && {
          key: 'appointment',
          label: t('assistance.case.appointment'),
          value: <DateTime value={kase.appointment.at} />,
        },
        !!kase.claim && {
          key: 'claim',
          label: t('assistance.case.claimAmount'),
          value: (
            <>
              {kase.claim.requestedCentavos !== null && <Money centavos={kase.claim.requestedCentavos} />}
              {kase.claim.approvedCentavos !== null && (
                <>
                  {' · '}
                  {t('assistance.case.claimApproved')} <Money centavos={kase.claim.approvedCentavos} />
                </>
              )}
            </>
          ),
        },
        kase.cost.finalCostCentavos !== null && {
          key: 'finalCost',
          label: t('assistance.case.finalCost'),
          value: <Money centavos={kase.cost.finalCostCentavos} />,
        },
        {
          key: 'requestedAt',
          label: t('assistance.case.requestedAt'),
          value: <DateTime value={kase.requestedAt} />,
        },
        !!kase.closedAt && {
          key: 'closedAt',
          label: t('assistance.case.closedAt'),
          value: <DateTime value={kase.closedAt} />,
        },
      ]}
    />
  );
}
