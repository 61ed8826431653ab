import type { Static } from '@sinclair/typebox';
import { type FormEvent, useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import type { InvitationAccepted } from '../../domains/activation/schemas.ts';
import { ApiProblem, api } from '../api.ts';
import { PHONE } from '../i18n/format.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { useSession } from '../session.tsx';
import { Button } from '../ui/Button.tsx';
import { Field, FormError } from '../ui/Field.tsx';

/**
 * `/invitacion/:token`: a beneficiary of age invited by the titular opens an account of their own
 * (email and password) and lands in the portal, signed in.
 */
export default function InvitationPage() {
  const { t, lang } = useI18n();
  const { token = '' } = useParams();
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [sending, setSending] = useState(false);

  useEffect(() => {
    document.title = `${t('invitation.heading')} · ${t('site.title')}`;
  }, [t]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSending(true);
    setProblem(null);
    try {
      const answer = await api<Static<typeof InvitationAccepted>>(
        'POST',
        `/v1/beneficiary-invitations/${encodeURIComponent(token)}/accept`,
        { lang, body: { email: email.trim(), password } },
      );
      signedIn(answer);
      navigate('/app', { replace: true });
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined));
    } finally {
      setSending(false);
    }
  }

  const closed = problem?.code === 'INVITATION_EXPIRED' || problem?.code === 'INVITATION_NOT_FOUND';
  const formMessage =
    problem && problem.fields.length === 0 ? (problem.detail ?? t('state.error.network')) : undefined;
  return (
    <section className="narrow" aria-labelledby="invitation-heading">
      <h1 id="invitation-heading">{t('invitation.heading')}</h1>
      <p>{t('invitation.intro')}</p>
      <form onSubmit={submit} noValidate>
        <FormError message={formMessage} />
        <Field label={t('invitation.email')} error={problem?.fieldMessage('email')}>
          <input
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </Field>
        <Field
          label={t('invitation.password')}
          hint={t('invitation.password.hint')}
          error={problem?.fieldMessage('password')}
        >
          <input
            type="password"
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <div className="actions">
          <Button type="submit" disabled={sending || closed}>
            {sending ? t('invitation.accepting') : t('invitation.accept')}
          </Button>
        </div>
      </form>
      <p>{t('activate.help', { phone: PHONE.display })}</p>
    </section>
  );
}
