import type { Case } from '../../cases/case-data.ts';
import { formatEta } from '../../cases/precision.ts';
import { formatPhone } from '../../i18n/format.ts';
import { useStaffI18n } from '../../staff/i18n.ts';
import { DateTime } from '../../ui/DateTime.tsx';
import { Money } from '../../ui/Money.tsx';
import { useNow } from '../agent/data.ts';
import { clock, km } from '../agent/words.ts';

export type Offer = NonNullable<Case['offers']>[number];

/** Who is going or being asked now: the assigned provider and ETA, or the pending offer's countdown. */
export function DispatchNow({
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
          {t('agent.dispatch.phone')} <span className="mono">{formatPhone(kase.provider.phone)}</span>
        </p>
        {kase.eta && (
          <p>
            {t('agent.dispatch.eta', { minutes: formatEta(kase.eta.minutes) })} (
            <DateTime value={kase.eta.at} />)
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
          {t('agent.dispatch.offered', {
            distance: km(pending.distanceKm, kase.place.precision),
            minutes: formatEta(pending.etaMinutes),
          })}
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
