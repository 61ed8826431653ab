import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiProblem, api } from '../../api.ts';
import {
  type Case,
  type CaseEvent,
  caseKey,
  isCancellable,
  isOpen,
  stateTone,
  useCase,
} from '../../cases/case-data.ts';
import { useCaseLive, useSecondsSince } from '../../cases/case-live.ts';
import { useSession } from '../../session.tsx';
import { type StaffTranslate, useStaffI18n } from '../../staff/i18n.ts';
import { Button } from '../../ui/Button.tsx';
import { DateTime } from '../../ui/DateTime.tsx';
import { Dialog, DialogActions } from '../../ui/Dialog.tsx';
import { Field, FormError } from '../../ui/Field.tsx';
import { Money } from '../../ui/Money.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { Timeline, type TimelineItem } from '../../ui/Timeline.tsx';
import {
  type Candidate,
  candidatesKey,
  centavosOf,
  memberCasesKey,
  problemWords,
  serviceLabel,
  useCandidates,
  useKeyShortcuts,
  useNow,
  usePlans,
} from '../agent/data.ts';
import { Kbd } from '../agent/Kbd.tsx';
import { clock, km, stateName } from '../agent/words.ts';
import '../agent/agent.css';

type Offer = NonNullable<Case['offers']>[number];

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

  if (kase.isPending) return <LoadingState label={t('agent.case.loading')} />;
  if (kase.isError) {
    const missing = kase.error instanceof ApiProblem && [400, 404].includes(kase.error.status);
    return (
      <section className="agent" aria-labelledby="page-heading">
        <h1 id="page-heading">{t('agent.case.title')}</h1>
        {missing ? (
          <EmptyState title={t('agent.case.notFound')} />
        ) : (
          <ErrorState
            title={t('agent.case.error')}
            detail={problemWords(kase.error, t('agent.error.network'))}
            onRetry={() => void kase.refetch()}
          />
        )}
      </section>
    );
  }
  return <DispatchBoard kase={kase.data} updatedAt={kase.dataUpdatedAt} />;
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
    { kind: 'assign'; candidate?: Candidate } | { kind: 'cancel' } | { kind: 'excess' } | null
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
            <StatusBadge tone={stateTone(kase.state)}>{kase.stateLabel[lang]}</StatusBadge>
            <span>{tOr(`agent.channel.${kase.channel}`, kase.channel)}</span>
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

      {isDispatch && (
        <section className="agent-panel" aria-labelledby="candidates-heading">
          <h2 id="candidates-heading">{t('agent.candidates.title')}</h2>
          <Candidates
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
          items={(kase.timeline ?? []).map((e) => timelineItem(e, t, lang, names))}
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
    </article>
  );
}

function CaseFacts({ kase }: { kase: Case }) {
  const { t, tc } = useStaffI18n();
  const details = kase.details as {
    vehicle?: { make?: string; model?: string; year?: number; plates?: string; color?: string };
    destination?: { address?: string };
    specialty?: string;
    callbackPhone?: string;
    estimatedCostCentavos?: number;
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
  return (
    <dl className="agent-dl">
      <dt>{t('agent.case.person')}</dt>
      <dd>
        <Link to={`/console/miembros/${kase.membershipId}`}>{kase.person.name}</Link>
        {kase.person.id !== 'titular' && <span className="agent-sub">{t('agent.case.beneficiary')}</span>}
      </dd>
      <dt>{t('agent.case.place')}</dt>
      <dd>
        {kase.place.address}
        {kase.place.stateCode && <>, {stateName(kase.place.stateCode, tc)}</>}
        <span className="agent-sub mono">
          {kase.place.lat.toFixed(5)}, {kase.place.lng.toFixed(5)}
        </span>
      </dd>
      <dt>{t('agent.case.description')}</dt>
      <dd>{kase.description}</dd>
      {vehicle && (
        <>
          <dt>{t('agent.case.vehicle')}</dt>
          <dd>{vehicle}</dd>
        </>
      )}
      {details.destination?.address && (
        <>
          <dt>{t('agent.case.destination')}</dt>
          <dd>{details.destination.address}</dd>
        </>
      )}
      {details.specialty && (
        <>
          <dt>{t('agent.new.specialty')}</dt>
          <dd>{details.specialty}</dd>
        </>
      )}
      {details.estimatedCostCentavos !== undefined && (
        <>
          <dt>{t('agent.new.estimate')}</dt>
          <dd>
            <Money centavos={details.estimatedCostCentavos} />
          </dd>
        </>
      )}
      <dt>{t('agent.case.requested')}</dt>
      <dd>
        <DateTime value={kase.requestedAt} />
      </dd>
      {kase.sla.dispatchDueAt && (
        <>
          <dt>{t('agent.case.slaDispatch')}</dt>
          <dd className={kase.sla.breached.includes('dispatch') ? 'agent-late' : undefined}>
            <DateTime value={kase.sla.dispatchDueAt} />
            {kase.sla.breached.includes('dispatch') && ` · ${t('agent.case.late')}`}
          </dd>
        </>
      )}
      {kase.sla.arrivalDueAt && (
        <>
          <dt>{t('agent.case.slaArrival')}</dt>
          <dd className={kase.sla.breached.includes('arrival') ? 'agent-late' : undefined}>
            <DateTime value={kase.sla.arrivalDueAt} />
            {kase.sla.breached.includes('arrival') && ` · ${t('agent.case.late')}`}
          </dd>
        </>
      )}
      {kase.closeReason && (
        <>
          <dt>{t('agent.case.closeReason')}</dt>
          <dd>{kase.closeReason}</dd>
        </>
      )}
    </dl>
  );
}

/** Who is going or being asked now: the assigned provider and ETA, or the pending offer's countdown. */
function DispatchNow({
  kase,
  pending,
  names,
  clockOffsetMs,
}: {
  kase: Case;
  pending: Offer | undefined;
  names: Map<string, string>;
  /** The platform's clock minus this browser's; undefined until known (then the expiry's time is shown). */
  clockOffsetMs: number | undefined;
}) {
  const { t } = useStaffI18n();
  const now = useNow() + (clockOffsetMs ?? 0);
  if (kase.provider)
    return (
      <div className="agent-offer">
        <p className="agent-offer-name">{kase.provider.name}</p>
        <p>
          {t('agent.dispatch.phone')} <span className="mono">{kase.provider.phone}</span>
        </p>
        {kase.eta && (
          <p>
            {t('agent.dispatch.eta', { minutes: kase.eta.minutes })} (<DateTime value={kase.eta.at} />)
          </p>
        )}
        {kase.cost.quoteCentavos !== null && (
          <dl className="agent-dl">
            <dt>{t('agent.dispatch.quote')}</dt>
            <dd>
              <Money centavos={kase.cost.quoteCentavos} />
            </dd>
            {kase.cost.excessCentavos !== null && kase.cost.excessCentavos > 0 && (
              <>
                <dt>{t('agent.new.excess')}</dt>
                <dd>
                  <Money centavos={kase.cost.excessCentavos} />{' '}
                  {kase.cost.excessAcceptedAt ? (
                    <>
                      {t('agent.dispatch.excessAccepted')} <DateTime value={kase.cost.excessAcceptedAt} />
                    </>
                  ) : (
                    t('agent.dispatch.excessPending')
                  )}
                </dd>
              </>
            )}
          </dl>
        )}
      </div>
    );
  if (pending) {
    const left = (new Date(pending.expiresAt).getTime() - now) / 1000;
    return (
      <div className="agent-offer">
        <p className="agent-offer-name">{names.get(pending.providerId) ?? t('agent.dispatch.provider')}</p>
        <p>
          {t('agent.dispatch.offered', { distance: km(pending.distanceKm), minutes: pending.etaMinutes })}
        </p>
        <p className={left < 30 ? 'agent-countdown agent-late' : 'agent-countdown'}>
          {clockOffsetMs === undefined ? (
            <>
              {t('agent.dispatch.expiresAt')} <DateTime value={pending.expiresAt} />
            </>
          ) : left > 0 ? (
            <>
              {t('agent.dispatch.expiresIn')} <span className="mono">{clock(left)}</span>
            </>
          ) : (
            t('agent.dispatch.expired')
          )}
        </p>
      </div>
    );
  }
  if (kase.state === 'requested' && kase.fulfilment === 'dispatch')
    return <p className="agent-muted">{t('agent.dispatch.nobody')}</p>;
  return <p className="agent-muted">{t('agent.dispatch.none')}</p>;
}

function Candidates({
  query,
  offers,
  canAssign,
  onAssign,
}: {
  query: ReturnType<typeof useCandidates>;
  offers: Offer[];
  canAssign: boolean;
  onAssign: (candidate: Candidate) => void;
}) {
  const { t, tOr } = useStaffI18n();
  if (query.isPending) return <LoadingState label={t('agent.candidates.loading')} />;
  if (query.isError)
    return (
      <ErrorState
        title={t('agent.candidates.error')}
        detail={problemWords(query.error, t('agent.error.network'))}
        onRetry={() => void query.refetch()}
      />
    );
  if (query.data.data.length === 0) return <EmptyState title={t('agent.candidates.none')} />;
  const lastOffer = (providerId: string) => [...offers].reverse().find((o) => o.providerId === providerId);
  return (
    <table className="staff-table" data-testid="candidates">
      <thead>
        <tr>
          <th scope="col">{t('agent.col.provider')}</th>
          <th scope="col">{t('agent.col.distance')}</th>
          <th scope="col">{t('agent.col.eta')}</th>
          <th scope="col">{t('agent.col.jobs')}</th>
          <th scope="col">{t('agent.col.canTake')}</th>
          <th scope="col">{t('agent.col.offer')}</th>
          {canAssign && (
            <th scope="col">
              <span className="visually-hidden">{t('agent.col.actions')}</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {query.data.data.map((c) => {
          const offer = lastOffer(c.providerId);
          return (
            <tr key={c.providerId}>
              <td>
                {c.name}
                <span className="agent-sub mono">{c.phone}</span>
              </td>
              <td>{km(c.distanceKm)}</td>
              <td>{t('agent.candidates.minutes', { minutes: c.etaMinutes })}</td>
              <td>
                {c.activeJobs}/{c.capacity}
              </td>
              <td>
                <StatusBadge tone={c.canTake ? 'good' : 'neutral'}>
                  {c.canTake
                    ? t('agent.candidates.yes')
                    : !c.covers
                      ? t('agent.candidates.outside')
                      : !c.available
                        ? t('agent.candidates.unavailable')
                        : t('agent.candidates.full')}
                </StatusBadge>
              </td>
              <td>{offer ? tOr(`agent.offer.${offer.status}`, offer.status) : '—'}</td>
              {canAssign && (
                <td>
                  <Button variant="secondary" disabled={!c.canTake} onClick={() => onAssign(c)}>
                    {t('agent.candidates.assign')}
                    <span className="visually-hidden"> {c.name}</span>
                  </Button>
                </td>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function timelineItem(
  e: CaseEvent,
  t: StaffTranslate,
  lang: 'es' | 'en',
  names: Map<string, string>,
): TimelineItem {
  const data = e.data as {
    providerId?: string;
    providerName?: string;
    distanceKm?: number;
    etaMinutes?: number;
    quoteCentavos?: number;
  };
  const parts: string[] = [];
  const provider = data.providerName ?? (data.providerId ? names.get(data.providerId) : undefined);
  if (provider) parts.push(provider);
  if (typeof data.distanceKm === 'number') parts.push(km(data.distanceKm));
  if (typeof data.etaMinutes === 'number')
    parts.push(t('agent.candidates.minutes', { minutes: data.etaMinutes }));
  const note = [parts.join(' · '), typeof e.note === 'string' ? e.note.trim() : '']
    .filter(Boolean)
    .join(' — ');
  return {
    id: e.seq,
    at: e.at,
    title: e.label[lang],
    actor: e.actor.kind === 'system' ? t('agent.actor.system') : e.actor.name,
    note: note || undefined,
    tone: stateTone(e.state),
  };
}

function AssignDialog({
  open,
  kase,
  candidates,
  initial,
  onClose,
  onDone,
}: {
  open: boolean;
  kase: Case;
  candidates: Candidate[];
  initial: Candidate | undefined;
  onClose: () => void;
  onDone: (next: Case) => void;
}) {
  const { t, lang } = useStaffI18n();
  const able = candidates.filter((c) => c.canTake);
  const [providerId, setProviderId] = useState('');
  const [reason, setReason] = useState('');
  const [eta, setEta] = useState('');
  const [quote, setQuote] = useState('');
  const [problems, setProblems] = useState<{ reason?: string; eta?: string; quote?: string }>({});
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [sending, setSending] = useState(false);
  const capped = kase.decision.cost?.kind === 'capped';

  // Only when the dialog opens: the list may refresh while the agent types.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the choice is made once, on opening
  useEffect(() => {
    if (open) {
      setProviderId(initial?.providerId ?? able[0]?.providerId ?? '');
      setProblem(null);
      setProblems({});
    }
  }, [open]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    const p: typeof problems = {};
    if (reason.trim().length < 3) p.reason = t('agent.assign.reasonMissing');
    const etaMinutes = eta.trim() ? Number(eta) : undefined;
    if (etaMinutes !== undefined && !(Number.isInteger(etaMinutes) && etaMinutes >= 1 && etaMinutes <= 1440))
      p.eta = t('agent.assign.etaInvalid');
    const quoteCentavos = quote.trim() ? centavosOf(quote) : undefined;
    if (capped && quoteCentavos === undefined) p.quote = t('agent.assign.quoteMissing');
    setProblems(p);
    if (Object.values(p).some(Boolean) || !providerId) return;
    setSending(true);
    try {
      const next = await api<Case>('POST', `/v1/cases/${kase.id}/assignment`, {
        lang,
        body: {
          providerId,
          reason: reason.trim(),
          ...(etaMinutes !== undefined ? { etaMinutes } : {}),
          ...(quoteCentavos !== undefined ? { quoteCentavos } : {}),
        },
      });
      setReason('');
      setEta('');
      setQuote('');
      onDone(next);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined));
    } finally {
      setSending(false);
    }
  }

  return (
    <Dialog open={open} onClose={onClose} title={t('agent.assign.title', { number: kase.number })}>
      <form onSubmit={submit} noValidate className="agent-form">
        <FormError message={problem ? problemWords(problem, t('agent.error.network')) : undefined} />
        {able.length === 0 ? (
          <p>{t('agent.assign.nobody')}</p>
        ) : (
          <Field label={t('agent.assign.provider')}>
            <select value={providerId} onChange={(e) => setProviderId(e.target.value)}>
              {able.map((c) => (
                <option key={c.providerId} value={c.providerId}>
                  {c.name} — {km(c.distanceKm)}, {t('agent.candidates.minutes', { minutes: c.etaMinutes })}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field label={t('agent.assign.reason')} hint={t('agent.assign.reasonHint')} error={problems.reason}>
          <textarea
            rows={2}
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            data-autofocus
          />
        </Field>
        <div className="agent-row">
          <Field label={t('agent.assign.eta')} hint={t('agent.assign.etaHint')} error={problems.eta}>
            <input type="text" inputMode="numeric" value={eta} onChange={(e) => setEta(e.target.value)} />
          </Field>
          {capped && (
            <Field label={t('agent.assign.quote')} hint={t('agent.assign.quoteHint')} error={problems.quote}>
              <input
                type="text"
                inputMode="decimal"
                value={quote}
                onChange={(e) => setQuote(e.target.value)}
              />
            </Field>
          )}
        </div>
        <DialogActions>
          <Button type="submit" disabled={sending || able.length === 0}>
            {sending ? t('agent.sending') : t('agent.assign.submit')}
          </Button>
          <Button variant="secondary" onClick={onClose}>
            {t('agent.close')}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

function CancelCaseDialog({
  open,
  kase,
  onClose,
  onDone,
}: {
  open: boolean;
  kase: Case;
  onClose: () => void;
  onDone: (next: Case) => void;
}) {
  const { t, lang } = useStaffI18n();
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [sending, setSending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    if (reason.trim().length < 3) {
      setMissing(true);
      return;
    }
    setSending(true);
    try {
      const next = await api<Case>('POST', `/v1/cases/${kase.id}/cancel`, {
        lang,
        body: { reason: reason.trim() },
      });
      setReason('');
      onDone(next);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined));
    } finally {
      setSending(false);
    }
  }

  return (
    <Dialog open={open} onClose={onClose} title={t('agent.cancelCase.title', { number: kase.number })}>
      <form onSubmit={submit} noValidate className="agent-form">
        <FormError message={problem ? problemWords(problem, t('agent.error.network')) : undefined} />
        <p>{t('agent.cancelCase.body')}</p>
        <Field
          label={t('agent.cancelCase.reason')}
          error={missing ? t('agent.cancelCase.reasonMissing') : undefined}
        >
          <textarea
            rows={2}
            maxLength={500}
            value={reason}
            onChange={(e) => {
              setReason(e.target.value);
              setMissing(false);
            }}
          />
        </Field>
        <DialogActions>
          <Button type="submit" disabled={sending}>
            {sending ? t('agent.sending') : t('agent.cancelCase.submit')}
          </Button>
          <Button variant="secondary" onClick={onClose} data-autofocus>
            {t('agent.cancelCase.keep')}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

/** The tow's excess, read to the caller and accepted (or not) by phone. */
function ExcessDialog({
  open,
  kase,
  onClose,
  onDone,
}: {
  open: boolean;
  kase: Case;
  onClose: () => void;
  onDone: (next: Case) => void;
}) {
  const { t, lang } = useStaffI18n();
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [sending, setSending] = useState(false);

  async function answer(accept: boolean) {
    setProblem(null);
    setSending(true);
    try {
      const next = await api<Case>('POST', `/v1/cases/${kase.id}/excess-acceptance`, {
        lang,
        body: { accept, note: accept ? t('agent.excess.noteYes') : t('agent.excess.noteNo') },
      });
      onDone(next);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined));
    } finally {
      setSending(false);
    }
  }

  return (
    <Dialog open={open} onClose={onClose} title={t('agent.excess.title')}>
      <FormError message={problem ? problemWords(problem, t('agent.error.network')) : undefined} />
      <dl className="agent-dl">
        <dt>{t('agent.dispatch.quote')}</dt>
        <dd>
          <Money centavos={kase.cost.quoteCentavos ?? 0} />
        </dd>
        <dt>{t('agent.new.covered')}</dt>
        <dd>
          <Money centavos={kase.cost.coveredCentavos ?? 0} />
        </dd>
        <dt>{t('agent.new.excess')}</dt>
        <dd>
          <Money centavos={kase.cost.excessCentavos ?? 0} />
        </dd>
      </dl>
      <p>{t('agent.excess.read')}</p>
      <DialogActions>
        <Button onClick={() => void answer(true)} disabled={sending}>
          {t('agent.excess.accept')}
        </Button>
        <Button variant="secondary" onClick={() => void answer(false)} disabled={sending}>
          {t('agent.excess.reject')}
        </Button>
        <Button variant="secondary" onClick={onClose} data-autofocus>
          {t('agent.close')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
