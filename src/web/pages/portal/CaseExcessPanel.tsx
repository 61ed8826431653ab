import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiProblem, api, problemText } from '../../api.ts';
import { CASES, type Case, caseKey } from '../../cases/case-data.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { Button } from '../../ui/Button.tsx';
import { Dialog, DialogActions } from '../../ui/Dialog.tsx';
import { FormError } from '../../ui/Field.tsx';
import { Money } from '../../ui/Money.tsx';

/** The tow's quote went over what is covered: the customer accepts the excess, or does not. */
export function ExcessPanel({ kase }: { kase: Case }) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const [sending, setSending] = useState<'accept' | 'reject' | null>(null);
  const [problem, setProblem] = useState<string | undefined>();
  const [confirmReject, setConfirmReject] = useState(false);

  async function answer(accept: boolean) {
    setSending(accept ? 'accept' : 'reject');
    setProblem(undefined);
    try {
      const updated = await api<Case>('POST', `/v1/cases/${kase.id}/excess-acceptance`, {
        lang,
        body: { accept },
      });
      queryClient.setQueryData(caseKey(kase.id), updated);
      void queryClient.invalidateQueries({ queryKey: CASES });
      setConfirmReject(false);
    } catch (error) {
      setProblem(problemText(error, t('state.error.network')));
      if (error instanceof ApiProblem && error.code === 'CASE_NO_EXCESS_PENDING')
        void queryClient.invalidateQueries({ queryKey: caseKey(kase.id) });
    } finally {
      setSending(null);
    }
  }

  const { quoteCentavos, coveredCentavos, excessCentavos } = kase.cost;
  return (
    <section className="panel panel-alert excess" aria-labelledby="excess-heading">
      <h2 id="excess-heading">{t('assistance.excess.heading')}</h2>
      <p>{t('assistance.excess.body')}</p>
      <dl className="facts excess-facts">
        {quoteCentavos !== null && (
          <div>
            <dt>{t('assistance.excess.quote')}</dt>
            <dd>
              <Money centavos={quoteCentavos} />
            </dd>
          </div>
        )}
        {coveredCentavos !== null && (
          <div>
            <dt>{t('assistance.excess.covered')}</dt>
            <dd>
              <Money centavos={coveredCentavos} />
            </dd>
          </div>
        )}
        {excessCentavos !== null && (
          <div className="excess-yours">
            <dt>{t('assistance.excess.yours')}</dt>
            <dd>
              <Money centavos={excessCentavos} />
            </dd>
          </div>
        )}
      </dl>
      <p className="muted">{t('assistance.excess.note')}</p>
      <FormError message={problem} />
      <div className="actions">
        <Button onClick={() => void answer(true)} disabled={sending !== null}>
          {sending === 'accept' ? t('assistance.excess.accepting') : t('assistance.excess.accept')}
        </Button>
        <Button variant="secondary" onClick={() => setConfirmReject(true)} disabled={sending !== null}>
          {t('assistance.excess.reject')}
        </Button>
      </div>
      <Dialog
        open={confirmReject}
        onClose={() => setConfirmReject(false)}
        title={t('assistance.excess.rejectTitle')}
      >
        <p>{t('assistance.excess.rejectBody')}</p>
        <FormError message={problem} />
        <DialogActions>
          <Button variant="secondary" data-autofocus onClick={() => setConfirmReject(false)}>
            {t('assistance.excess.rejectKeep')}
          </Button>
          <Button onClick={() => void answer(false)} disabled={sending !== null}>
            {sending === 'reject' ? t('assistance.excess.rejecting') : t('assistance.excess.rejectConfirm')}
          </Button>
        </DialogActions>
      </Dialog>
    </section>
  );
}
