import { type FormEvent, useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiProblem } from '../api.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { useSession } from '../session.tsx';
import { Button } from '../ui/Button.tsx';
import { Field, FormError } from '../ui/Field.tsx';

/** Only paths inside the portal: `next` comes from the address bar and must not send people away. */
function safeNext(next: string | null): string {
  return next?.startsWith('/app') ? next : '/app';
}

/** `/entrar`: email and password; back to the portal page that asked for it. */
export default function SignInPage() {
  const { t } = useI18n();
  const { user, signIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [sending, setSending] = useState(false);
  const next = safeNext(params.get('next'));

  useEffect(() => {
    document.title = `${t('signin.heading')} · ${t('site.title')}`;
  }, [t]);
  useEffect(() => {
    if (user?.role === 'customer') navigate(next, { replace: true });
  }, [user, next, navigate]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSending(true);
    setProblem(null);
    try {
      const signedIn = await signIn(email.trim(), password);
      if (signedIn.role === 'customer') navigate(next, { replace: true });
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined));
    } finally {
      setSending(false);
    }
  }

  const formMessage =
    problem && problem.fields.length === 0 ? (problem.detail ?? t('state.error.network')) : undefined;
  return (
    <section className="narrow" aria-labelledby="signin-heading">
      <h1 id="signin-heading">{t('signin.heading')}</h1>
      <p>{t('signin.intro')}</p>
      {user && user.role !== 'customer' && <p className="form-error">{t('signin.staff')}</p>}
      <form onSubmit={submit} noValidate>
        <FormError message={formMessage} />
        <Field label={t('signin.email')} error={problem?.fieldMessage('email')}>
          <input
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </Field>
        <Field label={t('signin.password')} error={problem?.fieldMessage('password')}>
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <Button type="submit" disabled={sending}>
          {sending ? t('signin.sending') : t('signin.submit')}
        </Button>
      </form>
      <p>
        {t('signin.activate')} <Link to="/activar">{t('signin.activateLink')}</Link>
      </p>
      <p>
        {t('signin.noAccount')} <Link to="/contratar">{t('signin.contract')}</Link>
      </p>
    </section>
  );
}
