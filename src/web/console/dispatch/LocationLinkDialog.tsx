import type { Static } from '@sinclair/typebox';
import { useState } from 'react';
import type { LocationLinkCreated } from '../../../domains/cases/schemas.ts';
import { api, newIdempotencyKey, problemText } from '../../api.ts';
import type { Case } from '../../cases/case-data.ts';
import { formatPhone, formatTime } from '../../i18n/format.ts';
import { useStaffI18n } from '../../staff/i18n.ts';
import { Button } from '../../ui/Button.tsx';
import { DialogActions } from '../../ui/Dialog.tsx';
import { Field } from '../../ui/Field.tsx';
import { FormDialog } from '../../ui/FormDialog.tsx';
import { LoadingState } from '../../ui/States.tsx';
import { useMember } from '../agent/data.ts';
import { useDetailsCleared } from '../agent/VerificationGate.tsx';

type Created = Static<typeof LocationLinkCreated>;

/** `+523312345678` or `3312345678` → `33 1234 5678`, as UI.md writes phones. */
const phoneWords = formatPhone;

/**
 * "Pedir ubicación por SMS": the agent texts whoever is calling a one-time link that shares their
 * phone's position (the titular's mobile by default; the caller may be someone else). The answer
 * says whether the SMS goes, and shows the link to read aloud or copy either way; the place
 * arrives on the case live.
 */
export function LocationLinkDialog({
  open,
  kase,
  onClose,
}: {
  open: boolean;
  kase: Case;
  onClose: () => void;
}) {
  const { t, lang } = useStaffI18n();
  // The titular's phone prefills the field once the caller is verified; before, the agent types it.
  const member = useMember(kase.membershipId, useDetailsCleared(kase.membershipId));
  const [phone, setPhone] = useState<string | undefined>(undefined);
  const [missing, setMissing] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);
  const [copied, setCopied] = useState<'yes' | 'byHand' | null>(null);
  // One intent, one key: a retry of the same send replays it instead of voiding the first link.
  const [intent, setIntent] = useState(newIdempotencyKey);
  const titular = member.data?.titular.phone;
  const value = phone ?? (titular ? phoneWords(titular) : '');

  const close = () => {
    setCreated(null);
    setCopied(null);
    setPhone(undefined);
    setIntent(newIdempotencyKey());
    onClose();
  };

  async function send() {
    const answer = await api<Created>('POST', `/v1/cases/${kase.id}/location-links`, {
      lang,
      body: { phone: value.trim() },
      idempotencyKey: intent,
    });
    setCreated(answer);
  }

  async function copy(url: string) {
    try {
      await navigator.clipboard.writeText(url);
      setCopied('yes');
    } catch {
      document.querySelector<HTMLInputElement>('#location-link-url')?.select();
      setCopied('byHand');
    }
  }

  const result = created && (
    <div className="agent-location" data-testid="location-link">
      <p role="status">
        {created.sms.delivery === 'will_send'
          ? t('agent.location.sent', { phone: phoneWords(created.phone) })
          : created.sms.delivery === 'undeliverable'
            ? t('agent.location.undeliverable')
            : t('agent.location.notConfigured')}{' '}
        {t('agent.location.expires', { time: formatTime(created.expiresAt) })}
      </p>
      <div className="field">
        <label htmlFor="location-link-url">{t('agent.location.link')}</label>
        <input id="location-link-url" className="mono" readOnly value={created.url} />
      </div>
      <p>
        <Button variant="secondary" onClick={() => void copy(created.url)}>
          {t('agent.location.copy')}
        </Button>{' '}
        <span role="status">
          {copied === 'yes'
            ? t('agent.location.copied')
            : copied === 'byHand'
              ? t('agent.location.copyByHand')
              : ''}
        </span>
      </p>
      <p className="muted">{t('agent.location.waiting')}</p>
      <DialogActions>
        <Button onClick={close} data-autofocus>
          {t('agent.location.done')}
        </Button>
        <Button
          variant="secondary"
          onClick={() => {
            setCreated(null);
            setCopied(null);
            setIntent(newIdempotencyKey());
          }}
        >
          {t('agent.location.another')}
        </Button>
      </DialogActions>
    </div>
  );

  return (
    <FormDialog
      open={open}
      onClose={close}
      title={t('agent.location.title')}
      formClassName="agent-form"
      intro={<p>{t('agent.location.intro')}</p>}
      message={(problem) =>
        problem && problem.code !== 'PHONE_INVALID'
          ? problemText(problem, t('agent.error.network'))
          : undefined
      }
      submitLabel={t('agent.location.submit')}
      sendingLabel={t('agent.sending')}
      cancelLabel={t('agent.location.keep')}
      replaceForm={
        result ||
        (member.isPending && phone === undefined ? (
          <LoadingState label={t('agent.location.loadingMember')} />
        ) : undefined)
      }
      validate={() => {
        if (value.replace(/\D/g, '').length >= 10) return true;
        setMissing(true);
        return false;
      }}
      onSubmit={send}
    >
      {(problem) => (
        <Field
          label={t('agent.location.phone')}
          hint={t('agent.location.phoneHint')}
          error={
            missing
              ? t('agent.location.phoneMissing')
              : problem?.code === 'PHONE_INVALID'
                ? problemText(problem, t('agent.error.network'))
                : undefined
          }
        >
          <input
            type="tel"
            inputMode="tel"
            autoComplete="off"
            maxLength={20}
            value={value}
            data-autofocus
            onChange={(e) => {
              setPhone(e.target.value);
              setMissing(false);
            }}
          />
        </Field>
      )}
    </FormDialog>
  );
}
