import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiProblem, problemText } from '../../api.ts';
import { formatPhone } from '../../i18n/format.ts';
import { useCharges } from '../../members/membership-data.ts';
import { useSession } from '../../session.tsx';
import { useStaffI18n } from '../../staff/i18n.ts';
import { Button } from '../../ui/Button.tsx';
import { CoveredThrough, DateTime } from '../../ui/DateTime.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { CancelMembershipDialog } from '../agent/CancelMembershipDialog.tsx';
import { ComplaintDialog } from '../agent/ComplaintDialog.tsx';
import { type Membership, useKeyShortcuts, useMember, useMembershipEvents, usePlans } from '../agent/data.ts';
import { FiscalDataSection } from '../agent/FiscalDataSection.tsx';
import { Kbd } from '../agent/Kbd.tsx';
import { membershipTone, owes } from '../agent/words.ts';
import { mayOpen } from '../nav.ts';
import '../agent/agent.css';
import {
  CasesSection,
  ChargesSection,
  ComplaintsSection,
  HistorySection,
  PeopleSection,
  UsageSection,
} from '../agent/MemberSections.tsx';
import { MessagesSection } from '../agent/MessagesSection.tsx';
import { VerificationGate } from '../agent/VerificationGate.tsx';

/**
 * `/console/miembros/:membershipId`: the member's whole picture on one screen, for an agent on a
 * call — plan and version, state and payment standing, the people covered, usage left, cases,
 * charges, complaints, the membership's history and the messages written to the member — with the call's actions: a new assistance
 * (`n`), a complaint (`q`) and a phone cancellation. An agent first verifies who is calling
 * (VerificationGate: two facts, or a reason to skip).
 */
export default function MemberPage() {
  const { membershipId = '' } = useParams();
  return (
    <VerificationGate membershipId={membershipId}>
      <MemberDetails membershipId={membershipId} />
    </VerificationGate>
  );
}

/** The details, read only once the caller is verified (an agent) or for roles that need no check. */
function MemberDetails({ membershipId }: { membershipId: string }) {
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
      errorDetail={(error) => problemText(error, t('agent.error.network'))}
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
          <dd className="mono">{formatPhone(member.titular.phone)}</dd>
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
                <CoveredThrough end={member.trialEndsAt} />
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
      <FiscalDataSection
        membershipId={member.id}
        mayEdit={role === 'agent' || role === 'supervisor' || role === 'finance'}
      />
      <div className="agent-grid">
        <ChargesSection charges={charges} />
        {role !== 'finance' && <ComplaintsSection membershipId={member.id} />}
      </div>
      <HistorySection events={events} />
      <MessagesSection membershipId={member.id} mayResend={role === 'agent' || role === 'supervisor'} />

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
