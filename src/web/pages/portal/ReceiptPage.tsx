import { useParams } from 'react-router';
import { ApiProblem } from '../../api.ts';
import { type Translate, useI18n } from '../../i18n/i18n.tsx';
import { isMessageKey } from '../../i18n/messages.ts';
import type { Charge, Receipt } from '../../members/membership-data.ts';
import { Button } from '../../ui/Button.tsx';
import { DateTime } from '../../ui/DateTime.tsx';
import { Money } from '../../ui/Money.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../ui/States.tsx';
import { InvoicePanel } from './InvoicePanel.tsx';
import { useMembership } from './outlet.ts';
import { problemDetail, useCharge } from './portal-data.ts';
import { cardSummary, chargeStatus, periodText, refundText } from './portal-words.ts';
import './portal.css';

/** `/app/cobros/:chargeId`: a printable receipt — base, IVA, total, card, period and CFDI data. */
export default function ReceiptPage() {
  const { t } = useI18n();
  const { chargeId = '' } = useParams();
  const charge = useCharge(chargeId);

  if (charge.isPending) return <LoadingState label={t('portal.receipt.loading')} />;
  if (charge.isError) {
    // Someone else's charge answers 404 like one that does not exist: nothing of it is shown.
    if (charge.error instanceof ApiProblem && charge.error.status === 404)
      return (
        <>
          <h1>{t('portal.receipt.notFound')}</h1>
          <p>{t('portal.receipt.notFoundBody')}</p>
          <Button to="/app/cobros">{t('portal.receipt.back')}</Button>
        </>
      );
    return (
      <>
        <h1>{t('portal.receipt.heading')}</h1>
        <ErrorState
          title={t('portal.receipt.error')}
          detail={problemDetail(charge.error, t)}
          onRetry={() => void charge.refetch()}
        />
      </>
    );
  }
  if (!charge.data.receipt)
    return (
      <>
        <h1>{t('portal.receipt.heading')}</h1>
        <EmptyState title={t('portal.receipt.notPaid')}>
          <p>{t('portal.receipt.notPaidBody', { status: t(chargeStatus(charge.data).key) })}</p>
          <Button to="/app/cobros">{t('portal.receipt.back')}</Button>
        </EmptyState>
      </>
    );
  return <ReceiptView charge={charge.data} receipt={charge.data.receipt} />;
}

/** A CFDI catalogue code with its meaning (`04 · Tarjeta de crédito`), or the code alone. */
function code(value: string, t: Translate): string {
  const key = `portal.receipt.code.${value}`;
  return isMessageKey(key) ? t(key) : value;
}

function ReceiptView({ charge, receipt }: { charge: Charge; receipt: Receipt }) {
  const { t, lang } = useI18n();
  const membership = useMembership();
  const card = { ...receipt.card, type: charge.method === 'direct_debit' ? 'debit' : 'credit' };
  const cfdi = receipt.cfdi;
  return (
    <>
      <article className="receipt" aria-labelledby="receipt-heading" data-testid="receipt">
        <p className="receipt-brand">{t('site.title')}</p>
        <h1 id="receipt-heading">{t('portal.receipt.heading')}</h1>
        <dl className="facts facts-wide">
          <div>
            <dt>{t('portal.receipt.folio')}</dt>
            <dd className="number">{receipt.folio}</dd>
          </div>
          <div>
            <dt>{t('portal.receipt.issued')}</dt>
            <dd>
              <DateTime value={receipt.issuedAt} />
            </dd>
          </div>
          <div>
            <dt>{t('portal.receipt.membership')}</dt>
            <dd className="number">{charge.membershipNumber}</dd>
          </div>
          <div>
            <dt>{t('portal.receipt.titular')}</dt>
            <dd>{membership.titular.fullName}</dd>
          </div>
          <div>
            <dt>{t('portal.receipt.concept')}</dt>
            <dd>{receipt.description[lang]}</dd>
          </div>
          <div>
            <dt>{t('portal.receipt.period')}</dt>
            <dd>{periodText(receipt.period, lang, t)}</dd>
          </div>
        </dl>

        <h2>{t('portal.receipt.amounts')}</h2>
        <table className="amounts" data-testid="amounts">
          <tbody>
            <tr>
              <th scope="row">{t('portal.receipt.base')}</th>
              <td>
                <Money centavos={receipt.baseCentavos} />
              </td>
            </tr>
            <tr>
              <th scope="row">{t('portal.receipt.iva', { rate: receipt.ivaRatePercent })}</th>
              <td>
                <Money centavos={receipt.ivaCentavos} />
              </td>
            </tr>
            <tr>
              <th scope="row">{t('portal.receipt.total')}</th>
              <td>
                <Money centavos={receipt.totalCentavos} /> {receipt.currency}
              </td>
            </tr>
          </tbody>
        </table>

        <h2>{t('portal.receipt.payment')}</h2>
        <dl className="facts facts-wide">
          <div>
            <dt>{t('portal.receipt.card')}</dt>
            <dd>{cardSummary(card, t)}</dd>
          </div>
          <div>
            <dt>{t('portal.receipt.method')}</dt>
            <dd>{t(card.type === 'debit' ? 'portal.card.method.debit' : 'portal.card.method.credit')}</dd>
          </div>
          {charge.paidAt && (
            <div>
              <dt>{t('portal.receipt.paidAt')}</dt>
              <dd>
                <DateTime value={charge.paidAt} />
              </dd>
            </div>
          )}
        </dl>

        {charge.refunds.length > 0 && (
          <>
            <h2>{t('portal.receipt.refunds')}</h2>
            <ul>
              {charge.refunds.map((refund) => (
                <li key={refund.id}>
                  {refundText(refund, lang, t)}
                  {refund.reason && `: ${refund.reason}`}
                </li>
              ))}
            </ul>
          </>
        )}

        <h2>{t('portal.receipt.cfdi')}</h2>
        <dl className="facts facts-wide" data-testid="cfdi">
          <div>
            <dt>{t('portal.receipt.rfc')}</dt>
            <dd className="number">{cfdi.receiverRfc}</dd>
          </div>
          <div>
            <dt>{t('portal.receipt.receiverName')}</dt>
            <dd>{cfdi.receiverName}</dd>
          </div>
          <div>
            <dt>{t('portal.receipt.regime')}</dt>
            <dd>
              {cfdi.receiverFiscalRegime
                ? code(cfdi.receiverFiscalRegime, t)
                : t('portal.receipt.regimePending')}
            </dd>
          </div>
          <div>
            <dt>{t('portal.receipt.cfdiUse')}</dt>
            <dd>{code(cfdi.cfdiUse, t)}</dd>
          </div>
          <div>
            <dt>{t('portal.receipt.paymentForm')}</dt>
            <dd>{code(cfdi.paymentForm, t)}</dd>
          </div>
          <div>
            <dt>{t('portal.receipt.paymentMethod')}</dt>
            <dd>{code(cfdi.paymentMethod, t)}</dd>
          </div>
          <div>
            <dt>{t('portal.receipt.currency')}</dt>
            <dd>{code(cfdi.currency, t)}</dd>
          </div>
        </dl>
      </article>
      <InvoicePanel membershipId={charge.membershipId} chargeId={charge.id} />
      <div className="actions no-print">
        <Button onClick={() => window.print()}>{t('portal.receipt.print')}</Button>
        <Button href={`/v1/charges/${charge.id}/receipt.pdf`} variant="secondary" download>
          {t('portal.receipt.downloadPdf')}
        </Button>
        <Button to="/app/cobros" variant="secondary">
          {t('portal.receipt.back')}
        </Button>
      </div>
    </>
  );
}
