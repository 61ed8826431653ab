import { Link } from 'react-router';
import { problemText } from '../../api.ts';
import { isOpen, stateTone } from '../../cases/case-data.ts';
import { type ServiceUsage, type useCharges, useUsage } from '../../members/membership-data.ts';
import { useStaffI18n } from '../../staff/i18n.ts';
import { caseStateWords } from '../../staff/words.ts';
import { DataTable } from '../../ui/DataTable.tsx';
import { DateTime } from '../../ui/DateTime.tsx';
import { Money } from '../../ui/Money.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { UsageBar } from '../../ui/UsageBar.tsx';
import {
  type Membership,
  serviceLabel,
  useMemberCases,
  useMemberComplaints,
  type useMembershipEvents,
  usePlans,
} from './data.ts';
import { chargeTone, complaintTone } from './words.ts';

/**
 * The sections of a member's page in the console (MemberPage): people, use of services, cases,
 * charges, complaints and the membership's history — each its own read, loading and failing alone.
 */
export function PeopleSection({ member }: { member: Membership }) {
  const { t, tOr, lang } = useStaffI18n();
  const people = member.people.filter((p) => p.removedAt === null);
  return (
    <section className="agent-panel" aria-labelledby="people-heading">
      <h2 id="people-heading">{t('agent.people.title')}</h2>
      <DataTable
        rows={people}
        rowKey={(p) => p.id}
        columns={[
          {
            header: t('agent.col.name'),
            cell: (p) => (
              <>
                {p.fullName}
                {p.birthDate && (
                  <span className="agent-sub">
                    {t('agent.people.born')} <DateTime value={p.birthDate} dateOnly />
                  </span>
                )}
              </>
            ),
          },
          { header: t('agent.people.kind'), cell: (p) => tOr(`agent.person.${p.kind}`, p.kind) },
          {
            header: t('agent.people.coverage'),
            cell: (p) => (
              <>
                <StatusBadge tone={p.covered ? 'good' : 'alert'}>
                  {p.covered ? t('agent.people.covered') : t('agent.people.notCovered')}
                </StatusBadge>
                <span className="agent-sub">
                  {p.coverage.coveredUntil ? (
                    <>
                      {t('agent.people.until')} <DateTime value={p.coverage.coveredUntil} dateOnly />
                    </>
                  ) : (
                    p.coverage.reason[lang]
                  )}
                </span>
              </>
            ),
          },
        ]}
      />
    </section>
  );
}

export function UsageSection({ membershipId }: { membershipId: string }) {
  const { t, lang } = useStaffI18n();
  const usage = useUsage(membershipId);
  return (
    <section className="agent-panel" aria-labelledby="usage-heading">
      <h2 id="usage-heading">{t('agent.usage.title')}</h2>
      <QueryView
        query={usage}
        loading={t('agent.usage.loading')}
        errorTitle={t('agent.usage.error')}
        errorDetail={(error) => problemText(error, t('agent.error.network'))}
        isEmpty={(data) => data.services.length === 0}
        empty={<EmptyState title={t('agent.usage.none')} />}
      >
        {(data) => (
          <>
            <p className="agent-muted">
              {t('agent.usage.resets')} <DateTime value={data.membershipYear.resetsOn} dateOnly />
            </p>
            <ul className="agent-usage">
              {data.services.map((s) => (
                <li key={s.serviceCode}>
                  <UsageLine usage={s} lang={lang} />
                </li>
              ))}
            </ul>
          </>
        )}
      </QueryView>
    </section>
  );
}

function UsageLine({ usage, lang }: { usage: ServiceUsage; lang: 'es' | 'en' }) {
  const { t } = useStaffI18n();
  const limit = usage.limit;
  if (limit.kind === 'unlimited')
    return (
      <p className="agent-usage-unlimited">
        <span className="agent-usage-name">{usage.name[lang]}</span>{' '}
        <span>{t('agent.usage.unlimited', { used: limit.used })}</span>
      </p>
    );
  const perKey = limit.perKey
    ? Object.entries(limit.perKey.used)
        .map(([key, n]) => `${key} (${n})`)
        .join(', ')
    : '';
  return (
    <UsageBar label={usage.name[lang]} used={limit.used} total={limit.limit} about="member">
      {perKey && <p className="agent-sub">{t('agent.usage.perKey', { used: perKey })}</p>}
    </UsageBar>
  );
}

export function CasesSection({ membershipId }: { membershipId: string }) {
  const { t, tOr, lang } = useStaffI18n();
  const cases = useMemberCases(membershipId);
  const plans = usePlans();
  return (
    <section className="agent-panel" aria-labelledby="cases-heading">
      <h2 id="cases-heading">{t('agent.cases.title')}</h2>
      <QueryView
        query={cases}
        loading={t('agent.cases.loading')}
        errorTitle={t('agent.cases.error')}
        errorDetail={(error) => problemText(error, t('agent.error.network'))}
        isEmpty={(data) => data.length === 0}
        empty={<EmptyState title={t('agent.cases.none')} />}
      >
        {(data) => (
          <DataTable
            testId="member-cases"
            rows={data}
            rowKey={(c) => c.id}
            rowClassName={(c) => (c.sla.breached.length > 0 && isOpen(c.state) ? 'is-late' : undefined)}
            columns={[
              {
                header: t('agent.col.case'),
                cell: (c) => (
                  <Link className="mono" to={`/console/casos/${c.id}`}>
                    {c.number}
                  </Link>
                ),
              },
              { header: t('agent.col.service'), cell: (c) => serviceLabel(plans.data, c.serviceCode, lang) },
              { header: t('agent.col.person'), cell: (c) => c.person.name },
              {
                header: t('agent.col.state'),
                cell: (c) => (
                  <StatusBadge tone={stateTone(c.state)}>{caseStateWords(c, tOr, lang)}</StatusBadge>
                ),
              },
              { header: t('agent.col.provider'), cell: (c) => c.provider?.name ?? '—' },
              {
                header: t('agent.col.requested'),
                cell: (c) => <DateTime value={c.requestedAt} />,
              },
            ]}
          />
        )}
      </QueryView>
    </section>
  );
}

export function ChargesSection({ charges }: { charges: ReturnType<typeof useCharges> }) {
  const { t, lang } = useStaffI18n();
  return (
    <section className="agent-panel" aria-labelledby="charges-heading">
      <h2 id="charges-heading">{t('agent.charges.title')}</h2>
      <QueryView
        query={charges}
        loading={t('agent.charges.loading')}
        errorTitle={t('agent.charges.error')}
        errorDetail={(error) => problemText(error, t('agent.error.network'))}
        isEmpty={(data) => data.length === 0}
        empty={<EmptyState title={t('agent.charges.none')} />}
      >
        {(data) => (
          <DataTable
            rows={data}
            rowKey={(c) => c.id}
            rowClassName={(c) => (c.status === 'failed' ? 'is-late' : undefined)}
            columns={[
              { header: t('agent.col.period'), cell: (c) => c.period.label[lang] },
              {
                header: t('agent.col.amount'),
                cell: (c) => (
                  <>
                    <Money centavos={c.amount.totalCentavos} />
                    {c.refundedCentavos > 0 && (
                      <span className="agent-sub">
                        {t('agent.charges.refunded')} <Money centavos={c.refundedCentavos} />
                      </span>
                    )}
                  </>
                ),
              },
              {
                header: t('agent.col.state'),
                cell: (c) => (
                  <>
                    <StatusBadge tone={chargeTone(c.status)}>{c.statusLabel[lang]}</StatusBadge>
                    {c.declineLabel && <span className="agent-sub">{c.declineLabel[lang]}</span>}
                  </>
                ),
              },
            ]}
          />
        )}
      </QueryView>
    </section>
  );
}

export function ComplaintsSection({ membershipId }: { membershipId: string }) {
  const { t, lang } = useStaffI18n();
  const complaints = useMemberComplaints(membershipId, true);
  return (
    <section className="agent-panel" aria-labelledby="complaints-heading">
      <h2 id="complaints-heading">{t('agent.complaints.title')}</h2>
      <QueryView
        query={complaints}
        loading={t('agent.complaints.loading')}
        errorTitle={t('agent.complaints.error')}
        errorDetail={(error) => problemText(error, t('agent.error.network'))}
        isEmpty={(data) => data.length === 0}
        empty={<EmptyState title={t('agent.complaints.none')} />}
      >
        {(data) => (
          <DataTable
            rows={data}
            rowKey={(c) => c.id}
            rowClassName={(c) => (c.overdue ? 'is-late' : undefined)}
            columns={[
              { header: t('agent.col.complaint'), cell: (c) => c.number, className: 'mono' },
              { header: t('agent.col.category'), cell: (c) => c.categoryLabel[lang] },
              {
                header: t('agent.col.state'),
                cell: (c) => (
                  <>
                    <StatusBadge tone={complaintTone(c.status, c.overdue)}>{c.statusLabel[lang]}</StatusBadge>
                    {c.overdue && <span className="agent-sub">{t('agent.complaints.overdue')}</span>}
                  </>
                ),
              },
              {
                header: t('agent.col.due'),
                cell: (c) => <DateTime value={c.dueAt} />,
              },
            ]}
          />
        )}
      </QueryView>
    </section>
  );
}

export function HistorySection({ events }: { events: ReturnType<typeof useMembershipEvents> }) {
  const { t, tOr } = useStaffI18n();
  return (
    <section className="agent-panel" aria-labelledby="history-heading">
      <h2 id="history-heading">{t('agent.history.title')}</h2>
      <QueryView
        query={events}
        loading={t('agent.history.loading')}
        errorTitle={t('agent.history.error')}
        errorDetail={(error) => problemText(error, t('agent.error.network'))}
        isEmpty={(data) => data.length === 0}
        empty={<EmptyState title={t('agent.history.none')} />}
      >
        {(data) => (
          <DataTable
            rows={[...data].reverse()}
            rowKey={(e) => e.id}
            columns={[
              {
                header: t('agent.col.when'),
                cell: (e) => <DateTime value={e.at} />,
              },
              {
                header: t('agent.col.event'),
                cell: (e) => (
                  <>
                    {tOr(`agent.event.${e.type}`, e.type)}
                    {e.toState && (
                      <span className="agent-sub">
                        {e.fromState ? `${tOr(`agent.membership.${e.fromState}`, e.fromState)} → ` : ''}
                        {tOr(`agent.membership.${e.toState}`, e.toState)}
                      </span>
                    )}
                  </>
                ),
              },
              { header: t('agent.col.reason'), cell: (e) => e.reason },
            ]}
          />
        )}
      </QueryView>
    </section>
  );
}
