import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiProblem, api } from '../../api.ts';
import { ReasonList } from '../../cases/EligibilityAnswer.tsx';
import type { Cancellation } from '../../members/membership.ts';
import { useStaffI18n } from '../../staff/i18n.ts';
import { Button } from '../../ui/Button.tsx';
import { DateTime } from '../../ui/DateTime.tsx';
import { Dialog, DialogActions } from '../../ui/Dialog.tsx';
import { Field, FormError } from '../../ui/Field.tsx';
import { Money } from '../../ui/Money.tsx';
import { ErrorState, LoadingState } from '../../ui/States.tsx';
import { memberKey, problemWords, useCancellationPreview } from './data.ts';

/**
 * A cancellation by phone: what it would do — the 30-day refund decision with its reasons, when
 * coverage ends — and the line's hours (saying so when it is now outside them: the cancellation is
 * taken and flagged, never refused), then the member's reason and the agent's confirmation.
 */
export function CancelMembershipDialog({
  open,
  membershipId,
  onClose,
  onCancelled,
}: {
  open: boolean;
  membershipId: string;
  onClose: () => void;
  onCancelled: (number: string) => void;
}) {
  const { t, lang } = useStaffI18n();
  const queryClient = useQueryClient();
  const preview = useCancellationPreview(membershipId, open);
  const [reason, setReason] = useState('');
  const [missingReason, setMissingReason] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [sending, setSending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    if (reason.trim().length === 0) {
      setMissingReason(true);
      return;
    }
    setSending(true);
    try {
      const done = await api<Cancellation>('POST', `/v1/memberships/${membershipId}/cancellation`, {
        lang,
        body: { reason: reason.trim() },
      });
      void queryClient.invalidateQueries({ queryKey: memberKey(membershipId) });
      void queryClient.invalidateQueries({ queryKey: ['staff', 'membership-events', membershipId] });
      void queryClient.invalidateQueries({ queryKey: ['charges', membershipId] });
      onCancelled(done.confirmationNumber);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined));
    } finally {
      setSending(false);
    }
  }

  const p = preview.data;
  return (
    <Dialog open={open} onClose={onClose} title={t('agent.cancel.title')}>
      {preview.isPending ? (
        <LoadingState label={t('agent.cancel.loading')} />
      ) : preview.isError ? (
        <ErrorState
          title={t('agent.cancel.error')}
          detail={problemWords(preview.error, t('agent.error.network'))}
          onRetry={() => void preview.refetch()}
        />
      ) : p ? (
        <form onSubmit={submit} noValidate className="agent-form" data-testid="cancel-preview">
          <FormError message={problem ? problemWords(problem, t('agent.error.network')) : undefined} />
          <div className={`agent-line ${p.cancellationLine.openNow ? '' : 'agent-line-closed'}`}>
            <p>
              <strong>{t('agent.cancel.hours')}</strong> {p.cancellationLine.hours[lang]}
            </p>
            {!p.cancellationLine.openNow && <p role="alert">{t('agent.cancel.outsideHours')}</p>}
          </div>
          {p.refund && (
            <div className="agent-refund">
              <p>
                <strong>
                  {p.refund.eligible ? t('agent.cancel.refundYes') : t('agent.cancel.refundNo')}
                </strong>{' '}
                {p.refund.eligible && <Money centavos={p.refund.amountCentavos} />}
              </p>
              <ReasonList reasons={p.refund.reasons} />
            </div>
          )}
          <p>
            {t('agent.cancel.coverageEnds')} <DateTime value={p.coverageEndsAt} />
          </p>
          <Field
            label={t('agent.cancel.reason')}
            hint={t('agent.cancel.reasonHint')}
            error={missingReason ? t('agent.cancel.reasonMissing') : undefined}
          >
            <textarea
              rows={3}
              maxLength={500}
              value={reason}
              onChange={(e) => {
                setReason(e.target.value);
                setMissingReason(false);
              }}
            />
          </Field>
          <DialogActions>
            <Button type="submit" disabled={sending || !p.cancellable}>
              {sending ? t('agent.sending') : t('agent.cancel.confirm')}
            </Button>
            <Button variant="secondary" onClick={onClose} data-autofocus>
              {t('agent.cancel.keep')}
            </Button>
          </DialogActions>
        </form>
      ) : null}
    </Dialog>
  );
}
