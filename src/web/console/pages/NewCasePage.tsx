import { useEffect } from 'react';
import { Link, useParams } from 'react-router';
import { problemText } from '../../api.ts';
import { useStaffI18n } from '../../staff/i18n.ts';
import { bothOf, QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { useMember, usePlans } from '../agent/data.ts';
import { NewCaseForm } from '../agent/NewCaseForm.tsx';
import { VerificationGate } from '../agent/VerificationGate.tsx';
import '../agent/agent.css';

/**
 * `/console/miembros/:membershipId/asistencia`: "Nueva asistencia" during a call — who, what,
 * where, details (the tow's quote when the service is capped) → the eligibility answer with its
 * reasons, shown before sending → the case is opened (one Idempotency-Key per attempt) and the
 * agent lands on its dispatch board.
 */
export default function NewCasePage() {
  const { membershipId = '' } = useParams();
  return (
    <VerificationGate membershipId={membershipId}>
      <NewCase membershipId={membershipId} />
    </VerificationGate>
  );
}

function NewCase({ membershipId }: { membershipId: string }) {
  const { t } = useStaffI18n();
  const member = useMember(membershipId);
  const plans = usePlans();

  useEffect(() => {
    document.title = `${t('agent.new.title')} · ${t('staff.console')}`;
  }, [t]);

  return (
    <QueryView
      query={bothOf(member, plans)}
      loading={t('agent.new.loading')}
      errorTitle={t('agent.new.error')}
      errorDetail={(error) => problemText(error, t('agent.error.network'))}
      frame={(state) => (
        <section className="agent" aria-labelledby="page-heading">
          <h1 id="page-heading">{t('agent.new.title')}</h1>
          {state}
        </section>
      )}
    >
      {([membership, plans]) => {
        const plan = plans.find((p) => p.code === membership.plan.code);
        // Reimbursement claims need the customer's evidence: they are filed from the portal.
        const services = (plan?.services ?? []).filter((s) => s.fulfilment !== 'reimbursement');
        return (
          <section className="agent agent-new" aria-labelledby="page-heading">
            <p className="agent-back">
              <Link to={`/console/miembros/${membershipId}`}>
                ← {membership.titular.fullName} <span className="mono">{membership.number}</span>
              </Link>
            </p>
            <h1 id="page-heading">{t('agent.new.title')}</h1>
            {services.length === 0 ? (
              <EmptyState title={t('agent.new.noServices')} />
            ) : (
              <NewCaseForm member={membership} services={services} />
            )}
          </section>
        );
      }}
    </QueryView>
  );
}
