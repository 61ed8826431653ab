import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { ApiProblem, api, getJson, problemText } from '../../api.ts';
import { PHONE_INTERNATIONAL } from '../../i18n/format.ts';
import { type Translate, useI18n } from '../../i18n/i18n.tsx';
import type { Cancellation, CancellationLine, Preview } from '../../members/membership.ts';
import { Button } from '../../ui/Button.tsx';
import { CoveredThrough, DateTime } from '../../ui/DateTime.tsx';
import { Dialog, DialogActions } from '../../ui/Dialog.tsx';
import { Field, FormError } from '../../ui/Field.tsx';
import { Money } from '../../ui/Money.tsx';
import { PhoneLink } from '../../ui/PhoneLink.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { previewKey } from './assistance-data.ts';
import './assistance.css';
import { ReasonList } from '../../cases/EligibilityAnswer.tsx';
import { MY_MEMBERSHIPS } from './membership.ts';
import { useMembership } from './outlet.ts';

/**
 * `/app/cancelar`: what cancelling now would do (coverage end, the 30-day refund and why), then a
 * confirmation, then the confirmation number. A membership contracted by phone or through the bank
 * is cancelled by phone: the line, its hours and the international number, never a dead end.
 */
export default function CancelPage() {
  const { t, lang } = useI18n();
  const membership = useMembership();
  const [done, setDone] = useState<Cancellation | null>(null);
  const [phoneOnly, setPhoneOnly] = useState<Line | null>(null);
  const preview = useQuery({
    queryKey: previewKey(membership.id),
    queryFn: () => getJson<Preview>(`/v1/memberships/${membership.id}/cancellation`, lang),
    staleTime: 0,
  });

  useEffect(() => {
    document.title = `${t('cancel.heading')} · ${t('site.title')}`;
  }, [t]);

  let body: React.ReactNode;
  if (done) body = <Done cancellation={done} />;
  else
    body = (
      <QueryView
        query={preview}
        loading={t('cancel.loading')}
        errorTitle={t('cancel.error')}
        errorDetail={(error) => problemText(error, t('state.error.network'))}
      >
        {(data) =>
          data.cancellation ? (
            <Done cancellation={data.cancellation} already />
          ) : !data.cancellable ? (
            <div className="panel">
              <p>{t('cancel.already')}</p>
            </div>
          ) : phoneOnly || !data.canCancelOnline ? (
            <ByPhone line={phoneOnly ?? data.cancellationLine} channel={membership.channel} />
          ) : (
            <Online preview={data} onDone={setDone} onPhoneOnly={setPhoneOnly} />
          )
        }
      </QueryView>
    );

  return (
    <div className="cancel">
      <h1>{t('cancel.heading')}</h1>
      <p className="lead">
        {t('cancel.membership')} <span className="number">{membership.number}</span> · {membership.plan.name}
      </p>
      {body}
    </div>
  );
}

/** The cancellation line: from the preview (with `openNow`), or from the API's refusal (without). */
type Line = Omit<CancellationLine, 'openNow'> & { openNow?: boolean };

function ByPhone({ line, channel }: { line: Line; channel: string }) {
  const { t, lang } = useI18n();
  const open = line.openNow;
  return (
    <section className="panel" aria-labelledby="by-phone-heading" data-testid="cancel-by-phone">
      <h2 id="by-phone-heading">{t('cancel.phone.heading')}</h2>
      <p>{channel === 'bank' ? t('cancel.phone.bank') : t('cancel.phone.phone')}</p>
      <p className="big-phone">
        <PhoneLink phone={{ display: line.phone, tel: `+52${line.phone.replace(/\D/g, '')}` }} />
      </p>
      <p>
        {t('cancel.phone.hours')} {line.hours[lang]}
      </p>
      {open !== undefined && (
        <p>
          <StatusBadge tone={open ? 'good' : 'neutral'}>
            {open ? t('cancel.phone.openNow') : t('cancel.phone.closedNow')}
          </StatusBadge>
        </p>
      )}
      <p>
        {t('cancel.phone.international')}{' '}
        <a href={`tel:${PHONE_INTERNATIONAL.tel}`} className="phone">
          {line.international}
        </a>
      </p>
      <p className="muted">{t('cancel.phone.free')}</p>
    </section>
  );
}

function Online({
  preview,
  onDone,
  onPhoneOnly,
}: {
  preview: Preview;
  onDone: (c: Cancellation) => void;
  onPhoneOnly: (line: Line) => void;
}) {
  const { t, lang } = useI18n();
  const membership = useMembership();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  const refund = preview.refund;
  const endsNow = refund?.eligible === true;

  async function cancel(event?: FormEvent) {
    event?.preventDefault();
    setSending(true);
    setProblem(undefined);
    try {
      const done = await api<Cancellation>('POST', `/v1/memberships/${membership.id}/cancellation`, {
        lang,
        body: reason.trim() ? { reason: reason.trim() } : {},
      });
      setConfirming(false);
      onDone(done);
      void queryClient.invalidateQueries({ queryKey: MY_MEMBERSHIPS });
      void queryClient.invalidateQueries({ queryKey: previewKey(membership.id) });
    } catch (error) {
      if (
        error instanceof ApiProblem &&
        error.code === 'CANCELLATION_BY_PHONE_ONLY' &&
        error.body.cancellationLine
      ) {
        setConfirming(false);
        onPhoneOnly(error.body.cancellationLine as Line);
        return;
      }
      setProblem(problemText(error, t('state.error.network')));
      if (error instanceof ApiProblem && error.code === 'MEMBERSHIP_CANCELLED')
        void queryClient.invalidateQueries({ queryKey: previewKey(membership.id) });
    } finally {
      setSending(false);
    }
  }

  return (
    <>
      <section className="panel" aria-labelledby="what-heading">
        <h2 id="what-heading">{t('cancel.what.heading')}</h2>
        <ul className="plain-list">
          <li>{t('cancel.what.free')}</li>
          <li>{t('cancel.what.noCharges')}</li>
          <li>
            {endsNow ? (
              t('cancel.what.endsNow')
            ) : (
              <>
                {t('cancel.what.coverageUntil')} <CoveredThrough end={preview.coverageEndsAt} />.
              </>
            )}
          </li>
        </ul>
      </section>

      {refund && (
        <section
          className={`panel ${refund.eligible ? 'panel-good' : ''}`}
          aria-labelledby="refund-heading"
          data-testid="refund"
        >
          <h2 id="refund-heading">{t('cancel.refund.heading')}</h2>
          <p className="verdict">
            {refund.eligible ? (
              refund.amountCentavos > 0 ? (
                <>
                  {t('cancel.refund.yes')} <Money centavos={refund.amountCentavos} />.
                </>
              ) : (
                t('cancel.refund.yesNothingPaid')
              )
            ) : (
              t('cancel.refund.no')
            )}
          </p>
          <ReasonList reasons={refund.reasons} />
        </section>
      )}

      <section className="panel" aria-labelledby="confirm-heading">
        <h2 id="confirm-heading">{t('cancel.form.heading')}</h2>
        <Field label={t('cancel.form.reason')} hint={t('cancel.form.reasonHint')}>
          <textarea rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
        </Field>
        <FormError message={confirming ? undefined : problem} />
        <div className="actions">
          <Button onClick={() => setConfirming(true)}>{t('cancel.form.open')}</Button>
          <Button variant="secondary" to="/app">
            {t('cancel.form.keep')}
          </Button>
        </div>
      </section>

      <Dialog open={confirming} onClose={() => setConfirming(false)} title={t('cancel.dialog.title')}>
        <form onSubmit={cancel}>
          <p>
            {endsNow ? (
              t('cancel.dialog.endsNow')
            ) : (
              <>
                {t('cancel.dialog.until')} <CoveredThrough end={preview.coverageEndsAt} />.
              </>
            )}
          </p>
          <p>
            {refund?.eligible && refund.amountCentavos > 0 ? (
              <>
                {t('cancel.dialog.refund')} <Money centavos={refund.amountCentavos} />.
              </>
            ) : (
              t('cancel.dialog.noRefund')
            )}
          </p>
          <FormError message={problem} />
          <DialogActions>
            <Button variant="secondary" data-autofocus onClick={() => setConfirming(false)}>
              {t('cancel.dialog.keep')}
            </Button>
            <Button type="submit" disabled={sending}>
              {sending ? t('cancel.dialog.sending') : t('cancel.dialog.confirm')}
            </Button>
          </DialogActions>
        </form>
      </Dialog>
    </>
  );
}

/**
 * What becomes of the confirmation, as the API forecasts it: "we will send it" only when a channel
 * will really take it; otherwise where the number stays (the account's messages). Coming back to an
 * old cancellation, the number's place is what is true whatever happened to the message since.
 */
function confirmationWords(
  confirmation: Cancellation['confirmation'],
  already: boolean,
  t: Translate,
): string {
  if (already || confirmation.delivery !== 'will_send') return t('cancel.done.keepNumber');
  const email = confirmation.channels.includes('email');
  const sms = confirmation.channels.includes('sms');
  if (email && sms) return t('cancel.done.willSend.both');
  return sms ? t('cancel.done.willSend.sms') : t('cancel.done.willSend.email');
}

function Done({ cancellation: c, already = false }: { cancellation: Cancellation; already?: boolean }) {
  const { t, lang } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  // Just cancelled: the news takes the focus (the dialog that had it is gone).
  useEffect(() => {
    if (!already) heading.current?.focus();
  }, [already]);
  const refundWords =
    c.refund.status === 'completed'
      ? t('cancel.done.refundCompleted')
      : c.refund.status === 'pending'
        ? t('cancel.done.refundPending')
        : t('cancel.done.refundNone');
  return (
    <section className="panel panel-good" aria-labelledby="done-heading" data-testid="cancel-done">
      <h2 id="done-heading" tabIndex={-1} ref={heading}>
        {already ? t('cancel.done.already') : t('cancel.done.heading')}
      </h2>
      <dl className="facts">
        <div>
          <dt>{t('cancel.done.number')}</dt>
          <dd className="number" data-testid="confirmation-number">
            {c.confirmationNumber}
          </dd>
        </div>
        <div>
          <dt>{t('cancel.done.at')}</dt>
          <dd>
            <DateTime value={c.cancelledAt} />
          </dd>
        </div>
        <div>
          <dt>{t('cancel.done.coverage')}</dt>
          <dd>
            <CoveredThrough end={c.coverageEndsAt} />
          </dd>
        </div>
        <div>
          <dt>{t('cancel.done.refund')}</dt>
          <dd>
            {c.refund.eligible && c.refund.amountCentavos > 0 ? (
              <>
                <Money centavos={c.refund.amountCentavos} /> · {refundWords}
              </>
            ) : (
              refundWords
            )}
          </dd>
        </div>
      </dl>
      {!c.refund.eligible && c.refund.reasons.length > 0 && (
        <ul className="reasons">
          {c.refund.reasons.map((r) => (
            <li key={r.code}>{r[lang]}</li>
          ))}
        </ul>
      )}
      <p className="muted" data-testid="confirmation-notice">
        {confirmationWords(c.confirmation, already, t)}
      </p>
      <p>
        <Link to="/app/cuenta#mensajes">{t('cancel.done.messagesLink')}</Link>
      </p>
    </section>
  );
}
