import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { ApiProblem, api } from '../../api.ts';
import { formatDateTime, PHONE } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';
import { Button } from '../../ui/Button.tsx';
import { DateTime } from '../../ui/DateTime.tsx';
import { Field, FormError } from '../../ui/Field.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';
import { MessagesSection, NoticesSection } from './NoticesSections.tsx';
import { usePortalScope } from './outlet.ts';
import {
  fieldProblem,
  formProblem,
  problemDetail,
  SESSIONS,
  type Session,
  useSessions,
} from './portal-data.ts';
import { deviceOf } from './portal-words.ts';
import './portal.css';

/**
 * `/app/cuenta`: how we tell you (language, channels, quiet hours) and what we have written to you;
 * change the password; see the open sessions and close the ones on other devices.
 */
export default function AccountPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const scope = usePortalScope();
  const [notice, setNotice] = useState<string | null>(null);
  // The membership's messages and ARCO requests are the titular's; a beneficiary keeps their sign-in.
  const titular = scope.kind === 'titular';
  return (
    <>
      <h1>{t('portal.account.heading')}</h1>
      {user && <p>{t('portal.account.you', { email: user.email })}</p>}
      <div role="status" aria-live="polite">
        {notice && <p className="portal-notice">{notice}</p>}
      </div>
      {titular && <NoticesSection membershipId={scope.membershipId} onSaved={setNotice} />}
      {titular && <MessagesSection membershipId={scope.membershipId} />}
      <ChangePassword onChanged={setNotice} />
      <Sessions onEnded={setNotice} />
      <section className="section narrow" aria-labelledby="account-arco">
        <h2 id="account-arco">{t('arco.heading')}</h2>
        {titular ? (
          <>
            <p>{t('arco.accountBody')}</p>
            <p>
              <Link to="/app/derechos-arco">{t('arco.noticeLink')}</Link>
            </p>
          </>
        ) : (
          <p>{t('beneficiary.account.arco', { phone: PHONE.display })}</p>
        )}
      </section>
    </>
  );
}

const PASSWORD_FIELDS = ['currentPassword', 'newPassword'];

function ChangePassword({ onChanged }: { onChanged: (notice: string) => void }) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [show, setShow] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [sending, setSending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSending(true);
    setProblem(null);
    try {
      await api('POST', '/v1/me/password', { lang, body: { currentPassword, newPassword } });
      setCurrent('');
      setNew('');
      onChanged(t('portal.account.changed'));
      await queryClient.invalidateQueries({ queryKey: SESSIONS });
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined));
    } finally {
      setSending(false);
    }
  }

  const type = show ? 'text' : 'password';
  return (
    <section className="section narrow" aria-labelledby="account-password">
      <h2 id="account-password">{t('portal.account.password')}</h2>
      <p>{t('portal.account.passwordIntro')}</p>
      <form onSubmit={submit} noValidate>
        <FormError message={formProblem(problem, PASSWORD_FIELDS, t)} />
        <Field label={t('portal.account.current')} error={fieldProblem(problem, 'currentPassword')}>
          <input
            type={type}
            autoComplete="current-password"
            value={currentPassword}
            onChange={(e) => setCurrent(e.target.value)}
          />
        </Field>
        <Field
          label={t('portal.account.new')}
          hint={t('portal.account.newHint')}
          error={fieldProblem(problem, 'newPassword')}
        >
          <input
            type={type}
            autoComplete="new-password"
            value={newPassword}
            onChange={(e) => setNew(e.target.value)}
          />
        </Field>
        <label className="check">
          <input type="checkbox" checked={show} onChange={(e) => setShow(e.target.checked)} />
          {t('portal.account.show')}
        </label>
        <Button type="submit" disabled={sending}>
          {sending ? t('portal.account.changing') : t('portal.account.change')}
        </Button>
      </form>
    </section>
  );
}

function Sessions({ onEnded }: { onEnded: (notice: string) => void }) {
  const { t } = useI18n();
  const sessions = useSessions();
  return (
    <section className="section" aria-labelledby="account-sessions">
      <h2 id="account-sessions">{t('portal.account.sessions')}</h2>
      <QueryView
        query={sessions}
        loading={t('portal.account.sessionsLoading')}
        errorTitle={t('portal.account.sessionsError')}
        errorDetail={(error) => problemDetail(error, t)}
      >
        {(data) => {
          // This session first, then the others by last activity (the API's order).
          const list = [...data].sort((a, b) => Number(b.current) - Number(a.current));
          return (
            <>
              <p>{t('portal.account.sessionsIntro')}</p>
              <ul className="sessions" data-testid="sessions">
                {list.map((session) => (
                  <SessionCard key={session.id} session={session} onEnded={onEnded} />
                ))}
              </ul>
              {list.length <= 1 && <p className="muted">{t('portal.account.onlyThis')}</p>}
            </>
          );
        }}
      </QueryView>
    </section>
  );
}

function SessionCard({ session, onEnded }: { session: Session; onEnded: (notice: string) => void }) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const [ending, setEnding] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  const device = deviceOf(session.userAgent, t);

  async function end() {
    setEnding(true);
    setProblem(undefined);
    try {
      await api('DELETE', `/v1/me/sessions/${session.id}`, { lang });
      onEnded(t('portal.account.ended', { device }));
    } catch (error) {
      // Already ended elsewhere (404): the list is read again either way.
      if (!(error instanceof ApiProblem && error.status === 404)) setProblem(problemDetail(error, t));
    } finally {
      setEnding(false);
      await queryClient.invalidateQueries({ queryKey: SESSIONS });
    }
  }

  return (
    <li className="card" data-current={session.current}>
      <h3>
        {device}
        {session.current && <StatusBadge tone="good">{t('portal.account.thisSession')}</StatusBadge>}
      </h3>
      <dl className="facts facts-wide">
        <div>
          <dt>{t('portal.account.started')}</dt>
          <dd>
            <DateTime value={session.createdAt} />
          </dd>
        </div>
        <div>
          <dt>{t('portal.account.lastSeen')}</dt>
          <dd>
            <DateTime value={session.lastSeenAt} />
          </dd>
        </div>
        {session.ip && (
          <div>
            <dt>{t('portal.account.ip')}</dt>
            <dd className="number">{session.ip}</dd>
          </div>
        )}
      </dl>
      <FormError message={problem} />
      {!session.current && (
        <Button variant="secondary" onClick={() => void end()} disabled={ending}>
          {t('portal.account.end')}
          <span className="visually-hidden">
            {' '}
            {t('portal.account.endWhich', { device, date: formatDateTime(session.createdAt, lang) })}
          </span>
        </Button>
      )}
    </li>
  );
}
