import { useState } from 'react';
import { ApiProblem, api, problemText } from '../../api.ts';
import type { Case } from '../../cases/case-data.ts';
import { useStaffI18n } from '../../staff/i18n.ts';
import { Button } from '../../ui/Button.tsx';
import { Dialog, DialogActions } from '../../ui/Dialog.tsx';
import { Field, FormError } from '../../ui/Field.tsx';
import { FormDialog } from '../../ui/FormDialog.tsx';
import { Money } from '../../ui/Money.tsx';

/** The case called off on the caller's word, with the reason said. */
export function CancelCaseDialog({
  open,
  kase,
  onClose,
  onDone,
}: {
  open: boolean;
  kase: Case;
  onClose: () => void;
  onDone: (next: Case) => void;
}) {
  const { t, lang } = useStaffI18n();
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);

  async function send() {
    const next = await api<Case>('POST', `/v1/cases/${kase.id}/cancel`, {
      lang,
      body: { reason: reason.trim() },
    });
    setReason('');
    onDone(next);
  }

  return (
    <FormDialog
      open={open}
      onClose={onClose}
      title={t('agent.cancelCase.title', { number: kase.number })}
      formClassName="agent-form"
      message={(problem) => (problem ? problemText(problem, t('agent.error.network')) : undefined)}
      submitLabel={t('agent.cancelCase.submit')}
      sendingLabel={t('agent.sending')}
      cancelLabel={t('agent.cancelCase.keep')}
      focusCancel
      validate={() => {
        if (reason.trim().length >= 3) return true;
        setMissing(true);
        return false;
      }}
      onSubmit={send}
    >
      <p>{t('agent.cancelCase.body')}</p>
      <Field
        label={t('agent.cancelCase.reason')}
        error={missing ? t('agent.cancelCase.reasonMissing') : undefined}
      >
        <textarea
          rows={2}
          maxLength={500}
          value={reason}
          onChange={(e) => {
            setReason(e.target.value);
            setMissing(false);
          }}
        />
      </Field>
    </FormDialog>
  );
}

/** The tow's excess, read to the caller and accepted (or not) by phone. */
export function ExcessDialog({
  open,
  kase,
  onClose,
  onDone,
}: {
  open: boolean;
  kase: Case;
  onClose: () => void;
  onDone: (next: Case) => void;
}) {
  const { t, lang } = useStaffI18n();
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [sending, setSending] = useState(false);

  async function answer(accept: boolean) {
    setProblem(null);
    setSending(true);
    try {
      const next = await api<Case>('POST', `/v1/cases/${kase.id}/excess-acceptance`, {
        lang,
        body: { accept, note: accept ? t('agent.excess.noteYes') : t('agent.excess.noteNo') },
      });
      onDone(next);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined));
    } finally {
      setSending(false);
    }
  }

  return (
    <Dialog open={open} onClose={onClose} title={t('agent.excess.title')}>
      <FormError message={problem ? problemText(problem, t('agent.error.network')) : undefined} />
      <dl className="agent-dl">
        <dt>{t('agent.dispatch.quote')}</dt>
        <dd>
          <Money centavos={kase.cost.quoteCentavos ?? 0} />
        </dd>
        <dt>{t('agent.new.covered')}</dt>
        <dd>
          <Money centavos={kase.cost.coveredCentavos ?? 0} />
        </dd>
        <dt>{t('agent.new.excess')}</dt>
        <dd>
          <Money centavos={kase.cost.excessCentavos ?? 0} />
        </dd>
      </dl>
      <p>{t('agent.excess.read')}</p>
      <DialogActions>
        <Button onClick={() => void answer(true)} disabled={sending}>
          {t('agent.excess.accept')}
        </Button>
        <Button variant="secondary" onClick={() => void answer(false)} disabled={sending}>
          {t('agent.excess.reject')}
        </Button>
        <Button variant="secondary" onClick={onClose} data-autofocus>
          {t('agent.close')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
