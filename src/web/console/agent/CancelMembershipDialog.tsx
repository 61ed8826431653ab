import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, problemText } from '../../api.ts';
import { ReasonList } from '../../cases/EligibilityAnswer.tsx';
import type { Cancellation } from '../../members/membership.ts';
import { useStaffI18n } from '../../staff/i18n.ts';
import { DateTime } from '../../ui/DateTime.tsx';
import { Field } from '../../ui/Field.tsx';
import { FormDialog } from '../../ui/FormDialog.tsx';
import { Money } from '../../ui/Money.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { memberKey, useCancellationPreview } from './data.ts';

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

  async function send() {
    const done = await api<Cancellation>('POST', `/v1/memberships/${membershipId}/cancellation`, {
      lang,
      body: { reason: reason.trim() },
    });
    void queryClient.invalidateQueries({ queryKey: memberKey(membershipId) });
    void queryClient.invalidateQueries({ queryKey: ['staff', 'membership-events', membershipId] });
    void queryClient.invalidateQueries({ queryKey: ['charges', membershipId] });
    onCancelled(done.confirmationNumber);
  }

  const p = preview.data;
  return (
    <FormDialog
      open={open}
      onClose={onClose}
      title={t('agent.cancel.title')}
      formClassName="agent-form"
      testId="cancel-preview"
      message={(problem) => (problem ? problemText(problem, t('agent.error.network')) : undefined)}
      submitLabel={t('agent.cancel.confirm')}
      sendingLabel={t('agent.sending')}
      cancelLabel={t('agent.cancel.keep')}
      submitDisabled={!p?.cancellable}
      focusCancel
      validate={() => {
        if (reason.trim().length > 0) return true;
        setMissingReason(true);
        return false;
      }}
      onSubmit={send}
      replaceForm={
        p && !preview.isPending && !preview.isError ? undefined : (
          <QueryView
            query={preview}
            loading={t('agent.cancel.loading')}
            errorTitle={t('agent.cancel.error')}
            errorDetail={(error) => problemText(error, t('agent.error.network'))}
          >
            {() => null}
          </QueryView>
        )
      }
    >
      {p && (
        <>
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
        </>
      )}
    </FormDialog>
  );
}
