import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiProblem, api } from '../../api.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import type { Person } from '../../members/membership.ts';
import { Button } from '../../ui/Button.tsx';
import { Field, FormError } from '../../ui/Field.tsx';

/** Of age in whole years at today's date in the browser; the server decides by its own clock. */
export function isAdult(birthDate: string | null | undefined, today = new Date()): boolean {
  if (!birthDate) return false;
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const had = today.getMonth() + 1 > m || (today.getMonth() + 1 === m && today.getDate() >= d);
  return today.getFullYear() - y - (had ? 0 : 1) >= 18;
}

/**
 * "Invitar": the titular sends an adult on the membership a one-time link to an account of their
 * own. Inline in the person's card; the answer says where it went (masked).
 */
export function InvitePerson({
  person,
  membershipId,
  label = 'portal.people.invite',
  onSent,
}: {
  person: Person;
  membershipId: string;
  /** The button's words: "Invitar", "Reenviar invitación", "Invitar de nuevo". */
  label?: MessageKey;
  onSent: (notice: string) => void;
}) {
  const { t, lang } = useI18n();
  const [open, setOpen] = useState(false);
  const [email, setEmail] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [sending, setSending] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (open) input.current?.focus();
  }, [open]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSending(true);
    setProblem(null);
    try {
      const sent = await api<{ sentTo: string }>(
        'POST',
        `/v1/memberships/${membershipId}/beneficiaries/${person.id}/invitations`,
        { lang, body: { email: email.trim() } },
      );
      onSent(t('portal.people.invite.sent', { name: person.fullName, to: sent.sentTo }));
      setOpen(false);
      setEmail('');
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined));
    } finally {
      setSending(false);
    }
  }

  if (!open) {
    return (
      <Button variant="secondary" onClick={() => setOpen(true)}>
        {t(label)}
        <span className="visually-hidden">
          {' '}
          {label === 'portal.access.resend'
            ? t('portal.access.who', { name: person.fullName })
            : t('portal.people.inviteWho', { name: person.fullName })}
        </span>
      </Button>
    );
  }
  const formMessage =
    problem && problem.fields.length === 0 ? (problem.detail ?? t('state.error.network')) : undefined;
  return (
    <form className="confirm" onSubmit={submit} noValidate>
      <p>{t('portal.people.invite.intro', { name: person.fullName })}</p>
      <FormError message={formMessage} />
      <Field
        label={t('portal.people.invite.email', { name: person.fullName })}
        error={problem?.fieldMessage('email')}
      >
        <input
          ref={input}
          type="email"
          autoComplete="off"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </Field>
      <div className="actions">
        <Button type="submit" disabled={sending}>
          {sending ? t('portal.people.invite.sending') : t('portal.people.invite.send')}
        </Button>
        <Button variant="secondary" onClick={() => setOpen(false)} disabled={sending}>
          {t('portal.people.confirmNo')}
        </Button>
      </div>
    </form>
  );
}
