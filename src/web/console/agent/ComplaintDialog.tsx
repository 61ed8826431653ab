import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { type ApiProblem, api, newIdempotencyKey, problemText } from '../../api.ts';
import { useStaffI18n } from '../../staff/i18n.ts';
import { caseStateWords } from '../../staff/words.ts';
import { Field } from '../../ui/Field.tsx';
import { FormDialog } from '../../ui/FormDialog.tsx';
import { type Complaint, memberComplaintsKey, useMemberCases } from './data.ts';

/** The categories POST /v1/complaints takes (complaints/lifecycle.ts), in the order agents pick them. */
const CATEGORIES = ['service_quality', 'provider_conduct', 'charge', 'cancellation', 'data_privacy', 'other'];
const CHANNELS = ['phone', 'email', 'in_person'];

/**
 * A complaint taken during the call (POST /v1/complaints): category, how it came in, the case it
 * is about if any, and the member's words. One Idempotency-Key per complaint: sending again after
 * a lost answer files it once.
 */
export function ComplaintDialog({
  open,
  membershipId,
  onClose,
  onFiled,
}: {
  open: boolean;
  membershipId: string;
  onClose: () => void;
  onFiled: (number: string) => void;
}) {
  const { t, tOr, lang } = useStaffI18n();
  const queryClient = useQueryClient();
  const cases = useMemberCases(membershipId);
  const [category, setCategory] = useState('service_quality');
  const [channel, setChannel] = useState('phone');
  const [caseId, setCaseId] = useState('');
  const [text, setText] = useState('');
  const [tooShort, setTooShort] = useState(false);
  const intent = useRef<{ key: string; body: string } | null>(null);

  async function send() {
    const body = {
      membershipId,
      category,
      channel,
      text: text.trim(),
      ...(caseId ? { caseId } : {}),
    };
    const serialised = JSON.stringify(body);
    if (intent.current?.body !== serialised) intent.current = { key: newIdempotencyKey(), body: serialised };
    const filed = await api<Complaint>('POST', '/v1/complaints', {
      lang,
      body,
      idempotencyKey: intent.current.key,
    });
    void queryClient.invalidateQueries({ queryKey: memberComplaintsKey(membershipId) });
    setText('');
    setCaseId('');
    intent.current = null;
    onFiled(filed.number);
  }

  const textError = (problem: ApiProblem | null) =>
    tooShort
      ? t('agent.complaint.textShort')
      : problem?.fieldMessage('text')
        ? (problem.detail ?? problem.fieldMessage('text'))
        : undefined;

  return (
    <FormDialog
      open={open}
      onClose={onClose}
      title={t('agent.complaint.title')}
      formClassName="agent-form"
      message={(problem) =>
        problem && !problem.fieldMessage('text') ? problemText(problem, t('agent.error.network')) : undefined
      }
      submitLabel={t('agent.complaint.submit')}
      sendingLabel={t('agent.sending')}
      cancelLabel={t('agent.close')}
      validate={() => {
        if (text.trim().length >= 10) return true;
        setTooShort(true);
        return false;
      }}
      onSubmit={send}
    >
      {(problem) => (
        <>
          <Field label={t('agent.complaint.category')}>
            <select value={category} onChange={(e) => setCategory(e.target.value)} data-autofocus>
              {CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {t(`agent.complaint.category.${c}` as 'agent.complaint.category.other')}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('agent.complaint.channel')}>
            <select value={channel} onChange={(e) => setChannel(e.target.value)}>
              {CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {t(`agent.complaint.channel.${c}` as 'agent.complaint.channel.phone')}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('agent.complaint.case')} hint={t('agent.complaint.caseHint')}>
            <select value={caseId} onChange={(e) => setCaseId(e.target.value)}>
              <option value="">{t('agent.complaint.noCase')}</option>
              {(cases.data ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.number} · {caseStateWords(c, tOr, lang)}
                </option>
              ))}
            </select>
          </Field>
          <Field
            label={t('agent.complaint.text')}
            hint={t('agent.complaint.textHint')}
            error={textError(problem)}
          >
            <textarea
              rows={4}
              maxLength={4000}
              value={text}
              onChange={(e) => {
                setText(e.target.value);
                setTooShort(false);
              }}
            />
          </Field>
        </>
      )}
    </FormDialog>
  );
}
