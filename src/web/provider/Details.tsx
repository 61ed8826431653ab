import { useStaffI18n } from '../staff/i18n.ts';
import type { jobDetails } from './provider-data.ts';

/** The vehicle, where to take it and the specialty, when the case has them. */
export function Details({ details }: { details: ReturnType<typeof jobDetails> }) {
  const { t } = useStaffI18n();
  if (!details.vehicle && !details.destination && !details.specialty) return null;
  return (
    <dl className="provider-facts">
      {details.vehicle && (
        <div>
          <dt>{t('provider.detail.vehicle')}</dt>
          <dd>{details.vehicle}</dd>
        </div>
      )}
      {details.destination && (
        <div>
          <dt>{t('provider.detail.destination')}</dt>
          <dd>{details.destination}</dd>
        </div>
      )}
      {details.specialty && (
        <div>
          <dt>{t('provider.detail.specialty')}</dt>
          <dd>{details.specialty}</dd>
        </div>
      )}
    </dl>
  );
}
