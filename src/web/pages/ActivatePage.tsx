import type { Static } from '@sinclair/typebox';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { ActivationConfirmed, ActivationStarted } from '../../domains/activation/schemas.ts';
import { ApiProblem, api } from '../api.ts';
import { formatTime, PHONE } from '../i18n/format.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { useSession } from '../session.tsx';
import { Button } from '../ui/Button.tsx';
import { Field, FormError } from '../ui/Field.tsx';

type Started = Static<typeof ActivationStarted>;
type Facts = { membershipNumber: string; cardLast4: string; birthDate: string };

const asProblem = (error: unknown) =>
  error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined);

/**
 * `/activar`: a member contracted by phone or through the bank gets the titular's account. First
 * the three facts (a code goes to the contact on file), then the code and a password; then the
 * portal, signed in.
 */
export default function ActivatePage() {
  const { t } = useI18n();
  const [facts, setFacts] = useState<Facts>({ membershipNumber: '', cardLast4: '', birthDate: '' });
  const [started, setStarted] = useState<Started | null>(null);

  useEffect(() => {
    document.title = `${t('activate.heading')} · ${t('site.title')}`;
  }, [t]);

  return (
    <section className="narrow" aria-labelledby="activate-heading">
      <h1 id="activate-heading">{t('activate.heading')}</h1>
      {started ? (
        <CodeStep started={started} facts={facts} onRestart={() => setStarted(null)} onResent={setStarted} />
      ) : (
        <FactsStep facts={facts} onChange={setFacts} onStarted={setStarted} />
      )}
      <p>{t('activate.help', { phone: PHONE.display })}</p>
    </section>
  );
}

function startActivation(facts: Facts, lang: string): Promise<Started> {
  return api<Started>('POST', '/v1/account-activations', {
    lang,
    body: { ...facts, membershipNumber: facts.membershipNumber.trim() },
  });
}

function FactsStep({
  facts,
  onChange,
  onStarted,
}: {
  facts: Facts;
  onChange(facts: Facts): void;
  onStarted(started: Started): void;
}) {
  const { t, lang } = useI18n();
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [sending, setSending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSending(true);
    setProblem(null);
    try {
      onStarted(await startActivation(facts, lang));
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setSending(false);
    }
  }

  const formMessage =
    problem && problem.fields.length === 0 ? (problem.detail ?? t('state.error.network')) : undefined;
  return (
    <>
      <p>{t('activate.intro')}</p>
      <form onSubmit={submit} noValidate>
        <FormError message={formMessage} />
        {problem?.code === 'MEMBERSHIP_HAS_ACCOUNT' && (
          <p>
            <Link to="/entrar">{t('activate.hasAccount')}</Link>
          </p>
        )}
        <Field
          label={t('activate.number')}
          hint={t('activate.number.hint')}
          error={problem?.fieldMessage('membershipNumber')}
        >
          <input
            className="number"
            autoComplete="off"
            autoCapitalize="characters"
            required
            value={facts.membershipNumber}
            onChange={(e) => onChange({ ...facts, membershipNumber: e.target.value })}
          />
        </Field>
        <Field
          label={t('activate.last4')}
          hint={t('activate.last4.hint')}
          error={problem?.fieldMessage('cardLast4')}
        >
          <input
            inputMode="numeric"
            autoComplete="off"
            maxLength={4}
            pattern="[0-9]{4}"
            required
            value={facts.cardLast4}
            onChange={(e) => onChange({ ...facts, cardLast4: e.target.value.replace(/\D/g, '') })}
          />
        </Field>
        <Field label={t('activate.birthDate')} error={problem?.fieldMessage('birthDate')}>
          <input
            type="date"
            autoComplete="bday"
            required
            value={facts.birthDate}
            onChange={(e) => onChange({ ...facts, birthDate: e.target.value })}
          />
        </Field>
        <Button type="submit" disabled={sending}>
          {sending ? t('activate.sending') : t('activate.send')}
        </Button>
      </form>
    </>
  );
}

function CodeStep({
  started,
  facts,
  onRestart,
  onResent,
}: {
  started: Started;
  facts: Facts;
  onRestart(): void;
  onResent(started: Started): void;
}) {
  const { t, lang } = useI18n();
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const [code, setCode] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [sending, setSending] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSending(true);
    setProblem(null);
    try {
      const answer = await api<Static<typeof ActivationConfirmed>>(
        'POST',
        `/v1/account-activations/${started.id}/confirm`,
        { lang, body: { code: code.trim(), password, ...(email.trim() ? { email: email.trim() } : {}) } },
      );
      signedIn(answer);
      navigate('/app', { replace: true });
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setSending(false);
    }
  }

  async function resend() {
    setSending(true);
    setProblem(null);
    try {
      onResent(await startActivation(facts, lang));
      setCode('');
      heading.current?.focus();
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setSending(false);
    }
  }

  const attemptsLeft = problem?.body.attemptsLeft;
  const formMessage =
    problem && (problem.fields.length === 0 || problem.code === 'ACTIVATION_CODE_INVALID')
      ? [
          problem.detail ?? t('state.error.network'),
          typeof attemptsLeft === 'number' ? t('activate.attemptsLeft', { count: attemptsLeft }) : '',
        ]
          .filter(Boolean)
          .join(' ')
      : undefined;
  const expired = problem?.code === 'ACTIVATION_EXPIRED';
  return (
    <>
      <h2 ref={heading} tabIndex={-1}>
        {t('activate.code.heading')}
      </h2>
      <p data-testid="activation-sent">
        {t(started.channel === 'sms' ? 'activate.code.sentSms' : 'activate.code.sentEmail', {
          to: started.sentTo,
          time: formatTime(started.expiresAt),
        })}
      </p>
      <form onSubmit={submit} noValidate>
        <FormError message={formMessage} />
        <Field
          label={t('activate.code')}
          error={problem?.code === 'ACTIVATION_CODE_INVALID' ? undefined : problem?.fieldMessage('code')}
        >
          <input
            className="number"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            required
            value={code}
            onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
          />
        </Field>
        <Field
          label={t('activate.email')}
          hint={t('activate.email.hint')}
          error={problem?.fieldMessage('email')}
        >
          <input type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field
          label={t('activate.password')}
          hint={t('activate.password.hint')}
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
          <Button type="submit" disabled={sending || expired}>
            {sending ? t('activate.confirming') : t('activate.confirm')}
          </Button>
          <Button variant="secondary" onClick={() => void resend()} disabled={sending}>
            {t('activate.newCode')}
          </Button>
          <Button variant="secondary" onClick={onRestart} disabled={sending}>
            {t('activate.startOver')}
          </Button>
        </div>
      </form>
    </>
  );
}
