import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useEffect, useState } from 'react';
import { ApiProblem, getJson } from '../../api.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { type StaffTranslate, useStaffI18n } from '../../staff/i18n.ts';
import { Button } from '../../ui/Button.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { Donut, PALETTE, SimpleBars, StackedBars } from '../supervision/Charts.tsx';
import { hourOf, percentOf } from '../supervision/format.ts';
import { RatingsPanel } from '../supervision/RatingsPanel.tsx';
import type { OperationsReport } from '../supervision/types.ts';
import '../supervision/supervision.css';

const REFRESH_MS = 30_000;

/** `/console/tablero`: the supervisor's picture of the last 24 hours, refreshed every 30 s. */
export default function DashboardPage() {
  const { t, lang } = useStaffI18n();
  const report = useQuery({
    queryKey: ['reports', 'operations', lang],
    queryFn: () => getJson<OperationsReport>('/v1/reports/operations', lang),
    refetchInterval: REFRESH_MS,
    refetchIntervalInBackground: false,
  });
  const seconds = useSecondsSince(report.dataUpdatedAt);

  return (
    <section aria-labelledby="page-heading" className="dashboard">
      <header className="dashboard-head">
        <div>
          <h1 id="page-heading">{t('dashboard.title')}</h1>
          {report.data && (
            <p className="dashboard-window">
              {t('dashboard.window', { time: formatDateTime(report.data.to, lang) })}
              {' · '}
              <span aria-live="off">{t('staff.live.updated', { seconds })}</span>
            </p>
          )}
        </div>
        <Button variant="secondary" onClick={() => void report.refetch()} disabled={report.isFetching}>
          {report.isFetching ? t('dashboard.refreshing') : t('dashboard.refresh')}
        </Button>
      </header>
      <QueryView
        query={report}
        loading={t('staff.loading')}
        errorTitle={t('dashboard.error')}
        errorDetail={(error) =>
          error instanceof ApiProblem && error.detail ? error.detail : (error as Error).message
        }
        keepDataOnError
      >
        {(data) => (
          <div className="dashboard-grid">
            <CasesPanel report={data} />
            <SlaPanel report={data} />
            <ComplaintsPanel report={data} />
            <ChargesPanel report={data} />
            <MembershipsPanel report={data} />
            <RatingsPanel report={data} />
          </div>
        )}
      </QueryView>
    </section>
  );
}

function useSecondsSince(at: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 5_000);
    return () => clearInterval(timer);
  }, []);
  return at ? Math.max(0, Math.round((now - at) / 1000)) : 0;
}

function Panel({
  id,
  title,
  wide = false,
  children,
}: {
  id: string;
  title: string;
  wide?: boolean;
  children: ReactNode;
}) {
  return (
    <section
      className={`dashboard-panel${wide ? ' is-wide' : ''}`}
      aria-labelledby={`${id}-title`}
      data-panel={id}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}

/** The chart's text alternative: a sentence always, and its table in a disclosure. */
function DataTable({ caption, children }: { caption: string; children: ReactNode }) {
  const { t } = useStaffI18n();
  return (
    <details className="dashboard-data">
      <summary>{t('dashboard.showData')}</summary>
      <table className="staff-table">
        <caption className="visually-hidden">{caption}</caption>
        {children}
      </table>
    </details>
  );
}

const percent = (t: StaffTranslate, share: number | null) =>
  share === null ? t('dashboard.noFigure') : t('dashboard.percent', { value: percentOf(share) });

function CasesPanel({ report }: { report: OperationsReport }) {
  const { t, lang } = useStaffI18n();
  const title = t('dashboard.cases.title');
  const { hours, total } = report.casesPerHour;
  const serviceName = (code: string) => report.services.find((s) => s.code === code)?.name[lang] ?? code;
  const codes = report.services.map((s) => s.code).filter((code) => hours.some((h) => h.byService[code]));
  if (total === 0)
    return (
      <Panel id="cases" title={title} wide>
        <EmptyState title={t('dashboard.cases.empty')} />
      </Panel>
    );
  const busiest = hours.reduce((best, h) => (h.total > best.total ? h : best));
  const data = hours.map((h) => ({ hour: hourOf(h.start, lang), ...h.byService }));
  return (
    <Panel id="cases" title={title} wide>
      <p className="dashboard-summary">
        {t('dashboard.cases.summary', { total, hour: hourOf(busiest.start, lang), count: busiest.total })}
      </p>
      <StackedBars
        name="cases"
        data={data}
        xKey="hour"
        series={codes.map((code) => ({ key: code, label: serviceName(code) }))}
      />
      <DataTable caption={title}>
        <thead>
          <tr>
            <th scope="col">{t('dashboard.cases.hour')}</th>
            {codes.map((code) => (
              <th scope="col" key={code}>
                {serviceName(code)}
              </th>
            ))}
            <th scope="col">{t('dashboard.cases.total')}</th>
          </tr>
        </thead>
        <tbody>
          {hours
            .filter((h) => h.total > 0)
            .map((h) => (
              <tr key={h.start}>
                <th scope="row">{hourOf(h.start, lang)}</th>
                {codes.map((code) => (
                  <td key={code}>{h.byService[code] ?? 0}</td>
                ))}
                <td>{h.total}</td>
              </tr>
            ))}
        </tbody>
      </DataTable>
    </Panel>
  );
}

function SlaPanel({ report }: { report: OperationsReport }) {
  const { t, lang } = useStaffI18n();
  const title = t('dashboard.sla.title');
  const { dispatched, arrived, byService } = report.sla;
  if (dispatched.measured === 0 && arrived.measured === 0)
    return (
      <Panel id="sla" title={title}>
        <EmptyState title={t('dashboard.sla.empty')} />
      </Panel>
    );
  const figure = (label: string, s: typeof dispatched) =>
    s.share === null
      ? t('dashboard.sla.noFigure', { label })
      : t('dashboard.sla.figure', {
          label,
          percent: percent(t, s.share),
          within: s.within,
          measured: s.measured,
        });
  const rows = [
    { label: t('dashboard.sla.dispatched'), share: dispatched },
    { label: t('dashboard.sla.arrived'), share: arrived },
  ];
  return (
    <Panel id="sla" title={title}>
      <ul className="dashboard-figures">
        {rows.map((r) => (
          <li key={r.label}>
            <strong aria-hidden="true">{r.share.share === null ? '—' : percent(t, r.share.share)}</strong>{' '}
            {figure(r.label, r.share)}
          </li>
        ))}
      </ul>
      <SimpleBars
        name="sla"
        layout="vertical"
        height={140}
        max={100}
        data={rows.map((r) => ({
          label: r.label,
          value: r.share.share === null ? 0 : percentOf(r.share.share),
        }))}
      />
      <DataTable caption={title}>
        <thead>
          <tr>
            <th scope="col">{t('dashboard.sla.service')}</th>
            <th scope="col">{t('dashboard.sla.dispatched')}</th>
            <th scope="col">{t('dashboard.sla.arrived')}</th>
          </tr>
        </thead>
        <tbody>
          {byService.map((s) => (
            <tr key={s.serviceCode}>
              <th scope="row">
                {report.services.find((x) => x.code === s.serviceCode)?.name[lang] ?? s.serviceCode}
              </th>
              <td>
                {percent(t, s.dispatched.share)} ({s.dispatched.within}/{s.dispatched.measured})
              </td>
              <td>
                {percent(t, s.arrived.share)} ({s.arrived.within}/{s.arrived.measured})
              </td>
            </tr>
          ))}
        </tbody>
      </DataTable>
    </Panel>
  );
}

function ComplaintsPanel({ report }: { report: OperationsReport }) {
  const { t } = useStaffI18n();
  const title = t('dashboard.complaints.title');
  const c = report.complaints;
  const total = c.open + c.inProgress + c.escalated;
  if (total === 0)
    return (
      <Panel id="complaints" title={title}>
        <EmptyState title={t('dashboard.complaints.empty')} />
      </Panel>
    );
  const data = [
    { label: t('dashboard.complaints.open'), value: c.open },
    { label: t('dashboard.complaints.inProgress'), value: c.inProgress },
    { label: t('dashboard.complaints.escalated'), value: c.escalated },
  ];
  return (
    <Panel id="complaints" title={title}>
      <p className="dashboard-summary">
        {t('dashboard.complaints.summary', {
          total,
          open: c.open,
          inProgress: c.inProgress,
          escalated: c.escalated,
          overdue: c.overdue,
        })}
      </p>
      {c.overdue > 0 && (
        <p className="dashboard-alert">{t('dashboard.complaints.overdue', { count: c.overdue })}</p>
      )}
      <SimpleBars name="complaints" layout="vertical" data={data} height={160} />
      <CountTable caption={title} rows={data} />
    </Panel>
  );
}

function ChargesPanel({ report }: { report: OperationsReport }) {
  const { t } = useStaffI18n();
  const title = t('dashboard.charges.title');
  const c = report.charges;
  if (c.attempted === 0 || c.successRate === null)
    return (
      <Panel id="charges" title={title}>
        <EmptyState title={t('dashboard.charges.empty')} />
      </Panel>
    );
  const rate = percent(t, c.successRate);
  const data = [
    { label: t('dashboard.charges.succeeded'), value: c.succeeded, color: PALETTE[1] as string },
    { label: t('dashboard.charges.failed'), value: c.failed, color: PALETTE[2] as string },
    { label: t('dashboard.charges.unknown'), value: c.unknown, color: PALETTE[5] as string },
  ];
  return (
    <Panel id="charges" title={title}>
      <p className="dashboard-big">{t('dashboard.charges.rate', { percent: rate })}</p>
      <p className="dashboard-summary">
        {t('dashboard.charges.summary', {
          attempted: c.attempted,
          succeeded: c.succeeded,
          failed: c.failed,
          unknown: c.unknown,
          percent: rate,
        })}
      </p>
      <Donut name="charges" data={data} />
      <CountTable caption={title} rows={data} />
    </Panel>
  );
}

function MembershipsPanel({ report }: { report: OperationsReport }) {
  const { t } = useStaffI18n();
  const title = t('dashboard.memberships.title');
  const m = report.memberships;
  if (m.total === 0)
    return (
      <Panel id="memberships" title={title}>
        <EmptyState title={t('dashboard.memberships.empty')} />
      </Panel>
    );
  const data = [
    { label: t('dashboard.memberships.trial'), value: m.trial },
    { label: t('dashboard.memberships.active'), value: m.active },
    { label: t('dashboard.memberships.past_due'), value: m.past_due },
    { label: t('dashboard.memberships.suspended'), value: m.suspended },
  ];
  return (
    <Panel id="memberships" title={title}>
      <p className="dashboard-summary">
        {t('dashboard.memberships.summary', {
          total: m.total,
          trial: m.trial,
          active: m.active,
          pastDue: m.past_due,
          suspended: m.suspended,
        })}
      </p>
      <SimpleBars name="memberships" layout="vertical" data={data} height={180} />
      <CountTable caption={title} rows={data} />
    </Panel>
  );
}

function CountTable({ caption, rows }: { caption: string; rows: { label: string; value: number }[] }) {
  const { t } = useStaffI18n();
  return (
    <DataTable caption={caption}>
      <thead>
        <tr>
          <th scope="col">{caption}</th>
          <th scope="col">{t('dashboard.count')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.label}>
            <th scope="row">{r.label}</th>
            <td>{r.value}</td>
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}
