import { useEffect } from 'react';
import { Link, useParams } from 'react-router';
import { useStaffI18n } from '../../staff/i18n.ts';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States.tsx';
import { problemWords, useMember, usePlans } from '../agent/data.ts';
import { NewCaseForm } from '../agent/NewCaseForm.tsx';
import '../agent/agent.css';

/**
 * `/console/miembros/:membershipId/asistencia`: "Nueva asistencia" during a call — who, what,
 * where, details (the tow's quote when the service is capped) → the eligibility answer with its
 * reasons, shown before sending → the case is opened (one Idempotency-Key per attempt) and the
 * agent lands on its dispatch board.
 */
export default function NewCasePage() {
  const { membershipId = '' } = useParams();
  const { t } = useStaffI18n();
  const member = useMember(membershipId);
  const plans = usePlans();

  useEffect(() => {
    document.title = `${t('agent.new.title')} · ${t('staff.console')}`;
  }, [t]);

  if (member.isPending || plans.isPending) return <LoadingState label={t('agent.new.loading')} />;
  const error = member.error ?? plans.error;
  if (error || !member.data || !plans.data)
    return (
      <section className="agent" aria-labelledby="page-heading">
        <h1 id="page-heading">{t('agent.new.title')}</h1>
        <ErrorState
          title={t('agent.new.error')}
          detail={problemWords(error, t('agent.error.network'))}
          onRetry={() => {
            void member.refetch();
            void plans.refetch();
          }}
        />
      </section>
    );
  const plan = plans.data.find((p) => p.code === member.data.plan.code);
  // Reimbursement claims need the customer's evidence: they are filed from the portal.
  const services = (plan?.services ?? []).filter((s) => s.fulfilment !== 'reimbursement');
  return (
    <section className="agent agent-new" aria-labelledby="page-heading">
      <p className="agent-back">
        <Link to={`/console/miembros/${membershipId}`}>
          ← {member.data.titular.fullName} <span className="mono">{member.data.number}</span>
        </Link>
      </p>
      <h1 id="page-heading">{t('agent.new.title')}</h1>
      {services.length === 0 ? (
        <EmptyState title={t('agent.new.noServices')} />
      ) : (
        <NewCaseForm member={member.data} services={services} />
      )}
    </section>
  );
}
