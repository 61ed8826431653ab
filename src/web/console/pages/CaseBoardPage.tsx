import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { getJson } from '../../api.ts';
import { formatEta, isCoarse } from '../../cases/precision.ts';
import { useStaffI18n } from '../../staff/i18n.ts';
import { caseStateWords } from '../../staff/words.ts';
import { DataTable } from '../../ui/DataTable.tsx';
import { DateTime } from '../../ui/DateTime.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { StatusBadge, type Tone } from '../../ui/StatusBadge.tsx';
import { useBoardLive } from '../queues/board-live.ts';
import {
  type BoardCase,
  formatMinutes,
  OPEN_CASE_STATES,
  useNow,
  useProblemText,
  useServiceNames,
} from '../queues/data.ts';
import '../queues/queues.css';

const TONES: Record<string, Tone> = {
  requested: 'pending',
  awaiting_excess_acceptance: 'alert',
  dispatched: 'pending',
  en_route: 'pending',
  on_site: 'good',
};

/** Which SLA target the case is running against now: dispatch until dispatched, then arrival. */
function runningTarget(c: BoardCase): { kind: 'dispatch' | 'arrival'; due: string } | null {
  if (!c.dispatchedAt && c.sla.dispatchDueAt) return { kind: 'dispatch', due: c.sla.dispatchDueAt };
  if (!c.onSiteAt && c.sla.arrivalDueAt) return { kind: 'arrival', due: c.sla.arrivalDueAt };
  return null;
}

/** `/console/casos`: every open case, its time against its SLA, live. */
export default function CaseBoardPage() {
  const { t, tOr, lang } = useStaffI18n();
  const problemText = useProblemText();
  const [params, setParams] = useSearchParams();
  const service = params.get('servicio') ?? '';
  const state = params.get('estado') ?? '';
  const { services, nameOf } = useServiceNames();
  const states = state ? [state] : [...OPEN_CASE_STATES];
  const queryKey = ['queues', 'board', states.join(',')] as const;
  const board = useQuery({
    queryKey,
    queryFn: () =>
      getJson<{ data: BoardCase[] }>(
        `/v1/cases?${states.map((s) => `state=${s}`).join('&')}&limit=200`,
        lang,
      ),
  });
  const live = useBoardLive(['queues', 'board']);
  const now = useNow(1000);
  /** How long the case has run, against which SLA target, and whether it is late (at this second). */
  const timing = (c: BoardCase) => {
    const target = runningTarget(c);
    const elapsed = (now - Date.parse(c.requestedAt)) / 60_000;
    const late = c.sla.breached.length > 0 || (target !== null && now > Date.parse(target.due));
    const targetMinutes = target ? (Date.parse(target.due) - Date.parse(c.requestedAt)) / 60_000 : null;
    return { target, elapsed, late, targetMinutes };
  };

  const setFilter = (name: 'servicio' | 'estado', value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

  const rows = (board.data?.data ?? [])
    .filter((c) => !service || c.serviceCode === service)
    // Oldest first: the longest wait is the first to look at.
    .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
  const updatedSeconds = board.dataUpdatedAt
    ? Math.max(0, Math.round((now - board.dataUpdatedAt) / 1000))
    : null;

  return (
    <section aria-labelledby="page-heading" className="queues-page">
      <div className="queues-head">
        <h1 id="page-heading">{t('staff.nav.cases')}</h1>
        <p className="queues-live" role="status">
          {live === 'reconnecting'
            ? t('staff.live.reconnecting')
            : updatedSeconds !== null
              ? t('staff.live.updated', { seconds: updatedSeconds })
              : ''}
        </p>
      </div>
      <form className="queues-filters" aria-label={t('queues.filters')} onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="board-service">{t('queues.board.service')}</label>
          <select id="board-service" value={service} onChange={(e) => setFilter('servicio', e.target.value)}>
            <option value="">{t('queues.board.allServices')}</option>
            {services.map((s) => (
              <option key={s.code} value={s.code}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="board-state">{t('queues.board.state')}</label>
          <select id="board-state" value={state} onChange={(e) => setFilter('estado', e.target.value)}>
            <option value="">{t('queues.board.allOpen')}</option>
            {OPEN_CASE_STATES.map((s) => (
              <option key={s} value={s}>
                {t(`queues.caseState.${s}`)}
              </option>
            ))}
          </select>
        </div>
      </form>
      <QueryView
        query={board}
        loading={t('staff.loading')}
        errorTitle={t('staff.error.title')}
        errorDetail={(error) => problemText(error)}
        isEmpty={() => rows.length === 0}
        empty={
          <EmptyState title={t('queues.board.empty')}>
            <p>{t('queues.board.emptyHint')}</p>
          </EmptyState>
        }
      >
        {() => (
          <div className="queues-scroll">
            <DataTable
              caption={t('queues.board.caption', { count: rows.length })}
              rows={rows}
              rowKey={(c) => c.id}
              rowClassName={(c) => (timing(c).late ? 'is-late' : undefined)}
              columns={[
                {
                  header: t('queues.board.number'),
                  cell: (c) => (
                    <Link className="mono" to={`/console/casos/${c.id}`}>
                      {c.number}
                    </Link>
                  ),
                },
                { header: t('queues.board.service'), cell: (c) => nameOf(c.serviceCode) },
                { header: t('queues.board.member'), cell: (c) => c.person.name },
                {
                  header: t('queues.board.state'),
                  cell: (c) => (
                    <>
                      <StatusBadge tone={TONES[c.state] ?? 'neutral'}>
                        {caseStateWords(c, tOr, lang)}
                      </StatusBadge>
                      {c.needsManualDispatch && (
                        <span className="queues-flag">{t('queues.board.manual')}</span>
                      )}
                    </>
                  ),
                },
                {
                  header: t('queues.board.elapsed'),
                  cell: (c) => {
                    const { target, elapsed, late, targetMinutes } = timing(c);
                    return (
                      <>
                        <span className="queues-elapsed">{formatMinutes(elapsed)}</span>
                        {targetMinutes !== null && target && (
                          <span className="queues-target">
                            {t(`queues.board.target.${target.kind}`, {
                              minutes: formatMinutes(targetMinutes),
                            })}
                          </span>
                        )}
                        {late && <strong className="queues-late">{t('queues.board.late')}</strong>}
                      </>
                    );
                  },
                },
                {
                  header: t('queues.board.provider'),
                  cell: (c) => (
                    <>
                      {c.provider ? (
                        c.provider.name
                      ) : (
                        <span className="muted">{t('queues.board.noProvider')}</span>
                      )}
                      {c.eta && (
                        <span className="queues-target">
                          {t('queues.board.eta', { minutes: formatEta(c.eta.minutes) })} ·{' '}
                          <DateTime value={c.eta.at} />
                        </span>
                      )}
                      {isCoarse(c.place.precision) && (
                        // The point is an area's (a postal code, a municipality, a state): every
                        // distance and ETA from it is approximate, and the row says so.
                        <span className="queues-approx">
                          {t(
                            `queues.board.approx.${c.place.precision as 'postal_code' | 'municipality' | 'state'}`,
                          )}
                        </span>
                      )}
                    </>
                  ),
                },
              ]}
            />
          </div>
        )}
      </QueryView>
    </section>
  );
}
