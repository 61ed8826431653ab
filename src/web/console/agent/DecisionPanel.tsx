import type { Decision } from '../../cases/case-data.ts';
import { ReasonList } from '../../cases/EligibilityAnswer.tsx';
import { useStaffI18n } from '../../staff/i18n.ts';
import { DateTime } from '../../ui/DateTime.tsx';
import { Money } from '../../ui/Money.tsx';

/** The eligibility decision as the agent reads it to the caller: yes or no, why, what is left, the cost. */
export function DecisionPanel({ decision }: { decision: Decision }) {
  const { t } = useStaffI18n();
  const usage = decision.usage?.limit;
  const cost = decision.cost;
  return (
    <div
      className={`agent-decision ${decision.allowed ? 'agent-decision-yes' : 'agent-decision-no'}`}
      data-testid="eligibility"
    >
      <p className="agent-decision-verdict">
        {decision.allowed ? t('agent.new.allowed') : t('agent.new.refused')}
      </p>
      <ReasonList reasons={decision.reasons} />
      {usage?.kind === 'count' && decision.usage && (
        <p>
          {t('agent.new.left', { remaining: usage.remaining, limit: usage.limit })}{' '}
          <DateTime value={decision.usage.resetsOn} dateOnly />
        </p>
      )}
      {cost?.kind === 'capped' && (
        <dl className="agent-dl agent-cost">
          <dt>{t('agent.new.cap')}</dt>
          <dd>
            <Money centavos={cost.capCentavos} />
          </dd>
          {cost.estimatedCentavos !== null && (
            <>
              <dt>{t('agent.new.estimate')}</dt>
              <dd>
                <Money centavos={cost.estimatedCentavos} />
              </dd>
              <dt>{t('agent.new.covered')}</dt>
              <dd>
                <Money centavos={cost.coveredCentavos ?? 0} />
              </dd>
              <dt>{t('agent.new.excess')}</dt>
              <dd>
                <Money centavos={cost.excessCentavos ?? 0} />
              </dd>
            </>
          )}
        </dl>
      )}
      {cost?.kind === 'capped' && cost.excessMustBeAccepted && (cost.excessCentavos ?? 0) > 0 && (
        <p className="agent-warn">{t('agent.new.excessAccept')}</p>
      )}
    </div>
  );
}
