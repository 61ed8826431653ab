import { Link } from 'react-router';
import { formatDate } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { type Charge, useCharges } from '../../members/membership-data.ts';
import { DataTable } from '../../ui/DataTable.tsx';
import { DateTime } from '../../ui/DateTime.tsx';
import { Money } from '../../ui/Money.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { useMembership } from './outlet.ts';
import { problemDetail, usePlan } from './portal-data.ts';
import { chargeStatus, periodText, refundText } from './portal-words.ts';
import './portal.css';

/** `/app/cobros`: every charge, newest first, with its status in words, refunds and receipt. */
export default function ChargesPage() {
  const { t } = useI18n();
  const membership = useMembership();
  const charges = useCharges(membership.id);
  return (
    <>
      <h1>{t('portal.charges.heading')}</h1>
      <QueryView
        query={charges}
        loading={t('portal.charges.loading')}
        errorTitle={t('portal.charges.error')}
        errorDetail={(error) => problemDetail(error, t)}
        isEmpty={(data) => data.length === 0}
        empty={<NoChargesYet />}
      >
        {(data) => <ChargesTable charges={data} />}
      </QueryView>
    </>
  );
}

/** During the free months: when the first charge comes, and how much. */
function NoChargesYet() {
  const { t, lang } = useI18n();
  const membership = useMembership();
  const plan = usePlan(membership.plan.code);
  const price =
    plan.data && plan.data.version === membership.plan.version ? plan.data.price.totalCentavos : undefined;
  const first = membership.state === 'trial' && membership.nextChargeOn;
  return (
    <EmptyState title={t('portal.charges.empty')}>
      {first && membership.nextChargeOn ? (
        <>
          <p>{t('portal.charges.firstCharge', { date: formatDate(membership.nextChargeOn, lang) })}</p>
          {price !== undefined && (
            <p>
              {t('portal.charges.firstAmount')} <Money centavos={price} ivaIncluded />
            </p>
          )}
        </>
      ) : (
        <p>{t('portal.charges.emptyOther')}</p>
      )}
    </EmptyState>
  );
}

function ChargesTable({ charges }: { charges: Charge[] }) {
  const { t, lang } = useI18n();
  const period = (charge: Charge) => periodText(charge.period, lang, t);
  return (
    <DataTable
      className="table"
      testId="charges"
      caption={t('portal.charges.caption')}
      captionVisible
      rows={charges}
      rowKey={(charge) => charge.id}
      columns={[
        {
          header: t('portal.charges.period'),
          label: t('portal.charges.period'),
          rowHeader: true,
          cell: period,
        },
        {
          header: t('portal.charges.date'),
          label: t('portal.charges.date'),
          cell: (charge) => {
            const lastAttempt = charge.attempts[charge.attempts.length - 1]?.at;
            return <DateTime value={charge.paidAt ?? lastAttempt ?? charge.createdAt} />;
          },
        },
        {
          header: t('portal.charges.amount'),
          label: t('portal.charges.amount'),
          cell: (charge) => <Money centavos={charge.amount.totalCentavos} ivaIncluded />,
        },
        {
          header: t('portal.charges.status'),
          label: t('portal.charges.status'),
          cell: (charge) => {
            const status = chargeStatus(charge);
            return (
              <>
                <StatusBadge tone={status.tone}>{t(status.key)}</StatusBadge>
                {charge.status === 'failed' && charge.declineLabel && (
                  <span className="charge-note">{charge.declineLabel[lang]}</span>
                )}
                {charge.status === 'failed' && charge.retryAt && (
                  <span className="charge-note">
                    {t('portal.charge.retry', { date: formatDate(charge.retryAt, lang) })}
                  </span>
                )}
                {charge.refunds.map((refund) => (
                  <span key={refund.id} className="charge-note">
                    {refundText(refund, lang, t)}
                  </span>
                ))}
              </>
            );
          },
        },
        {
          header: t('portal.charges.receipt'),
          label: t('portal.charges.receipt'),
          cell: (charge) =>
            charge.receipt ? (
              <>
                <Link to={`/app/cobros/${charge.id}`}>
                  {t('portal.charges.viewReceipt')}
                  <span className="visually-hidden">
                    {' '}
                    {t('portal.charges.viewReceiptOf', { period: period(charge) })}
                  </span>
                </Link>{' '}
                ·{' '}
                <a href={`/v1/charges/${charge.id}/receipt.pdf`} download>
                  {t('portal.charges.receiptPdf')}
                  <span className="visually-hidden">
                    {' '}
                    {t('portal.charges.viewReceiptOf', { period: period(charge) })}
                  </span>
                </a>
              </>
            ) : (
              <span className="muted">{t('portal.charges.noReceipt')}</span>
            ),
        },
      ]}
    />
  );
}
