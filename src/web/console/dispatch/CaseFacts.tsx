import { Link } from 'react-router';
import type { Case } from '../../cases/case-data.ts';
import { caseDetails, vehicleText } from '../../cases/case-facts.ts';
import { FactList } from '../../cases/FactList.tsx';
import { approxOf } from '../../cases/precision.ts';
import { useStaffI18n } from '../../staff/i18n.ts';
import { DateTime } from '../../ui/DateTime.tsx';
import { Money } from '../../ui/Money.tsx';
import { stateName } from '../agent/words.ts';

/** The case as the agent reads it on the board: who, where (with the point), what, and the SLA's clocks. */
export function CaseFacts({ kase }: { kase: Case }) {
  const { t, tc, tOr } = useStaffI18n();
  const { precision, accuracyM } = kase.place;
  const approx = approxOf(kase.place, kase.place.stateCode ? stateName(kase.place.stateCode, tc) : null);
  const details = caseDetails(kase);
  const vehicle = vehicleText(details);
  const late = (clock: 'dispatch' | 'arrival') => kase.sla.breached.includes(clock);
  return (
    <FactList
      className="agent-dl"
      layout="flat"
      facts={[
        {
          key: 'person',
          label: t('agent.case.person'),
          value: (
            <>
              <Link to={`/console/miembros/${kase.membershipId}`}>{kase.person.name}</Link>
              {kase.person.id !== 'titular' && (
                <span className="agent-sub">{t('agent.case.beneficiary')}</span>
              )}
            </>
          ),
        },
        {
          key: 'place',
          label: t('agent.case.place'),
          value: (
            <>
              {kase.place.address}
              {kase.place.stateCode && !kase.place.address.endsWith(stateName(kase.place.stateCode, tc)) && (
                <>, {stateName(kase.place.stateCode, tc)}</>
              )}
              <span className="agent-sub mono">
                {kase.place.lat.toFixed(5)}, {kase.place.lng.toFixed(5)}
              </span>
              <span className="agent-sub" data-testid="place-precision">
                {tOr(`agent.place.precision.${precision ?? 'unknown'}`, precision ?? '')}
                {accuracyM !== null && ` · ${t('agent.place.accuracy', { metres: accuracyM })}`}
              </span>
              {approx && (
                <span className="agent-sub" data-testid="place-approx">
                  {t(`agent.place.approx.${approx.words}`, approx.params)}
                </span>
              )}
            </>
          ),
        },
        { key: 'description', label: t('agent.case.description'), value: kase.description },
        !!vehicle && { key: 'vehicle', label: t('agent.case.vehicle'), value: vehicle },
        !!details.destination?.address && {
          key: 'destination',
          label: t('agent.case.destination'),
          value: details.destination.address,
        },
        !!details.specialty && {
          key: 'specialty',
          label: t('agent.new.specialty'),
          value: details.specialty,
        },
        details.estimatedCostCentavos !== undefined && {
          key: 'estimate',
          label: t('agent.new.estimate'),
          value: <Money centavos={details.estimatedCostCentavos} />,
        },
        { key: 'requested', label: t('agent.case.requested'), value: <DateTime value={kase.requestedAt} /> },
        !!kase.sla.dispatchDueAt && {
          key: 'slaDispatch',
          label: t('agent.case.slaDispatch'),
          valueClassName: late('dispatch') ? 'agent-late' : undefined,
          value: (
            <>
              <DateTime value={kase.sla.dispatchDueAt} />
              {late('dispatch') && ` · ${t('agent.case.late')}`}
            </>
          ),
        },
        !!kase.sla.arrivalDueAt && {
          key: 'slaArrival',
          label: t('agent.case.slaArrival'),
          valueClassName: late('arrival') ? 'agent-late' : undefined,
          value: (
            <>
              <DateTime value={kase.sla.arrivalDueAt} />
              {late('arrival') && ` · ${t('agent.case.late')}`}
            </>
          ),
        },
        !!kase.unit && {
          key: 'unit',
          label: t('agent.case.unit'),
          value: t('agent.case.unitValue', {
            driver: kase.unit.driverName,
            vehicle: kase.unit.vehicle,
            plates: kase.unit.plates,
          }),
        },
        !!kase.rating && {
          key: 'rating',
          label: t('agent.case.rating'),
          value: (
            <>
              {t('agent.case.ratingValue', { score: kase.rating.score })}
              {kase.rating.comment && <span className="agent-sub">{kase.rating.comment}</span>}
            </>
          ),
        },
        !!kase.closeReason && {
          key: 'closeReason',
          label: t('agent.case.closeReason'),
          value: kase.closeReason,
        },
      ]}
    />
  );
}
