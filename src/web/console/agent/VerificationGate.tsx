import type { Static } from '@sinclair/typebox';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import type { VerificationStatus } from '../../../domains/members/schemas.ts';
import { ApiProblem, api, getJson, problemText } from '../../api.ts';
import { formatTime } from '../../i18n/format.ts';
import { useSession } from '../../session.tsx';
import { useStaffI18n } from '../../staff/i18n.ts';
import { Button } from '../../ui/Button.tsx';
import { Field, FormError } from '../../ui/Field.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { verificationKey } from './data.ts';

export type Verification = Static<typeof VerificationStatus>;

/** Only agents must check who is calling (docs/decisions.md). */
const mustCheck = (role: string | undefined) => role === 'agent';

/** The agent's check in force for the membership (GET /v1/memberships/{id}/verification). */
export function useVerification(membershipId: string, enabled = true) {
  const { lang } = useStaffI18n();
  return useQuery({
    queryKey: verificationKey(membershipId),
    enabled,
    queryFn: () => getJson<Verification>(`/v1/memberships/${membershipId}/verification`, lang),
    staleTime: 30_000,
    // The check lapses after its window: ask again when the agent comes back to the page.
    refetchOnWindowFocus: true,
  });
}

/**
 * Whether the member's details may be read now: true for roles that need no check and for an
 * agent with one in force; false while it is unknown or missing (a read would be refused).
 */
export function useDetailsCleared(membershipId: string): boolean {
  const { user } = useSession();
  const needs = mustCheck(user?.role);
  const status = useVerification(membershipId, needs && membershipId !== '');
  if (!user) return false;
  return !needs || !!status.data?.current;
}

/**
 * Stands before a member's details for an agent on a call: two facts asked of the caller
 * ("Verificar"), or "Omitir" with a written reason. Then the details (`children`) with a quiet line
 * saying how the caller was checked. Other roles see the details at once.
 */
export function VerificationGate({ membershipId, children }: { membershipId: string; children: ReactNode }) {
  const { user } = useSession();
  const { t } = useStaffI18n();
  const needs = mustCheck(user?.role);
  const status = useVerification(membershipId, needs);
  if (!needs) return <>{children}</>;
  return (
    <QueryView
      query={status}
      loading={t('verify.loading')}
      errorTitle={t('verify.error')}
      errorDetail={(error) => problemText(error, t('agent.error.network'))}
      frame={(state) => (
        <section className="agent" aria-labelledby="page-heading">
          <h1 id="page-heading">{t('verify.title')}</h1>
          {state}
        </section>
      )}
    >
      {(data) =>
        data.current ? (
          <>
            <Cleared current={data.current} />
            {children}
          </>
        ) : (
          <VerificationStep membershipId={membershipId} status={data} />
        )
      }
    </QueryView>
  );
}

function Cleared({ current }: { current: NonNullable<Verification['current']> }) {
  const { t } = useStaffI18n();
  const time = formatTime(current.expiresAt);
  return (
    <p className="agent-verified" role="status">
      {current.outcome === 'skipped'
        ? t('verify.done.skipped', { reason: current.skipReason ?? '', time })
        : t('verify.done.facts', { time })}
    </p>
  );
}

type Pair = 'card' | 'number';

function VerificationStep({ membershipId, status }: { membershipId: string; status: Verification }) {
  const { t, lang } = useStaffI18n();
  const queryClient = useQueryClient();
  const [pair, setPair] = useState<Pair>('card');
  const [birthDate, setBirthDate] = useState('');
  const [other, setOther] = useState('');
  const [skipping, setSkipping] = useState(false);
  const [reason, setReason] = useState('');
  const [sending, setSending] = useState(false);
  const [message, setMessage] = useState<string | undefined>();

  function showSkip(shown: boolean) {
    setSkipping(shown);
    setMessage(undefined);
  }

  async function send(body: Record<string, string>) {
    setSending(true);
    setMessage(undefined);
    try {
      await api('POST', `/v1/memberships/${membershipId}/verifications`, { lang, body });
      await queryClient.invalidateQueries({ queryKey: verificationKey(membershipId) });
    } catch (error) {
      const left = error instanceof ApiProblem ? error.body.attemptsLeft : undefined;
      const words = problemText(error, t('agent.error.network'));
      setMessage(typeof left === 'number' ? `${words} ${t('verify.attemptsLeft', { count: left })}` : words);
    } finally {
      setSending(false);
    }
  }

  function verify(event: FormEvent) {
    event.preventDefault();
    if (!birthDate || !other.trim()) return setMessage(t('verify.missing'));
    void send({
      birthDate,
      ...(pair === 'card' ? { cardLast4: other.trim() } : { membershipNumber: other.trim() }),
    });
  }

  function skip(event: FormEvent) {
    event.preventDefault();
    if (reason.trim().length < 5) return setMessage(t('verify.skipShort'));
    void send({ skipReason: reason.trim() });
  }

  return (
    <section className="agent agent-verify" aria-labelledby="page-heading">
      <h1 id="page-heading">{t('verify.title')}</h1>
      <p>{t('verify.intro', { number: status.number })}</p>
      <FormError message={message} />
      {skipping ? (
        <form className="agent-form" onSubmit={skip} noValidate>
          <Field label={t('verify.skipReason')} hint={t('verify.skipHint')}>
            <textarea rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
          </Field>
          <div className="agent-actions">
            <Button type="submit" disabled={sending}>
              {sending ? t('verify.sending') : t('verify.skipSubmit')}
            </Button>
            <Button variant="secondary" onClick={() => showSkip(false)}>
              {t('verify.skipBack')}
            </Button>
          </div>
        </form>
      ) : (
        <form className="agent-form" onSubmit={verify} noValidate>
          <fieldset className="agent-verify-pair">
            <legend>{t('verify.pair')}</legend>
            {(['card', 'number'] as const).map((p) => (
              <label key={p}>
                <input
                  type="radio"
                  name="verify-pair"
                  value={p}
                  checked={pair === p}
                  onChange={() => {
                    setPair(p);
                    setOther('');
                  }}
                />{' '}
                {t(`verify.pair.${p}`)}
              </label>
            ))}
          </fieldset>
          <Field label={t('verify.birthDate')} hint={t('verify.birthDateHint')}>
            <input type="date" value={birthDate} onChange={(e) => setBirthDate(e.target.value)} />
          </Field>
          {pair === 'card' ? (
            <Field label={t('verify.cardLast4')}>
              <input
                inputMode="numeric"
                autoComplete="off"
                maxLength={4}
                className="mono"
                value={other}
                onChange={(e) => setOther(e.target.value.replace(/\D/g, ''))}
              />
            </Field>
          ) : (
            <Field label={t('verify.number')} hint={t('verify.numberHint')}>
              <input
                autoComplete="off"
                maxLength={20}
                className="mono"
                value={other}
                onChange={(e) => setOther(e.target.value)}
              />
            </Field>
          )}
          <div className="agent-actions">
            <Button type="submit" disabled={sending}>
              {sending ? t('verify.sending') : t('verify.submit')}
            </Button>
            <Button variant="secondary" onClick={() => showSkip(true)}>
              {t('verify.skip')}
            </Button>
          </div>
        </form>
      )}
    </section>
  );
}
