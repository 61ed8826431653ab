import { problemText } from '../../api.ts';
import type { Case } from '../../cases/case-data.ts';
import { formatEta } from '../../cases/precision.ts';
import { formatPhone } from '../../i18n/format.ts';
import { useStaffI18n } from '../../staff/i18n.ts';
import { Button } from '../../ui/Button.tsx';
import { DataTable } from '../../ui/DataTable.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import type { Candidate, useCandidates } from '../agent/data.ts';
import { km, stateName } from '../agent/words.ts';
import type { Offer } from './DispatchNow.tsx';

/** The service's providers by distance and ETA: who can take it, the last offer each had, and assignment by hand. */
export function Candidates({
  place,
  query,
  offers,
  canAssign,
  onAssign,
}: {
  /** The case's place: distances are shown no finer than its precision. */
  place: Case['place'];
  query: ReturnType<typeof useCandidates>;
  offers: Offer[];
  canAssign: boolean;
  onAssign: (candidate: Candidate) => void;
}) {
  const { t, tc, tOr } = useStaffI18n();
  const distance = (value: number) =>
    place.precision === 'state' && place.stateCode
      ? t('agent.candidates.inState', { state: stateName(place.stateCode, tc) })
      : km(value, place.precision);
  const lastOffer = (providerId: string) => [...offers].reverse().find((o) => o.providerId === providerId);
  return (
    <QueryView
      query={query}
      loading={t('agent.candidates.loading')}
      errorTitle={t('agent.candidates.error')}
      errorDetail={(error) => problemText(error, t('agent.error.network'))}
      isEmpty={(data) => data.data.length === 0}
      empty={<EmptyState title={t('agent.candidates.none')} />}
    >
      {(data) => (
        <DataTable
          testId="candidates"
          rows={data.data}
          rowKey={(c) => c.providerId}
          columns={[
            {
              header: t('agent.col.provider'),
              cell: (c) => (
                <>
                  {c.name}
                  <span className="agent-sub mono">{formatPhone(c.phone)}</span>
                </>
              ),
            },
            { header: t('agent.col.distance'), cell: (c) => distance(c.distanceKm) },
            {
              header: t('agent.col.eta'),
              cell: (c) => t('agent.candidates.minutes', { minutes: formatEta(c.etaMinutes) }),
            },
            {
              header: t('agent.col.jobs'),
              cell: (c) => (
                <>
                  {c.activeJobs}/{c.capacity}
                </>
              ),
            },
            {
              header: t('agent.col.canTake'),
              cell: (c) => (
                <StatusBadge tone={c.canTake ? 'good' : 'neutral'}>
                  {c.canTake
                    ? t('agent.candidates.yes')
                    : !c.covers
                      ? t('agent.candidates.outside')
                      : !c.available
                        ? t('agent.candidates.unavailable')
                        : t('agent.candidates.full')}
                </StatusBadge>
              ),
            },
            {
              header: t('agent.col.offer'),
              cell: (c) => {
                const offer = lastOffer(c.providerId);
                return offer ? tOr(`agent.offer.${offer.status}`, offer.status) : '—';
              },
            },
            canAssign && {
              header: <span className="visually-hidden">{t('agent.col.actions')}</span>,
              cell: (c) => (
                <Button variant="secondary" disabled={!c.canTake} onClick={() => onAssign(c)}>
                  {t('agent.candidates.assign')}
                  <span className="visually-hidden"> {c.name}</span>
                </Button>
              ),
            },
          ]}
        />
      )}
    </QueryView>
  );
}
