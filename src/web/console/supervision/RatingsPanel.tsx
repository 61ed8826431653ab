import { Link } from 'react-router';
import { formatDateTime } from '../../i18n/format.ts';
import { useStaffI18n } from '../../staff/i18n.ts';
import { EmptyState } from '../../ui/States.tsx';
import type { OperationsReport } from './types.ts';

/**
 * Customers' ratings of the window: each provider's average and count (best first), and the low
 * ones with what the customer wrote, linked to the case, for the supervisor to look into.
 */
export function RatingsPanel({ report }: { report: OperationsReport }) {
  const { t, lang } = useStaffI18n();
  const r = report.ratings;
  const average = (n: number) =>
    new Intl.NumberFormat(lang === 'es' ? 'es-MX' : 'en-US', {
      minimumFractionDigits: 1,
      maximumFractionDigits: 2,
    }).format(n);
  return (
    <section className="dashboard-panel is-wide" aria-labelledby="ratings-title" data-panel="ratings">
      <h2 id="ratings-title">{t('dashboard.ratings.title')}</h2>
      {r.count === 0 || r.average === null ? (
        <EmptyState title={t('dashboard.ratings.empty')} />
      ) : (
        <>
          <p className="dashboard-summary">
            {t('dashboard.ratings.summary', { average: average(r.average), count: r.count })}
          </p>
          <table className="staff-table">
            <caption>{t('dashboard.ratings.byProvider')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('dashboard.ratings.provider')}</th>
                <th scope="col">{t('dashboard.ratings.average')}</th>
                <th scope="col">{t('dashboard.ratings.count')}</th>
              </tr>
            </thead>
            <tbody>
              {r.byProvider.map((p) => (
                <tr key={p.providerId}>
                  <th scope="row">{p.name}</th>
                  <td data-testid="provider-average">{average(p.average)}</td>
                  <td>{p.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t('dashboard.ratings.low')}</h3>
          {r.low.length === 0 ? (
            <p>{t('dashboard.ratings.noLow')}</p>
          ) : (
            <ul className="dashboard-low-ratings">
              {r.low.map((l) => (
                <li key={l.caseId}>
                  <Link className="mono" to={`/console/casos/${l.caseId}`}>
                    {l.caseNumber}
                  </Link>{' '}
                  · {l.providerName} · {t('dashboard.ratings.score', { score: l.score })} ·{' '}
                  {formatDateTime(l.ratedAt, lang)}
                  <p>{l.comment ?? t('dashboard.ratings.noComment')}</p>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
