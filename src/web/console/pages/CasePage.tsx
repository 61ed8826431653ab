import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiProblem, problemText } from '../../api.ts';
import {
  type Case,
  type CaseEvent,
  caseKey,
  isCancellable,
  isOpen,
  stateTone,
  useCase,
} from '../../cases/case-data.ts';
import { caseTimelineItem } from '../../cases/case-facts.ts';
import { useCaseLive, useSecondsSince } from '../../cases/case-live.ts';
import { formatEta, type Precision } from '../../cases/precision.ts';
import { useSession } from '../../session.tsx';
import { type StaffTranslate, useStaffI18n } from '../../staff/i18n.ts';
import { actorWords, caseStateWords } from '../../staff/words.ts';
import { Button } from '../../ui/Button.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { Timeline, type TimelineItem } from '../../ui/Timeline.tsx';
import {
  type Candidate,
  candidatesKey,
  memberCasesKey,
  serviceLabel,
  useCandidates,
  useKeyShortcuts,
  usePlans,
} from '../agent/data.ts';
import { Kbd } from '../agent/Kbd.tsx';
import { km } from '../agent/words.ts';
import '../agent/agent.css';
import { AssignDialog } from '../dispatch/AssignDialog.tsx';
import { Candidates } from '../dispatch/Candidates.tsx';
import { CancelCaseDialog, ExcessDialog } from '../dispatch/CaseDialogs.tsx';
import { CaseFacts } from '../dispatch/CaseFacts.tsx';
import { CaseMapPanel } from '../dispatch/CaseMapPanel.tsx';
import { DispatchNow } from '../dispatch/DispatchNow.tsx';
import { LocationLinkDialog } from '../dispatch/LocationLinkDialog.tsx';

/**
 * `/console/casos/:caseId`: the dispatch board. The case (number, member, service, place, state),
 * the offer on the table with its countdown, the providers of the service by distance and ETA,
 * manual assignment with a reason, the tow's excess accepted by phone, cancellation with a reason,
 * and the timeline — all kept live by the case's event stream. Frequent steps have a key.
 */
export default function CasePage() {
  const { caseId = '' } = useParams();
  const { t } = useStaffI18n();
  const kase = useCase(caseId);

  useEffect(() => {
    document.title = `${kase.data?.number ?? t('agent.case.title')} · ${t('staff.console')}`;
  }, [t, kase.data]);

  return (
    <QueryView
      query={kase}
      loading={t('agent.case.loading')}
      errorTitle={t('agent.case.error')}
      errorDetail={(error) => problemText(error, t('agent.error.network'))}
      missing={{
        when: (error) => error instanceof ApiProblem && [400, 404].includes(error.status),
        view: <EmptyState title={t('agent.case.notFound')} />,
      }}
      frame={(state) => (
        <section className="agent" aria-labelledby="page-heading">
          <h1 id="page-heading">{t('agent.case.title')}</h1>
          {state}
        </section>
      )}
    >
      {(data) => <DispatchBoard kase={data} updatedAt={kase.dataUpdatedAt} />}
    </QueryView>
  );
}

function DispatchBoard({ kase, updatedAt }: { kase: Case; updatedAt: number }) {
  const { t, tOr, lang } = useStaffI18n();
  const { user } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const plans = usePlans();
  const open = isOpen(kase.state);
  const live = useCaseLive(kase.id, open);
  const seconds = useSecondsSince(updatedAt);
  const mayDispatch = user?.role === 'agent' || user?.role === 'supervisor';
  const isDispatch = kase.fulfilment === 'dispatch';
  const candidates = useCandidates(kase.id, isDispatch && user?.role !== 'finance');
  const [dialog, setDialog] = useState<
    | { kind: 'assign'; candidate?: Candidate }
    | { kind: 'cancel' }
    | { kind: 'excess' }
    | { kind: 'location' }
    | null
  >(null);

  // Each new event may change who can go (an offer declined, a provider busy): read them again.
  const events = kase.timeline?.length ?? 0;
  useEffect(() => {
    if (events > 0) void queryClient.invalidateQueries({ queryKey: candidatesKey(kase.id) });
  }, [events, kase.id, queryClient]);

  const names = useMemo(
    () => new Map((candidates.data?.data ?? []).map((c) => [c.providerId, c.name])),
    [candidates.data],
  );
  const pending = (kase.offers ?? []).find((o) => o.status === 'pending');
  const canAssign = mayDispatch && isDispatch && kase.state === 'requested';
  const canCancel = mayDispatch && isCancellable(kase.state);
  const excessPending = mayDispatch && kase.state === 'awaiting_excess_acceptance';
  // The caller's phone can set the place of any open case (closed ones keep theirs).
  const canAskLocation = mayDispatch && open;
  const firstAble = candidates.data?.data.find((c) => c.canTake);
  // The platform's clock against this browser's, from the last list (unknown until it comes).
  const clockOffsetMs = candidates.data
    ? Date.parse(candidates.data.asOf) - candidates.data.receivedAt
    : undefined;

  const shortcuts = useMemo(
    () => ({
      a: canAssign && (() => setDialog({ kind: 'assign', candidate: firstAble })),
      c: canCancel && (() => setDialog({ kind: 'cancel' })),
      e: excessPending && (() => setDialog({ kind: 'excess' })),
      m: () => navigate(`/console/miembros/${kase.membershipId}`),
    }),
    [canAssign, canCancel, excessPending, firstAble, navigate, kase.membershipId],
  );
  useKeyShortcuts(shortcuts);

  const refresh = (next: Case) => {
    queryClient.setQueryData(caseKey(kase.id), next);
    void queryClient.invalidateQueries({ queryKey: caseKey(kase.id) });
    void queryClient.invalidateQueries({ queryKey: candidatesKey(kase.id) });
    void queryClient.invalidateQueries({ queryKey: memberCasesKey(kase.membershipId) });
    setDialog(null);
  };

  return (
    <article className="agent agent-case" aria-labelledby="page-heading">
      <header className="agent-head">
        <div>
          <p className="agent-eyebrow">{serviceLabel(plans.data, kase.serviceCode, lang)}</p>
          <h1 id="page-heading">
            {t('agent.case.heading')} <span className="mono">{kase.number}</span>
          </h1>
          <p className="agent-head-meta">
            <StatusBadge tone={stateTone(kase.state)}>{caseStateWords(kase, tOr, lang)}</StatusBadge>
            <span>{tOr(`staff.caseChannel.${kase.channel}`, kase.channel)}</span>
            <span className="agent-live" role="status">
              {open
                ? live.status === 'live'
                  ? t('staff.live.updated', { seconds: seconds ?? 0 })
                  : t('staff.live.reconnecting')
                : t('agent.case.closed')}
            </span>
          </p>
        </div>
        <div className="agent-actions">
          {canAssign && (
            <Button onClick={() => setDialog({ kind: 'assign', candidate: firstAble })} aria-keyshortcuts="A">
              {t('agent.case.assign')} <Kbd>A</Kbd>
            </Button>
          )}
          {excessPending && (
            <Button onClick={() => setDialog({ kind: 'excess' })} aria-keyshortcuts="E">
              {t('agent.case.excess')} <Kbd>E</Kbd>
            </Button>
          )}
          {canAskLocation && (
            <Button variant="secondary" onClick={() => setDialog({ kind: 'location' })}>
              {t('agent.case.askLocation')}
            </Button>
          )}
          {canCancel && (
            <Button variant="secondary" onClick={() => setDialog({ kind: 'cancel' })} aria-keyshortcuts="C">
              {t('agent.case.cancel')} <Kbd>C</Kbd>
            </Button>
          )}
          <Link
            className="button button-secondary"
            to={`/console/miembros/${kase.membershipId}`}
            aria-keyshortcuts="M"
          >
            {t('agent.case.member')} <Kbd>M</Kbd>
          </Link>
        </div>
      </header>

      {kase.needsManualDispatch && kase.state === 'requested' && (
        <p className="agent-standing" role="alert">
          {t('agent.case.manual')}
        </p>
      )}
      {kase.state === 'refused' && (
        <div className="agent-standing" role="alert">
          <p className="agent-standing-title">{t('agent.case.refused')}</p>
          <ul>
            {kase.decision.reasons
              .filter((r) => !r.ok)
              .map((r) => (
                <li key={r.code}>{r[lang]}</li>
              ))}
          </ul>
        </div>
      )}

      <div className="agent-grid agent-grid-board">
        <section className="agent-panel" aria-labelledby="facts-heading">
          <h2 id="facts-heading">{t('agent.case.facts')}</h2>
          <CaseFacts kase={kase} />
        </section>
        <section className="agent-panel" aria-labelledby="dispatch-heading" data-testid="dispatch-now">
          <h2 id="dispatch-heading">{t('agent.case.dispatch')}</h2>
          <DispatchNow kase={kase} pending={pending} names={names} clockOffsetMs={clockOffsetMs} />
        </section>
      </div>

      {/* The place (and the provider) on a map where a style is configured; else nothing. */}
      {isDispatch && <CaseMapPanel kase={kase} />}

      {isDispatch && (
        <section className="agent-panel" aria-labelledby="candidates-heading">
          <h2 id="candidates-heading">{t('agent.candidates.title')}</h2>
          <Candidates
            place={kase.place}
            query={candidates}
            offers={kase.offers ?? []}
            canAssign={canAssign}
            onAssign={(candidate) => setDialog({ kind: 'assign', candidate })}
          />
        </section>
      )}

      <section className="agent-panel" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">{t('agent.case.timeline')}</h2>
        <Timeline
          label={t('agent.case.timeline')}
          actorLabel={t('agent.case.actor')}
          items={(kase.timeline ?? []).map((e) => timelineItem(e, t, tOr, lang, names, kase.place.precision))}
        />
      </section>

      <aside className="agent-shortcuts" aria-labelledby="shortcuts-heading">
        <h2 id="shortcuts-heading">{t('agent.shortcuts.title')}</h2>
        <ul>
          {canAssign && (
            <li>
              <Kbd>A</Kbd> {t('agent.case.assign')}
            </li>
          )}
          {excessPending && (
            <li>
              <Kbd>E</Kbd> {t('agent.case.excess')}
            </li>
          )}
          {canCancel && (
            <li>
              <Kbd>C</Kbd> {t('agent.case.cancel')}
            </li>
          )}
          <li>
            <Kbd>M</Kbd> {t('agent.case.member')}
          </li>
          <li>
            <Kbd>/</Kbd> {t('agent.shortcuts.search')}
          </li>
        </ul>
      </aside>

      <AssignDialog
        open={dialog?.kind === 'assign'}
        kase={kase}
        candidates={candidates.data?.data ?? []}
        initial={dialog?.kind === 'assign' ? dialog.candidate : undefined}
        onClose={() => setDialog(null)}
        onDone={refresh}
      />
      <CancelCaseDialog
        open={dialog?.kind === 'cancel'}
        kase={kase}
        onClose={() => setDialog(null)}
        onDone={refresh}
      />
      <ExcessDialog
        open={dialog?.kind === 'excess'}
        kase={kase}
        onClose={() => setDialog(null)}
        onDone={refresh}
      />
      <LocationLinkDialog open={dialog?.kind === 'location'} kase={kase} onClose={() => setDialog(null)} />
    </article>
  );
}

function timelineItem(
  e: CaseEvent,
  t: StaffTranslate,
  tOr: (key: string, fallback: string) => string,
  lang: 'es' | 'en',
  names: Map<string, string>,
  precision: Precision | null,
): TimelineItem {
  const data = e.data as {
    providerId?: string;
    providerName?: string;
    distanceKm?: number;
    etaMinutes?: number;
    quoteCentavos?: number;
    source?: string;
    precision?: string;
    accuracyM?: number | null;
  };
  const parts: string[] = [];
  if (e.type === 'place_updated') {
    parts.push(tOr(`agent.place.source.${data.source}`, data.source ?? ''));
    parts.push(tOr(`agent.place.precision.${data.precision}`, data.precision ?? ''));
    if (typeof data.accuracyM === 'number') parts.push(t('agent.place.accuracy', { metres: data.accuracyM }));
  }
  const provider = data.providerName ?? (data.providerId ? names.get(data.providerId) : undefined);
  if (provider) parts.push(provider);
  if (typeof data.distanceKm === 'number' && precision !== 'state')
    parts.push(km(data.distanceKm, precision));
  if (typeof data.etaMinutes === 'number')
    parts.push(t('agent.candidates.minutes', { minutes: formatEta(data.etaMinutes) }));
  const note = [parts.join(' · '), typeof e.note === 'string' ? e.note.trim() : '']
    .filter(Boolean)
    .join(' — ');
  const item = caseTimelineItem(e, lang, { actor: actorWords(e.actor, t, tOr), note: note || undefined });
  // A step named after a state reads as staff say it ("…que el cliente acepte…").
  return { ...item, title: tOr(`staff.caseState.${e.type}`, item.title) };
}
