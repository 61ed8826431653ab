import { Link } from 'react-router';
import { type PlanService, problemText } from '../../api.ts';
import { isOpen, serviceName, stateTone, stateWord, useCases } from '../../cases/case-data.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { DateTime } from '../../ui/DateTime.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';

// The signed-in person's requests (the API lists only theirs): the assistance page and a beneficiary's home.

/** A case still going on, at the top: the customer probably came back to follow it. */
export function OpenCases({ services }: { services: PlanService[] | undefined }) {
  const { t, lang } = useI18n();
  const cases = useCases();
  const open = (cases.data?.data ?? []).filter((c) => isOpen(c.state));
  if (open.length === 0) return null;
  return (
    <aside className="open-cases" aria-labelledby="open-cases-heading">
      <h2 id="open-cases-heading">{t('assistance.open.heading')}</h2>
      <ul>
        {open.map((c) => (
          <li key={c.id}>
            <Link to={`/app/casos/${c.id}`}>
              {serviceName(services, c.serviceCode, lang)} <span className="number">{c.number}</span>
            </Link>{' '}
            <StatusBadge tone={stateTone(c.state)}>{stateWord(t, c, lang)}</StatusBadge>
          </li>
        ))}
      </ul>
    </aside>
  );
}

export function MyCases({ services }: { services: PlanService[] | undefined }) {
  const { t, lang } = useI18n();
  const cases = useCases();
  return (
    <QueryView
      query={cases}
      loading={t('assistance.mine.loading')}
      errorTitle={t('assistance.mine.error')}
      errorDetail={(error) => problemText(error, t('state.error.network'))}
      isEmpty={(data) => data.data.length === 0}
      empty={
        <EmptyState title={t('assistance.mine.empty')}>
          <p>{t('assistance.mine.emptyBody')}</p>
        </EmptyState>
      }
    >
      {(data) => (
        <ul className="case-list" data-testid="my-cases">
          {data.data.map((c) => (
            <li key={c.id} className="case-card">
              <p className="case-card-title">
                <Link to={`/app/casos/${c.id}`}>{serviceName(services, c.serviceCode, lang)}</Link>
              </p>
              <p className="case-card-meta">
                <span className="number">{c.number}</span> · {c.person.name}
              </p>
              <p className="case-card-meta">
                <StatusBadge tone={stateTone(c.state)}>{stateWord(t, c, lang)}</StatusBadge>{' '}
                <DateTime value={c.requestedAt} />
              </p>
            </li>
          ))}
        </ul>
      )}
    </QueryView>
  );
}
