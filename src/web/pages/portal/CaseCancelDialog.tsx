import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api.ts';
import { CASES, type Case, caseKey } from '../../cases/case-data.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { Field } from '../../ui/Field.tsx';
import { FormDialog } from '../../ui/FormDialog.tsx';

const CANCEL_REASONS: MessageKey[] = [
  'assistance.cancel.reason.solved',
  'assistance.cancel.reason.late',
  'assistance.cancel.reason.mistake',
  'assistance.cancel.reason.other',
];

/** The customer calls off a request before the provider arrives, saying why (a reason and more words). */
export function CancelDialog({ kase, open, onClose }: { kase: Case; open: boolean; onClose: () => void }) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState<MessageKey>('assistance.cancel.reason.solved');
  const [more, setMore] = useState('');

  async function send() {
    const text = [t(reason), more.trim()].filter(Boolean).join(': ');
    const updated = await api<Case>('POST', `/v1/cases/${kase.id}/cancel`, {
      lang,
      body: { reason: text },
    });
    queryClient.setQueryData(caseKey(kase.id), updated);
    void queryClient.invalidateQueries({ queryKey: CASES });
    onClose();
  }

  return (
    <FormDialog
      open={open}
      onClose={onClose}
      title={t('assistance.cancel.title')}
      intro={<p>{t('assistance.cancel.body')}</p>}
      message={(problem) => (problem ? (problem.detail ?? t('state.error.network')) : undefined)}
      submitLabel={t('assistance.cancel.confirm')}
      sendingLabel={t('assistance.cancel.sending')}
      cancelLabel={t('assistance.cancel.keep')}
      cancelFirst
      focusCancel
      onSubmit={send}
    >
      <Field label={t('assistance.cancel.reason')}>
        <select value={reason} onChange={(e) => setReason(e.target.value as MessageKey)}>
          {CANCEL_REASONS.map((key) => (
            <option key={key} value={key}>
              {t(key)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('assistance.cancel.more')} hint={t('assistance.cancel.moreHint')}>
        <textarea rows={2} maxLength={400} value={more} onChange={(e) => setMore(e.target.value)} />
      </Field>
    </FormDialog>
  );
}
