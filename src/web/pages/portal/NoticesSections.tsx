import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useLocation } from 'react-router';
import { ApiProblem, api } from '../../api.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { type Translate, useI18n } from '../../i18n/i18n.tsx';
import type { Lang } from '../../i18n/messages.ts';
import { isMessageKey } from '../../i18n/messages.ts';
import {
  type MemberMessage,
  messageTone,
  type NotificationPreferences,
  type PreferencesInput,
  preferencesKey,
  useMemberMessages,
  useNotificationPreferences,
} from '../../members/messages-data.ts';
import { Button } from '../../ui/Button.tsx';
import { DateTime } from '../../ui/DateTime.tsx';
import { Field, FormError } from '../../ui/Field.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { problemDetail } from './portal-data.ts';

type Choice = 'email' | 'sms' | 'both';
type Channels = ('email' | 'sms')[];

const choiceOf = (channels: Channels): Choice =>
  channels.length === 2 ? 'both' : channels[0] === 'sms' ? 'sms' : 'email';
const channelsOf = (choice: Choice): Channels =>
  choice === 'both' ? ['email', 'sms'] : choice === 'sms' ? ['sms'] : ['email'];

/** A kind of message in the customer's words (its code if the catalogue has none). */
function kindWords(kind: string, t: Translate): string {
  const key = `notices.kind.${kind}`;
  return isMessageKey(key) ? t(key) : kind;
}

/**
 * "Avisos": the language of the customer's messages, email / SMS / both for each kind (they cannot
 * be turned off), and whether SMS that can wait are held at night. Saved as a whole.
 */
export function NoticesSection({
  membershipId,
  onSaved,
}: {
  membershipId: string;
  onSaved: (n: string) => void;
}) {
  const { t } = useI18n();
  const preferences = useNotificationPreferences(membershipId);
  return (
    <section className="section narrow" aria-labelledby="account-notices" data-testid="notices">
      <h2 id="account-notices">{t('notices.heading')}</h2>
      <p>{t('notices.intro')}</p>
      <QueryView
        query={preferences}
        loading={t('notices.loading')}
        errorTitle={t('notices.error')}
        errorDetail={(error) => problemDetail(error, t)}
      >
        {(data) => <NoticesForm membershipId={membershipId} saved={data} onSaved={onSaved} />}
      </QueryView>
    </section>
  );
}

function NoticesForm({
  membershipId,
  saved,
  onSaved,
}: {
  membershipId: string;
  saved: NotificationPreferences;
  onSaved: (notice: string) => void;
}) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const [language, setLanguage] = useState<Lang>(saved.language);
  const [quietHours, setQuietHours] = useState(saved.quietHours);
  const [choices, setChoices] = useState<Record<string, Choice>>(() =>
    Object.fromEntries(saved.kinds.map((k) => [k.kind, choiceOf(k.channels)])),
  );
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();

  // What the server holds now (after a save, or read again) is what the form starts from.
  useEffect(() => {
    setLanguage(saved.language);
    setQuietHours(saved.quietHours);
    setChoices(Object.fromEntries(saved.kinds.map((k) => [k.kind, choiceOf(k.channels)])));
  }, [saved]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSending(true);
    setProblem(undefined);
    const body: PreferencesInput = {
      language,
      quietHours,
      channels: Object.fromEntries(saved.kinds.map((k) => [k.kind, channelsOf(choices[k.kind] ?? 'email')])),
    };
    try {
      const answer = await api<NotificationPreferences>(
        'PUT',
        `/v1/memberships/${membershipId}/notification-preferences`,
        { lang, body },
      );
      queryClient.setQueryData(preferencesKey(membershipId), answer);
      onSaved(t('notices.saved'));
    } catch (error) {
      setProblem(error instanceof ApiProblem ? problemDetail(error, t) : t('state.error.network'));
    } finally {
      setSending(false);
    }
  }

  const hours = { from: saved.quietHoursWindow.from, to: saved.quietHoursWindow.to };
  return (
    <form onSubmit={submit} noValidate>
      <FormError message={problem} />
      <fieldset className="choice">
        <legend>{t('notices.language')}</legend>
        {(['es', 'en'] as const).map((l) => (
          <label key={l}>
            <input
              type="radio"
              name="notices-language"
              value={l}
              checked={language === l}
              onChange={() => setLanguage(l)}
            />
            <span lang={l}>{t(`lang.${l}`)}</span>
          </label>
        ))}
      </fieldset>
      <fieldset className="choice notices-kinds">
        <legend>{t('notices.channels')}</legend>
        <p className="field-hint">{t('notices.channels.hint')}</p>
        {saved.kinds.map((k) => (
          <Field key={k.kind} label={kindWords(k.kind, t)} hint={k.live ? t('notices.live') : undefined}>
            <select
              value={choices[k.kind] ?? 'email'}
              onChange={(e) => setChoices((c) => ({ ...c, [k.kind]: e.target.value as Choice }))}
            >
              <option value="email">{t('notices.channel.email')}</option>
              <option value="sms">{t('notices.channel.sms')}</option>
              <option value="both">{t('notices.channel.both')}</option>
            </select>
          </Field>
        ))}
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={quietHours} onChange={(e) => setQuietHours(e.target.checked)} />
        {t('notices.quiet', hours)}
      </label>
      <p className="field-hint">{t('notices.quiet.hint', hours)}</p>
      <Button type="submit" disabled={sending}>
        {sending ? t('notices.saving') : t('notices.save')}
      </Button>
    </form>
  );
}

function stateWords(m: MemberMessage, t: Translate): string {
  switch (m.state) {
    case 'failed':
      return m.reason ? t('notices.state.failed', { reason: m.reason }) : t('notices.state.failedNoReason');
    default:
      return t(`notices.state.${m.state}`);
  }
}

/**
 * "Mensajes", read-only: what we have written to the customer, newest first, whether it went, and
 * its text — so a message that could not be sent (no channel set up) is still theirs to read.
 */
export function MessagesSection({ membershipId }: { membershipId: string }) {
  const { t, lang } = useI18n();
  const messages = useMemberMessages(membershipId);
  const { hash } = useLocation();
  const section = useRef<HTMLElement>(null);
  const loaded = messages.data !== undefined;
  // Sent here from elsewhere ("Ver mis mensajes"): the list is what the person came for.
  useEffect(() => {
    if (hash === '#mensajes' && loaded) section.current?.scrollIntoView();
  }, [hash, loaded]);
  return (
    <section className="section" aria-labelledby="mensajes" data-testid="my-messages" ref={section}>
      <h2 id="mensajes">{t('notices.messages.heading')}</h2>
      <p>{t('notices.messages.intro')}</p>
      <QueryView
        query={messages}
        loading={t('notices.messages.loading')}
        errorTitle={t('notices.messages.error')}
        errorDetail={(error) => problemDetail(error, t)}
      >
        {(data) => (
          <>
            {data.addresses
              .filter((a) => a.undeliverable)
              .map((a) => (
                <p key={a.channel} className="portal-alert">
                  {t(a.channel === 'email' ? 'notices.undeliverable.email' : 'notices.undeliverable.sms', {
                    address: a.address ?? '',
                    date: formatDateTime(a.undeliverable?.since ?? '', lang),
                  })}
                </p>
              ))}
            {data.data.length === 0 ? (
              <EmptyState title={t('notices.messages.none')} />
            ) : (
              <ul className="messages">
                {data.data.map((m) => (
                  <li key={m.id} className="card message">
                    <h3>{kindWords(m.kind, t)}</h3>
                    <p className="message-meta">
                      <StatusBadge tone={messageTone(m.state)}>{stateWords(m, t)}</StatusBadge>{' '}
                      {t(`notices.via.${m.channel}`)} · <DateTime value={m.createdAt} />
                    </p>
                    <details>
                      <summary>{t('notices.messages.show')}</summary>
                      {m.channel === 'email' && <p className="message-subject">{m.subject}</p>}
                      <p className="message-body">{m.body}</p>
                    </details>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </QueryView>
    </section>
  );
}
