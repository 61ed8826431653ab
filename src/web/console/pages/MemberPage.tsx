import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiProblem } from '../../api.ts';
import { isOpen, stateTone } from '../../cases/case-data.ts';
import { type ServiceUsage, useCharges, useUsage } from '../../members/membership-data.ts';
import { useSession } from '../../session.tsx';
import { useStaffI18n } from '../../staff/i18n.ts';
import { Button } from '../../ui/Button.tsx';
import { DataTable } from '../../ui/DataTable.tsx';
import { DateTime } from '../../ui/DateTime.tsx';
import { Money } from '../../ui/Money.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { UsageBar } from '../../ui/UsageBar.tsx';
import { CancelMembershipDialog } from '../agent/CancelMembershipDialog.tsx';
import { ComplaintDialog } from '../agent/ComplaintDialog.tsx';
import {
  type Membership,
  problemWords,
  serviceLabel,
  useKeyShortcuts,
  useMember,
  useMemberCases,
  useMemberComplaints,
  useMembershipEvents,
  usePlans,
} from '../agent/data.ts';
import { Kbd } from '../agent/Kbd.tsx';
import { chargeTone, complaintTone, membershipTone, owes } from '../agent/words.ts';
import { mayOpen } from '../nav.ts';
import '../agent/agent.css';

/**
 * `/console/miembros/:membershipId`: the member's whole picture on one screen, for an agent on a
 * call — plan and version, state and payment standing, the people covered, usage left, cases,
 * charges, complaints and the membership's history — with the call's actions: a new assistance
 * (`n`), a complaint (`q`) and a phone cancellation.
 */
export default function MemberPage() {
  const { membershipId = '' } = useParams();
  const { t } = useStaffI18n();
  const member = useMember(membershipId);

  useEffect(() => {
    document.title = `${member.data?.titular.fullName ?? t('agent.member.title')} · ${t('staff.console')}`;
  }, [t, member.data]);

  return (
    <QueryView
      query={member}
      loading={t('agent.member.loading')}
      errorTitle={t('agent.member.error')}
      errorDetail={(error) => problemWords(error, t('agent.error.network'))}
      missing={{
        when: (error) => error instanceof ApiProblem && (error.status === 404 || error.status === 400),
        view: (
          <EmptyState title={t('agent.member.notFound')}>
            <p>
              <Link to="/console/miembros">{t('agent.member.backToSearch')}</Link>
            </p>
          </EmptyState>
        ),
      }}
      frame={(state) => (
        <section className="agent" aria-labelledby="page-heading">
          <h1 id="page-heading">{t('agent.member.title')}</h1>
          {state}
        </section>
      )}
    >
      {(data) => <MemberPicture member={data} />}
    </QueryView>
  );
}

function MemberPicture({ member }: { member: Membership }) {
  const { t, tOr, lang } = useStaffI18n();
  const { user } = useSession();
  const role = user?.role ?? '';
  const navigate = useNavigate();
  const plans = usePlans();
  const events = useMembershipEvents(member.id);
  const charges = useCharges(member.id);
  const [dialog, setDialog] = useState<'complaint' | 'cancel' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const mayRequest = mayOpen(role, 'casos') && member.state !== 'cancelled';
  const mayComplain = role === 'agent' || role === 'supervisor';
  const mayCancel = (role === 'agent' || role === 'supervisor') && member.state !== 'cancelled';
  const newCase = `/console/miembros/${member.id}/asistencia`;

  const shortcuts = useMemo(
    () => ({
      n: mayRequest && (() => navigate(newCase)),
      q: mayComplain && (() => setDialog('complaint')),
    }),
    [mayRequest, mayComplain, navigate, newCase],
  );
  useKeyShortcuts(shortcuts);

  const plan = plans.data?.find((p) => p.code === member.plan.code);
  const lastStateChange = [...(events.data ?? [])].reverse().find((e) => e.type === 'state_changed');
  const declined = (charges.data ?? []).find((c) => c.status === 'failed');

  return (
    <article className="agent agent-member" aria-labelledby="page-heading">
      <header className="agent-head">
        <div>
          <p className="agent-eyebrow">{t('agent.member.eyebrow')}</p>
          <h1 id="page-heading">{member.titular.fullName}</h1>
          <p className="agent-head-meta">
            <span className="mono agent-number">{member.number}</span>
            <StatusBadge tone={membershipTone(member.state)}>
              {tOr(`agent.membership.${member.state}`, member.state)}
            </StatusBadge>
            <span>
              {t('agent.member.plan', {
                plan: plan?.name ?? member.plan.name,
                version: member.plan.version,
              })}
            </span>
            <span>{tOr(`agent.channel.${member.channel}`, member.channel)}</span>
          </p>
        </div>
        <div className="agent-actions">
          {mayRequest && (
            <Link className="button button-primary" to={newCase} aria-keyshortcuts="N">
              {t('agent.member.newCase')} <Kbd>N</Kbd>
            </Link>
          )}
          {mayComplain && (
            <Button variant="secondary" onClick={() => setDialog('complaint')} aria-keyshortcuts="Q">
              {t('agent.member.fileComplaint')} <Kbd>Q</Kbd>
            </Button>
          )}
          {mayCancel && (
            <Button variant="secondary" onClick={() => setDialog('cancel')}>
              {t('agent.member.cancel')}
            </Button>
          )}
        </div>
      </header>

      {notice && (
        <p className="agent-notice" role="status">
          {notice}
        </p>
      )}

      {owes(member.state) && (
        <div className="agent-standing" role="alert">
          <p className="agent-standing-title">
            {t(member.state === 'suspended' ? 'agent.standing.suspended' : 'agent.standing.pastDue')}
          </p>
          {lastStateChange && (
            <p>
              {t('agent.standing.reason')} {lastStateChange.reason} (<DateTime value={lastStateChange.at} />)
            </p>
          )}
          {declined && (
            <p>
              {t('agent.standing.declined', {
                period: declined.period.label[lang],
                reason: declined.declineLabel?.[lang] ?? declined.statusLabel[lang],
              })}{' '}
              {declined.retryAt && (
                <>
                  {t('agent.standing.retry')} <DateTime value={declined.retryAt} />
                </>
              )}
            </p>
          )}
          <p>{t('agent.standing.refused')}</p>
        </div>
      )}

      <section className="agent-facts" aria-label={t('agent.member.facts')}>
        <dl className="agent-dl">
          <dt>{t('agent.member.phone')}</dt>
          <dd className="mono">{member.titular.phone}</dd>
          <dt>{t('agent.member.email')}</dt>
          <dd>{member.titular.email}</dd>
          <dt>{t('agent.member.birthDate')}</dt>
          <dd>
            <DateTime value={member.titular.birthDate} dateOnly />
          </dd>
          <dt>{t('agent.member.card')}</dt>
          <dd>
            {t('agent.member.cardValue', {
              brand: tOr(`agent.card.${member.card.brand}`, member.card.brand),
              type: tOr(`agent.cardType.${member.card.type}`, member.card.type),
              last4: member.card.last4,
            })}
          </dd>
          <dt>{t('agent.member.contracted')}</dt>
          <dd>
            <DateTime value={member.contractedAt} />
          </dd>
          {member.trialEndsAt && (
            <>
              <dt>{t('agent.member.trialEnds')}</dt>
              <dd>
                <DateTime value={member.trialEndsAt} dateOnly />
              </dd>
            </>
          )}
          <dt>{t('agent.member.year')}</dt>
          <dd>
            {t('agent.member.yearValue', { number: member.membershipYear.number })}{' '}
            <DateTime value={member.membershipYear.resetsOn} dateOnly />
          </dd>
          <dt>{t('agent.member.nextCharge')}</dt>
          <dd>{member.nextChargeOn ? <DateTime value={member.nextChargeOn} dateOnly /> : t('agent.none')}</dd>
          {member.cancelledAt && (
            <>
              <dt>{t('agent.member.cancelledAt')}</dt>
              <dd>
                <DateTime value={member.cancelledAt} />
              </dd>
            </>
          )}
        </dl>
      </section>

      <div className="agent-grid">
        <PeopleSection member={member} />
        <UsageSection membershipId={member.id} />
      </div>
      <CasesSection membershipId={member.id} />
      <div className="agent-grid">
        <ChargesSection charges={charges} />
        {role !== 'finance' && <ComplaintsSection membershipId={member.id} />}
      </div>
      <HistorySection events={events} />

      <ComplaintDialog
        open={dialog === 'complaint'}
        membershipId={member.id}
        onClose={() => setDialog(null)}
        onFiled={(number) => {
          setDialog(null);
          setNotice(t('agent.complaint.filed', { number }));
        }}
      />
      <CancelMembershipDialog
        open={dialog === 'cancel'}
        membershipId={member.id}
        onClose={() => setDialog(null)}
        onCancelled={(number) => {
          setDialog(null);
          setNotice(t('agent.cancel.done', { number }));
        }}
      />
    </article>
  );
}

function PeopleSection({ member }: { member: Membership }) {
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

function UsageSection({ membershipId }: { membershipId: string }) {
  const { t, lang } = useStaffI18n();
  const usage = useUsage(membershipId);
  return (
    <section className="agent-panel" aria-labelledby="usage-heading">
      <h2 id="usage-heading">{t('agent.usage.title')}</h2>
      <QueryView
        query={usage}
        loading={t('agent.usage.loading')}
        errorTitle={t('agent.usage.error')}
        errorDetail={(error) => problemWords(error, t('agent.error.network'))}
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
    <UsageBar label={usage.name[lang]} used={limit.used} total={limit.limit}>
      {perKey && <p className="agent-sub">{t('agent.usage.perKey', { used: perKey })}</p>}
    </UsageBar>
  );
}

function CasesSection({ membershipId }: { membershipId: string }) {
  const { t, lang } = useStaffI18n();
  const cases = useMemberCases(membershipId);
  const plans = usePlans();
  return (
    <section className="agent-panel" aria-labelledby="cases-heading">
      <h2 id="cases-heading">{t('agent.cases.title')}</h2>
      <QueryView
        query={cases}
        loading={t('agent.cases.loading')}
        errorTitle={t('agent.cases.error')}
        errorDetail={(error) => problemWords(error, t('agent.error.network'))}
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
                  <>
                    <Link className="mono" to={`/console/casos/${c.id}`}>
                      {c.number}
                    </Link>
                  </>
                ),
              },
              { header: t('agent.col.service'), cell: (c) => serviceLabel(plans.data, c.serviceCode, lang) },
              { header: t('agent.col.person'), cell: (c) => c.person.name },
              {
                header: t('agent.col.state'),
                cell: (c) => (
                  <>
                    <StatusBadge tone={stateTone(c.state)}>{c.stateLabel[lang]}</StatusBadge>
                  </>
                ),
              },
              { header: t('agent.col.provider'), cell: (c) => c.provider?.name ?? '—' },
              {
                header: t('agent.col.requested'),
                cell: (c) => (
                  <>
                    <DateTime value={c.requestedAt} />
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

function ChargesSection({ charges }: { charges: ReturnType<typeof useCharges> }) {
  const { t, lang } = useStaffI18n();
  return (
    <section className="agent-panel" aria-labelledby="charges-heading">
      <h2 id="charges-heading">{t('agent.charges.title')}</h2>
      <QueryView
        query={charges}
        loading={t('agent.charges.loading')}
        errorTitle={t('agent.charges.error')}
        errorDetail={(error) => problemWords(error, t('agent.error.network'))}
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

function ComplaintsSection({ membershipId }: { membershipId: string }) {
  const { t, lang } = useStaffI18n();
  const complaints = useMemberComplaints(membershipId, true);
  return (
    <section className="agent-panel" aria-labelledby="complaints-heading">
      <h2 id="complaints-heading">{t('agent.complaints.title')}</h2>
      <QueryView
        query={complaints}
        loading={t('agent.complaints.loading')}
        errorTitle={t('agent.complaints.error')}
        errorDetail={(error) => problemWords(error, t('agent.error.network'))}
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
                cell: (c) => (
                  <>
                    <DateTime value={c.dueAt} />
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

function HistorySection({ events }: { events: ReturnType<typeof useMembershipEvents> }) {
  const { t, tOr } = useStaffI18n();
  return (
    <section className="agent-panel" aria-labelledby="history-heading">
      <h2 id="history-heading">{t('agent.history.title')}</h2>
      <QueryView
        query={events}
        loading={t('agent.history.loading')}
        errorTitle={t('agent.history.error')}
        errorDetail={(error) => problemWords(error, t('agent.error.network'))}
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
                cell: (e) => (
                  <>
                    <DateTime value={e.at} />
                  </>
                ),
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
