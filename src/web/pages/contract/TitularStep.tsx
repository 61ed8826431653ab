import { type FormEvent, useRef, useState } from 'react';
import { Link } from 'react-router';
import { parseMexicanPhone } from '../../../lib/phone.ts';
import { ApiProblem, api } from '../../api.ts';
import { formatPhone } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { Button } from '../../ui/Button.tsx';
import { Field, FormError } from '../../ui/Field.tsx';
import { type Draft, hasOtherProblem, TITULAR_FIELDS, type Titular, titularBody } from './flow.ts';
import { StepHeading, useFocusFirstInvalid } from './StepHeading.tsx';

/**
 * Step 2: the titular's data and the new account's password, checked by the API (the same checks
 * as contracting, nothing written) before the card is asked for. A signed-in customer contracts
 * with their own account: no email or password to type.
 */
export function TitularStep({
  draft,
  setDraft,
  signedInEmail,
  problem,
  setProblem,
  focus,
  onNext,
}: {
  draft: Draft;
  setDraft(update: (draft: Draft) => Draft): void;
  signedInEmail: string | null;
  problem: ApiProblem | undefined;
  setProblem(problem: ApiProblem | undefined): void;
  focus: boolean;
  onNext(): void;
}) {
  const { t, lang } = useI18n();
  const [sending, setSending] = useState(false);
  const [showPassword, setShowPassword] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(form, problem);
  const needsAccount = signedInEmail === null;

  const set = (name: keyof Titular) => (event: React.ChangeEvent<HTMLInputElement>) => {
    const value = event.target.value;
    setDraft((d) => ({ ...d, titular: { ...d.titular, [name]: value }, titularChecked: false }));
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (sending) return;
    setSending(true);
    try {
      const titular = titularBody(draft.titular);
      await api('POST', '/v1/memberships/validation', {
        lang,
        body: {
          planCode: draft.planCode,
          titular: signedInEmail ? { ...titular, email: signedInEmail } : titular,
          ...(needsAccount ? { account: { password: draft.password } } : {}),
        },
      });
      setProblem(undefined);
      setDraft((d) => ({ ...d, titularChecked: true }));
      onNext();
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined));
    } finally {
      setSending(false);
    }
  }

  const at = (path: string) => problem?.fieldMessage(path);
  const shown = TITULAR_FIELDS.filter(
    (f) => needsAccount || (f !== 'titular/email' && f !== 'account/password'),
  );
  const formError =
    problem && hasOtherProblem(problem, shown)
      ? problem.status === 0
        ? t('state.error.network')
        : (problem.detail ?? t('state.error.network'))
      : undefined;
  const emailTaken = problem?.code === 'EMAIL_TAKEN';

  return (
    <form ref={form} onSubmit={submit} noValidate className="contract-form">
      <StepHeading step="datos" title={t('contract.titular.heading')} focus={focus} />
      <p>{t('contract.titular.intro')}</p>
      <FormError message={formError} />
      <Field
        label={t('contract.titular.fullName')}
        hint={t('contract.titular.fullName.hint')}
        error={at('titular/fullName')}
      >
        <input
          autoComplete="name"
          autoCapitalize="words"
          value={draft.titular.fullName}
          onChange={set('fullName')}
        />
      </Field>
      {needsAccount ? (
        <Field
          label={t('contract.titular.email')}
          hint={t('contract.titular.email.hint')}
          error={at('titular/email')}
        >
          <input type="email" autoComplete="email" value={draft.titular.email} onChange={set('email')} />
        </Field>
      ) : (
        <p className="contract-signed-in">{t('contract.titular.signedIn', { email: signedInEmail })}</p>
      )}
      {emailTaken && (
        <p>
          <Link to="/entrar">{t('contract.titular.signIn')}</Link>
        </p>
      )}
      <Field
        label={t('contract.titular.phone')}
        hint={t('contract.titular.phone.hint')}
        error={at('titular/phone')}
      >
        <input
          type="tel"
          inputMode="tel"
          autoComplete="tel-national"
          value={draft.titular.phone}
          onChange={set('phone')}
          onBlur={() => {
            // Shown back as people read it (`81 8765 4321`) once libphonenumber recognises it.
            const digits = parseMexicanPhone(draft.titular.phone);
            if (digits) setDraft((d) => ({ ...d, titular: { ...d.titular, phone: formatPhone(digits) } }));
          }}
        />
      </Field>
      <Field
        label={t('contract.titular.birthDate')}
        hint={t('contract.titular.birthDate.hint')}
        error={at('titular/birthDate')}
      >
        <input type="date" autoComplete="bday" value={draft.titular.birthDate} onChange={set('birthDate')} />
      </Field>
      <Field
        label={t('contract.titular.rfc')}
        hint={t('contract.titular.rfc.hint')}
        error={at('titular/rfc')}
      >
        <input
          autoCapitalize="characters"
          spellCheck={false}
          value={draft.titular.rfc}
          onChange={set('rfc')}
        />
      </Field>
      {needsAccount && (
        <>
          <Field
            label={t('contract.titular.password')}
            hint={t('contract.titular.password.hint')}
            error={at('account/password')}
          >
            <input
              type={showPassword ? 'text' : 'password'}
              autoComplete="new-password"
              value={draft.password}
              onChange={(e) => {
                const password = e.target.value;
                setDraft((d) => ({ ...d, password, titularChecked: false }));
              }}
            />
          </Field>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={showPassword}
              onChange={(e) => setShowPassword(e.target.checked)}
            />
            {t('contract.titular.showPassword')}
          </label>
        </>
      )}
      <div className="actions">
        <Button type="submit" disabled={sending}>
          {t('contract.continue')}
        </Button>
        <Button to="?paso=plan" variant="secondary">
          {t('contract.back')}
        </Button>
      </div>
      {sending && (
        <p className="muted" role="status">
          {t('contract.titular.checking')}
        </p>
      )}
    </form>
  );
}
