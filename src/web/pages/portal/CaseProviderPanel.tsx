import type { Case, CaseEvent } from '../../cases/case-data.ts';
import { distanceOf, useEtaMinutes } from '../../cases/case-facts.ts';
import { formatEta, shownKm } from '../../cases/precision.ts';
import { phoneOf } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { PhoneLink } from '../../ui/PhoneLink.tsx';

/** Who is coming, their phone, and how long until they arrive (counted down on the page). */
export function ProviderPanel({ kase, timeline }: { kase: Case; timeline: CaseEvent[] }) {
  const { t, lang } = useI18n();
  const minutes = useEtaMinutes(kase.eta);
  const km = distanceOf(kase, timeline);
  const coming = kase.state === 'dispatched' || kase.state === 'en_route';
  const provider = kase.provider;
  if (!provider) return null;
  // Never finer than the case's point: rounded for a postal code or a municipality, none for a state.
  const shown = km === undefined ? null : shownKm(km, kase.place.precision);
  const distance = shown
    ? `${shown.approximate ? '~' : ''}${new Intl.NumberFormat(lang === 'es' ? 'es-MX' : 'en-US', {
        maximumFractionDigits: 1,
      }).format(shown.km)} km`
    : undefined;
  return (
    <section className="panel provider" aria-labelledby="provider-heading">
      <h2 id="provider-heading">{t('assistance.provider.heading')}</h2>
      <p className="provider-name">{provider.name}</p>
      <p>
        {t('assistance.provider.phone')} <PhoneLink phone={phoneOf(provider.phone)} />
      </p>
      {kase.unit && (
        <dl className="provider-unit" data-testid="provider-unit">
          <div>
            <dt>{t('assistance.unit.driver')}</dt>
            <dd>{kase.unit.driverName}</dd>
          </div>
          <div>
            <dt>{t('assistance.unit.vehicle')}</dt>
            <dd>{kase.unit.vehicle}</dd>
          </div>
          <div>
            <dt>{t('assistance.unit.plates')}</dt>
            <dd className="number">{kase.unit.plates}</dd>
          </div>
        </dl>
      )}
      {coming && minutes !== undefined && (
        <p className="eta" data-testid="eta">
          {minutes > 0
            ? t('assistance.provider.eta', { minutes: formatEta(minutes) })
            : t('assistance.provider.arriving')}
          {distance !== undefined && (
            <span className="muted"> · {t('assistance.provider.distance', { km: distance })}</span>
          )}
        </p>
      )}
      {kase.state === 'on_site' && <p className="eta">{t('assistance.provider.onSite')}</p>}
    </section>
  );
}
