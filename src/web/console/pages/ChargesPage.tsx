import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, getJson, newIdempotencyKey } from '../../api.ts';
import { useSession } from '../../session.tsx';
import { useStaffI18n } from '../../staff/i18n.ts';
import { runSummaryWords } from '../../staff/words.ts';
import { Button } from '../../ui/Button.tsx';
import { DataTable } from '../../ui/DataTable.tsx';
import { DateTime } from '../../ui/DateTime.tsx';
import { Dialog, DialogActions } from '../../ui/Dialog.tsx';
import { Field } from '../../ui/Field.tsx';
import { Money } from '../../ui/Money.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { StatusBadge, type Tone } from '../../ui/StatusBadge.tsx';
import { Toast } from '../../ui/Toast.tsx';
import { ActionDialog, fieldError } from '../queues/ActionDialog.tsx';
import {
  ChargesFilters,
  ChargesTotals,
  type ChargeTotals,
  chargeFilterOf,
  chargeQueryOf,
} from '../queues/ChargesFilters.tsx';
import { type BillingRun, type Charge, pesosToCentavos, useProblemText } from '../queues/data.ts';
import { ChargeInvoice } from './ChargeInvoice.tsx';
import '../queues/queues.css';

const TONES: Record<string, Tone> = {
  succeeded: 'good',
  failed: 'alert',
  pending: 'pending',
  unknown: 'neutral',
};

/** `/console/cobros`: charges with their receipts, retries and refunds, and the billing runs. */
export default function ChargesPage() {
  const { t, lang } = useStaffI18n();
  const { user } = useSession();
  const problemText = useProblemText();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const filter = chargeFilterOf(params);
  const [before, setBefore] = useState<string[]>([]);
  const filterQuery = chargeQueryOf(filter);
  const query = new URLSearchParams(filterQuery);
  query.set('limit', '50');
  const cursor = before.at(-1);
  if (cursor) query.set('before', cursor);
  const charges = useQuery({
    queryKey: ['queues', 'charges', query.toString()],
    queryFn: () => getJson<{ data: Charge[]; totals: ChargeTotals }>(`/v1/charges?${query}`, lang),
  });
  const mayMoveMoney = user?.role === 'finance';
  const [receipt, setReceipt] = useState<Charge | null>(null);
  const [retrying, setRetrying] = useState<Charge | null>(null);
  const [refunding, setRefunding] = useState<{ charge: Charge; key: string } | null>(null);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [amountError, setAmountError] = useState<string | undefined>();
  const [toast, setToast] = useState<string | null>(null);

  const refresh = () => queryClient.invalidateQueries({ queryKey: ['queues', 'charges'] });

  async function refund() {
    if (!refunding) return;
    setAmountError(undefined);
    const centavos = amount.trim() ? pesosToCentavos(amount) : undefined;
    if (amount.trim() && centavos === undefined) {
      setAmountError(t('queues.charges.refund.amountInvalid'));
      throw new Error('amount');
    }
    await api('POST', `/v1/charges/${refunding.charge.id}/refunds`, {
      lang,
      idempotencyKey: refunding.key,
      body: { ...(centavos ? { amountCentavos: centavos } : {}), reason },
    });
    setToast(t('queues.charges.refund.done', { number: refunding.charge.membershipNumber }));
    await refresh();
  }

  const rows = charges.data?.data ?? [];
  return (
    <section aria-labelledby="page-heading" className="queues-page">
      <div className="queues-head">
        <h1 id="page-heading">{t('staff.nav.charges')}</h1>
      </div>
      <ChargesFilters
        key={params.toString()}
        filter={filter}
        params={params}
        setParams={setParams}
        onApply={() => setBefore([])}
      />
      {charges.data && (
        <ChargesTotals totals={charges.data.totals} csvHref={`/v1/charges/export?${filterQuery}`} />
      )}
      <QueryView
        query={charges}
        loading={t('staff.loading')}
        errorTitle={t('staff.error.title')}
        errorDetail={(error) => problemText(error)}
        isEmpty={() => rows.length === 0}
        empty={<EmptyState title={t('queues.charges.empty')} />}
      >
        {() => (
          <div className="queues-scroll">
            <DataTable
              caption={t('queues.charges.caption', { count: rows.length })}
              rows={rows}
              rowKey={(c) => c.id}
              rowClassName={(c) => (c.status === 'failed' ? 'is-late' : undefined)}
              columns={[
                {
                  header: t('queues.charges.member'),
                  cell: (c) => (
                    <Link className="mono" to={`/console/miembros/${c.membershipId}`}>
                      {c.membershipNumber}
                    </Link>
                  ),
                },
                { header: t('queues.charges.period'), cell: (c) => c.period.label[lang] },
                {
                  header: t('queues.charges.total'),
                  cell: (c) => <Money centavos={c.amount.totalCentavos} />,
                },
                {
                  header: t('queues.charges.status'),
                  cell: (c) => (
                    <>
                      <StatusBadge tone={TONES[c.status] ?? 'neutral'}>{c.statusLabel[lang]}</StatusBadge>
                      {c.declineLabel && <span className="queues-target">{c.declineLabel[lang]}</span>}
                    </>
                  ),
                },
                {
                  header: t('queues.charges.card'),
                  cell: (c) => t('queues.charges.cardSummary', { brand: c.card.brand, last4: c.card.last4 }),
                },
                { header: t('queues.charges.attempts'), cell: (c) => c.attempts.length },
                {
                  header: t('queues.charges.refunded'),
                  cell: (c) =>
                    c.refundedCentavos > 0 ? <Money centavos={c.refundedCentavos} /> : t('queues.none'),
                },
                {
                  header: t('queues.actions'),
                  cell: (c) => (
                    <div className="queues-actions">
                      <Button
                        variant="secondary"
                        onClick={() => setReceipt(c)}
                        aria-label={t('queues.charges.details.aria', { number: c.membershipNumber })}
                      >
                        {t('queues.charges.details')}
                      </Button>
                      {mayMoveMoney && c.status === 'failed' && (
                        <Button
                          variant="secondary"
                          onClick={() => setRetrying(c)}
                          aria-label={t('queues.charges.retry.aria', { number: c.membershipNumber })}
                        >
                          {t('queues.charges.retry')}
                        </Button>
                      )}
                      {mayMoveMoney &&
                        c.status === 'succeeded' &&
                        c.refundedCentavos < c.amount.totalCentavos && (
                          <Button
                            variant="secondary"
                            onClick={() => {
                              setAmount('');
                              setReason('');
                              setAmountError(undefined);
                              setRefunding({ charge: c, key: newIdempotencyKey() });
                            }}
                            aria-label={t('queues.charges.refund.aria', { number: c.membershipNumber })}
                          >
                            {t('queues.charges.refund')}
                          </Button>
                        )}
                    </div>
                  ),
                },
              ]}
            />
          </div>
        )}
      </QueryView>
      <div className="queues-pager">
        {before.length > 0 && (
          <Button variant="secondary" onClick={() => setBefore(before.slice(0, -1))}>
            {t('queues.newer')}
          </Button>
        )}
        {rows.length === 50 && (
          <Button variant="secondary" onClick={() => setBefore([...before, rows.at(-1)?.id ?? ''])}>
            {t('queues.older')}
          </Button>
        )}
      </div>

      <BillingRuns mayStart={mayMoveMoney} onToast={setToast} />

      <Dialog
        open={receipt !== null}
        onClose={() => setReceipt(null)}
        title={receipt ? t('queues.charges.receipt.title', { number: receipt.membershipNumber }) : ''}
      >
        {receipt && <ChargeDetails charge={receipt} />}
        {receipt && <ChargeInvoice charge={receipt} />}
        <DialogActions>
          <Button variant="secondary" onClick={() => setReceipt(null)} data-autofocus>
            {t('queues.close')}
          </Button>
        </DialogActions>
      </Dialog>

      {retrying && (
        <ActionDialog
          open
          title={t('queues.charges.retry.title', { number: retrying.membershipNumber })}
          submitLabel={t('queues.charges.retry.submit')}
          onClose={() => setRetrying(null)}
          intro={
            <p>
              {t('queues.charges.retry.intro', { last4: retrying.card.last4 })}{' '}
              <Money centavos={retrying.amount.totalCentavos} />
            </p>
          }
          onSubmit={async () => {
            const after = await api<Charge>('POST', `/v1/charges/${retrying.id}/retry`, { lang });
            setToast(t(`queues.charges.retry.done.${after.status === 'succeeded' ? 'paid' : 'declined'}`));
            await refresh();
          }}
        />
      )}

      {refunding && (
        <ActionDialog
          open
          title={t('queues.charges.refund.title', { number: refunding.charge.membershipNumber })}
          submitLabel={t('queues.charges.refund.submit')}
          onClose={() => setRefunding(null)}
          onSubmit={refund}
          intro={
            <p>
              {t('queues.charges.refund.intro')}{' '}
              <Money centavos={refunding.charge.amount.totalCentavos - refunding.charge.refundedCentavos} />
            </p>
          }
        >
          {(problem) => (
            <>
              <Field
                label={t('queues.charges.refund.amount')}
                hint={t('queues.charges.refund.amountHint')}
                error={
                  amountError ??
                  fieldError(problem, 'amountCentavos', ['REFUND_EXCEEDS_CHARGE', 'CHARGE_NOT_REFUNDABLE'])
                }
              >
                <input inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
              </Field>
              <Field
                label={t('queues.charges.refund.reason')}
                hint={t('queues.charges.refund.reasonHint')}
                error={fieldError(problem, 'reason')}
              >
                <textarea value={reason} onChange={(e) => setReason(e.target.value)} />
              </Field>
            </>
          )}
        </ActionDialog>
      )}
      <Toast message={toast} onDismiss={() => setToast(null)} closeLabel={t('queues.close')} />
    </section>
  );
}

/** A charge's receipt data: base, IVA, total, card, period and every attempt. */
function ChargeDetails({ charge }: { charge: Charge }) {
  const { t, tOr, lang } = useStaffI18n();
  const amount = charge.receipt ?? charge.amount;
  return (
    <>
      <dl className="queues-grid">
        {charge.receipt && (
          <>
            <dt>{t('queues.charges.receipt.folio')}</dt>
            <dd className="mono">{charge.receipt.folio}</dd>
          </>
        )}
        <dt>{t('queues.charges.period')}</dt>
        <dd>{charge.period.label[lang]}</dd>
        <dt>{t('queues.charges.receipt.base')}</dt>
        <dd>
          <Money centavos={amount.baseCentavos} />
        </dd>
        <dt>{t('queues.charges.receipt.iva')}</dt>
        <dd>
          <Money centavos={amount.ivaCentavos} />
        </dd>
        <dt>{t('queues.charges.total')}</dt>
        <dd>
          <Money centavos={amount.totalCentavos} />
        </dd>
        <dt>{t('queues.charges.card')}</dt>
        <dd>
          {t('queues.charges.cardSummary', { brand: charge.card.brand, last4: charge.card.last4 })} ·{' '}
          {t(`queues.charges.method.${charge.method}`)}
        </dd>
        {charge.paidAt && (
          <>
            <dt>{t('queues.charges.paidAt')}</dt>
            <dd>
              <DateTime value={charge.paidAt} />
            </dd>
          </>
        )}
        {charge.refundedCentavos > 0 && (
          <>
            <dt>{t('queues.charges.refunded')}</dt>
            <dd>
              <Money centavos={charge.refundedCentavos} />
            </dd>
          </>
        )}
      </dl>
      {charge.receipt && (
        <p>
          <a href={`/v1/charges/${charge.id}/receipt.pdf`} download data-testid="receipt-pdf">
            {t('queues.charges.receipt.pdf')}
          </a>
        </p>
      )}
      <h3>{t('queues.charges.attempts')}</h3>
      {charge.attempts.length === 0 ? (
        <p className="muted">{t('queues.charges.noAttempts')}</p>
      ) : (
        <ul>
          {charge.attempts.map((a) => (
            <li key={a.number}>
              {t('queues.charges.attempt', {
                number: a.number,
                status: tOr(`staff.attempt.${a.status}`, a.status),
                last4: a.cardLast4,
              })}{' '}
              <DateTime value={a.at} />
              {a.declineCode && <span className="mono"> · {a.declineCode}</span>}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** The billing runs, newest first, and starting one now (finance). */
function BillingRuns({ mayStart, onToast }: { mayStart: boolean; onToast: (m: string) => void }) {
  const { t, tOr, lang } = useStaffI18n();
  const problemText = useProblemText();
  const queryClient = useQueryClient();
  const [starting, setStarting] = useState(false);
  const runs = useQuery({
    queryKey: ['queues', 'runs'],
    queryFn: () => getJson<{ data: BillingRun[] }>('/v1/billing/runs?limit=20', lang),
    refetchInterval: (q) => (q.state.data?.data.some((r) => r.status === 'running') ? 3000 : false),
  });
  return (
    <section aria-labelledby="runs-heading" className="queues-section">
      <div className="queues-head">
        <h2 id="runs-heading">{t('queues.runs.title')}</h2>
        {mayStart && <Button onClick={() => setStarting(true)}>{t('queues.runs.start')}</Button>}
      </div>
      <QueryView
        query={runs}
        loading={t('staff.loading')}
        errorTitle={t('staff.error.title')}
        errorDetail={(error) => problemText(error)}
        isEmpty={(data) => data.data.length === 0}
        empty={<EmptyState title={t('queues.runs.empty')} />}
      >
        {(data) => (
          <div className="queues-scroll">
            <DataTable
              rows={data.data}
              rowKey={(r) => r.id}
              rowClassName={(r) =>
                r.status === 'completed' || r.status === 'running' ? undefined : 'is-late'
              }
              columns={[
                {
                  header: t('queues.runs.at'),
                  cell: (r) => <DateTime value={r.at} />,
                },
                {
                  header: t('queues.runs.trigger'),
                  cell: (r) => tOr(`staff.run.trigger.${r.trigger}`, r.trigger),
                },
                {
                  header: t('queues.runs.status'),
                  cell: (r) => (
                    <>
                      <StatusBadge
                        tone={
                          r.status === 'completed' ? 'good' : r.status === 'running' ? 'pending' : 'alert'
                        }
                      >
                        {t(`queues.runs.status.${r.status}`)}
                      </StatusBadge>
                      {r.error && <span className="queues-target">{r.error}</span>}
                    </>
                  ),
                },
                {
                  header: t('queues.runs.summary'),
                  // What happened, in words, not every counter at zero.
                  cell: (r) => runSummaryWords(r.summary, tOr) || t('queues.none'),
                },
                {
                  header: t('queues.runs.finished'),
                  cell: (r) => (r.finishedAt ? <DateTime value={r.finishedAt} /> : t('queues.none')),
                },
              ]}
            />
          </div>
        )}
      </QueryView>
      {starting && (
        <ActionDialog
          open
          title={t('queues.runs.start.title')}
          submitLabel={t('queues.runs.start.submit')}
          intro={<p>{t('queues.runs.start.intro')}</p>}
          onClose={() => setStarting(false)}
          onSubmit={async () => {
            await api('POST', '/v1/billing/runs', { lang, body: {} });
            onToast(t('queues.runs.started'));
            await queryClient.invalidateQueries({ queryKey: ['queues'] });
          }}
        />
      )}
    </section>
  );
}
