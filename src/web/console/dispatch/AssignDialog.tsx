import { useLayoutEffect, useState } from 'react';
import { api, problemText } from '../../api.ts';
import type { Case } from '../../cases/case-data.ts';
import { formatEta } from '../../cases/precision.ts';
import { useStaffI18n } from '../../staff/i18n.ts';
import { Field } from '../../ui/Field.tsx';
import { FormDialog } from '../../ui/FormDialog.tsx';
import { type Candidate, centavosOf } from '../agent/data.ts';
import { km } from '../agent/words.ts';

/** Assignment by hand: a provider who can take it, the agent's reason, and the ETA or quote they gave by phone. */
export function AssignDialog({
  open,
  kase,
  candidates,
  initial,
  onClose,
  onDone,
}: {
  open: boolean;
  kase: Case;
  candidates: Candidate[];
  initial: Candidate | undefined;
  onClose: () => void;
  onDone: (next: Case) => void;
}) {
  const { t, lang } = useStaffI18n();
  const able = candidates.filter((c) => c.canTake);
  const [providerId, setProviderId] = useState('');
  const [reason, setReason] = useState('');
  const [eta, setEta] = useState('');
  const [quote, setQuote] = useState('');
  const [problems, setProblems] = useState<{ reason?: string; eta?: string; quote?: string }>({});
  const capped = kase.decision.cost?.kind === 'capped';

  // Only when the dialog opens: the list may refresh while the agent types. A layout effect, so the
  // dialog is never seen (nor read) with the first provider chosen before the row's provider is.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the choice is made once, on opening
  useLayoutEffect(() => {
    if (open) {
      setProviderId(initial?.providerId ?? able[0]?.providerId ?? '');
      setProblems({});
    }
  }, [open]);

  const etaMinutes = eta.trim() ? Number(eta) : undefined;
  const quoteCentavos = quote.trim() ? centavosOf(quote) : undefined;

  function validate(): boolean {
    const p: typeof problems = {};
    if (reason.trim().length < 3) p.reason = t('agent.assign.reasonMissing');
    if (etaMinutes !== undefined && !(Number.isInteger(etaMinutes) && etaMinutes >= 1 && etaMinutes <= 1440))
      p.eta = t('agent.assign.etaInvalid');
    if (capped && quoteCentavos === undefined) p.quote = t('agent.assign.quoteMissing');
    setProblems(p);
    return !Object.values(p).some(Boolean) && providerId !== '';
  }

  async function send() {
    const next = await api<Case>('POST', `/v1/cases/${kase.id}/assignment`, {
      lang,
      body: {
        providerId,
        reason: reason.trim(),
        ...(etaMinutes !== undefined ? { etaMinutes } : {}),
        ...(quoteCentavos !== undefined ? { quoteCentavos } : {}),
      },
    });
    setReason('');
    setEta('');
    setQuote('');
    onDone(next);
  }

  return (
    <FormDialog
      open={open}
      onClose={onClose}
      title={t('agent.assign.title', { number: kase.number })}
      formClassName="agent-form"
      message={(problem) => (problem ? problemText(problem, t('agent.error.network')) : undefined)}
      submitLabel={t('agent.assign.submit')}
      sendingLabel={t('agent.sending')}
      cancelLabel={t('agent.close')}
      submitDisabled={able.length === 0}
      validate={validate}
      onSubmit={send}
    >
      {able.length === 0 ? (
        <p>{t('agent.assign.nobody')}</p>
      ) : (
        <Field label={t('agent.assign.provider')}>
          <select value={providerId} onChange={(e) => setProviderId(e.target.value)}>
            {able.map((c) => (
              <option key={c.providerId} value={c.providerId}>
                {c.name} — {km(c.distanceKm, kase.place.precision)},{' '}
                {t('agent.candidates.minutes', { minutes: formatEta(c.etaMinutes) })}
              </option>
            ))}
          </select>
        </Field>
      )}
      <Field label={t('agent.assign.reason')} hint={t('agent.assign.reasonHint')} error={problems.reason}>
        <textarea
          rows={2}
          maxLength={500}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          data-autofocus
        />
      </Field>
      <div className="agent-row">
        <Field label={t('agent.assign.eta')} hint={t('agent.assign.etaHint')} error={problems.eta}>
          <input type="text" inputMode="numeric" value={eta} onChange={(e) => setEta(e.target.value)} />
        </Field>
        {capped && (
          <Field label={t('agent.assign.quote')} hint={t('agent.assign.quoteHint')} error={problems.quote}>
            <input type="text" inputMode="decimal" value={quote} onChange={(e) => setQuote(e.target.value)} />
          </Field>
        )}
      </div>
    </FormDialog>
  );
}
