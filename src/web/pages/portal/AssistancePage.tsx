import { useEffect } from 'react';
import { problemText } from '../../api.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { PhoneLink } from '../../ui/PhoneLink.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { usePlan } from './assistance-data.ts';
import './assistance.css';
import { MyCases, OpenCases } from './CaseLists.tsx';
import { usePortalScope } from './outlet.ts';
import { RequestForm } from './RequestForm.tsx';

/**
 * `/app/asistencia`: ask for help (with the eligibility answer before sending) and see past
 * requests. A beneficiary's own account asks for themselves only: the form has them chosen.
 */
export default function AssistancePage() {
  const { t } = useI18n();
  const scope = usePortalScope();
  const plan = usePlan(scope.planCode);

  useEffect(() => {
    document.title = `${t('assistance.heading')} · ${t('site.title')}`;
  }, [t]);

  return (
    <div className="assistance">
      <h1>{t('assistance.heading')}</h1>
      <p className="lead">{t('assistance.intro')}</p>
      <p className="assistance-call">
        {t('assistance.emergency')} <PhoneLink />
      </p>
      <OpenCases services={plan.data?.services} />
      <div className="assistance-grid">
        <section className="assistance-form-section" aria-labelledby="request-heading">
          <h2 id="request-heading">{t('assistance.form.heading')}</h2>
          <QueryView
            query={plan}
            loading={t('assistance.loadingPlan')}
            errorTitle={t('assistance.error.plan')}
            errorDetail={(error) => problemText(error, t('state.error.network'))}
            isEmpty={(data) => data.services.length === 0}
            empty={<EmptyState title={t('assistance.form.noServices')} />}
          >
            {(data) => (
              <RequestForm
                membershipId={scope.membershipId}
                people={scope.people}
                self={scope.kind === 'beneficiary' ? scope.coverage.person : undefined}
                services={data.services}
              />
            )}
          </QueryView>
        </section>
        <section className="assistance-list-section" aria-labelledby="mine-heading">
          <h2 id="mine-heading">{t('assistance.mine.heading')}</h2>
          <MyCases services={plan.data?.services} />
        </section>
      </div>
    </div>
  );
}
