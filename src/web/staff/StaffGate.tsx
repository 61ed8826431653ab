import { type FormEvent, type ReactNode, useState } from 'react';
import type { UserRole } from '../../platform/principal.ts';
import { ApiProblem } from '../api.ts';
import { useSession } from '../session.tsx';
import { Button } from '../ui/Button.tsx';
import { Field, FormError } from '../ui/Field.tsx';
import { LoadingState } from '../ui/States.tsx';
import { useStaffI18n } from './i18n.ts';

/**
 * The staff apps' door: the page asked for stays in the address bar; nobody signed in gets the
 * sign-in form in its place, and an account of another role is told so (with a way out) instead
 * of seeing screens whose every request the API would refuse. The API decides access; this only
 * keeps the screens in step with it.
 */
export function StaffGate({
  roles,
  app,
  children,
}: {
  roles: readonly UserRole[];
  app: 'console' | 'provider';
  children: ReactNode;
}) {
  const { user, signOut } = useSession();
  const { t } = useStaffI18n();
  if (user === undefined)
    return (
      <main id="main" className="staff-main" tabIndex={-1}>
        <LoadingState label={t('staff.loading')} />
      </main>
    );
  if (user === null)
    return (
      <main id="main" className="staff-main" tabIndex={-1}>
        <StaffSignIn app={app} />
      </main>
    );
  if (!roles.includes(user.role as UserRole)) {
    return (
      <main id="main" className="staff-main" tabIndex={-1}>
        <section className="staff-signin" aria-labelledby="forbidden-heading">
          <h1 id="forbidden-heading">{t('staff.forbidden.title')}</h1>
          <p>{t('staff.forbidden.body', { role: roleName(t, user.role) })}</p>
          {user.role === 'customer' && <p>{t('staff.forbidden.customer', { url: '/app' })}</p>}
          <Button variant="secondary" onClick={() => void signOut()}>
            {t('staff.signOut')}
          </Button>
        </section>
      </main>
    );
  }
  return children;
}

export function roleName(t: ReturnType<typeof useStaffI18n>['t'], role: string): string {
  const key = `staff.role.${role}`;
  return key in ROLE_KEYS ? t(key as keyof typeof ROLE_KEYS) : role;
}
const ROLE_KEYS = {
  'staff.role.agent': 1,
  'staff.role.supervisor': 1,
  'staff.role.finance': 1,
  'staff.role.admin': 1,
  'staff.role.provider': 1,
  'staff.role.doctor': 1,
  'staff.role.lawyer': 1,
  'staff.role.medical_supervisor': 1,
  'staff.role.privacy': 1,
  'staff.role.customer': 1,
} as const;

function StaffSignIn({ app }: { app: 'console' | 'provider' }) {
  const { t, tc } = useStaffI18n();
  const { signIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [sending, setSending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSending(true);
    setProblem(null);
    try {
      await signIn(email.trim(), password);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined));
      setSending(false);
    }
  }

  const heading = app === 'console' ? t('staff.signin.console') : t('staff.signin.provider');
  const formMessage =
    problem && problem.fields.length === 0 ? (problem.detail ?? tc('state.error.network')) : undefined;
  return (
    <section className="staff-signin" aria-labelledby="staff-signin-heading">
      <h1 id="staff-signin-heading">{heading}</h1>
      <p>{t('staff.signin.intro')}</p>
      <form onSubmit={submit} noValidate>
        <FormError message={formMessage} />
        <Field label={t('staff.signin.email')} error={problem?.fieldMessage('email')}>
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </Field>
        <Field label={t('staff.signin.password')} error={problem?.fieldMessage('password')}>
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <Button type="submit" disabled={sending}>
          {sending ? t('staff.signin.sending') : t('staff.signin.submit')}
        </Button>
      </form>
    </section>
  );
}
