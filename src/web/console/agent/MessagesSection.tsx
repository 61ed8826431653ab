import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { api, newIdempotencyKey, problemText } from '../../api.ts';
import { formatDateTime } from '../../i18n/format.ts';
import {
  type AddressState,
  type MemberMessage,
  type MessageAttempt,
  messagesKey,
  messageTone,
  useMemberMessages,
} from '../../members/messages-data.ts';
import { type StaffTranslate, useStaffI18n } from '../../staff/i18n.ts';
import { Button } from '../../ui/Button.tsx';
import { DataTable } from '../../ui/DataTable.tsx';
import { DateTime } from '../../ui/DateTime.tsx';
import { FormDialog } from '../../ui/FormDialog.tsx';
import { QueryView } from '../../ui/QueryView.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { StatusBadge } from '../../ui/StatusBadge.tsx';

type Tr = ReturnType<typeof useStaffI18n>;

/** A message's state in the console's words: "no enviado: canal sin configurar", "entregado"… */
export function stateWords(m: Pick<MemberMessage, 'state' | 'reason'>, t: StaffTranslate): string {
  switch (m.state) {
    case 'failed':
      return m.reason ? t('messages.state.failed', { reason: m.reason }) : t('messages.state.failedNoReason');
    case 'unconfigured':
      return t('messages.state.unconfigured');
    default:
      return t(`messages.state.${m.state}`);
  }
}

const kindWords = (kind: string, { tOr }: Tr) => tOr(`messages.kind.${kind}`, kind);

/** A message that went or will not go may be written again; one still to go or withdrawn may not. */
const mayBeResent = (m: MemberMessage) => m.state !== 'pending' && m.state !== 'cancelled';

/**
 * The member page's "Mensajes": every message written to the member, newest first, with its
 * delivery state in words, its text and delivery log on demand, a badge for an address that does
 * not take messages, and (agents, supervisors) a re-send after a confirmation.
 */
export function MessagesSection({ membershipId, mayResend }: { membershipId: string; mayResend: boolean }) {
  const i18n = useStaffI18n();
  const { t } = i18n;
  const messages = useMemberMessages(membershipId);
  const [resending, setResending] = useState<MemberMessage | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <section className="agent-panel" aria-labelledby="messages-heading" data-testid="member-messages">
      <h2 id="messages-heading">{t('messages.title')}</h2>
      <div role="status" aria-live="polite">
        {notice && <p className="agent-notice">{notice}</p>}
      </div>
      <QueryView
        query={messages}
        loading={t('messages.loading')}
        errorTitle={t('messages.error')}
        errorDetail={(error) => problemText(error, t('agent.error.network'))}
      >
        {(data) => (
          <>
            <Undeliverable addresses={data.addresses} />
            {data.data.length === 0 ? (
              <EmptyState title={t('messages.none')} />
            ) : (
              <DataTable
                testId="messages"
                caption={t('messages.caption')}
                rows={data.data}
                rowKey={(m) => m.id}
                rowClassName={(m) =>
                  m.state === 'failed' || m.state === 'unconfigured' ? 'is-late' : undefined
                }
                columns={[
                  {
                    header: t('messages.col.kind'),
                    rowHeader: true,
                    cell: (m) => <MessageCell message={m} />,
                  },
                  {
                    header: t('messages.col.channel'),
                    cell: (m) => t(`messages.channel.${m.channel}`),
                  },
                  {
                    header: t('messages.col.state'),
                    cell: (m) => (
                      <>
                        <StatusBadge tone={messageTone(m.state)}>{stateWords(m, t)}</StatusBadge>
                        {m.sentAt ? (
                          <span className="agent-sub">
                            {t('messages.sentAt', { date: formatDateTime(m.sentAt, i18n.lang) })}
                          </span>
                        ) : (
                          m.state === 'pending' && (
                            <span className="agent-sub">
                              {t('messages.sendAt', { date: formatDateTime(m.sendAt, i18n.lang) })}
                            </span>
                          )
                        )}
                      </>
                    ),
                  },
                  { header: t('messages.col.when'), cell: (m) => <DateTime value={m.createdAt} /> },
                  mayResend && {
                    header: <span className="visually-hidden">{t('messages.col.actions')}</span>,
                    cell: (m) =>
                      mayBeResent(m) && (
                        <Button
                          variant="secondary"
                          onClick={() => setResending(m)}
                          aria-label={t('messages.resend.aria', {
                            kind: kindWords(m.kind, i18n),
                            date: formatDateTime(m.createdAt, i18n.lang),
                          })}
                        >
                          {t('messages.resend')}
                        </Button>
                      ),
                  },
                ]}
              />
            )}
          </>
        )}
      </QueryView>
      <ResendDialog
        message={resending}
        membershipId={membershipId}
        onClose={() => setResending(null)}
        onResent={() => {
          setResending(null);
          setNotice(t('messages.resend.done'));
        }}
      />
    </section>
  );
}

function MessageCell({ message: m }: { message: MemberMessage }) {
  const i18n = useStaffI18n();
  const { t } = i18n;
  return (
    <>
      {kindWords(m.kind, i18n)}
      {m.resendOf && (
        <>
          {' '}
          <StatusBadge tone="neutral">{t('messages.resendOf')}</StatusBadge>
        </>
      )}
      <details className="agent-message">
        <summary>{t('messages.show')}</summary>
        <p className="agent-sub">{t(`messages.language.${m.language}`)}</p>
        {m.channel === 'email' && (
          <p>
            <strong>{t('messages.subject')}</strong> {m.subject}
          </p>
        )}
        <p className="agent-message-body">{m.body}</p>
        <h3 className="agent-message-heading">{t('messages.attempts')}</h3>
        {m.attempts.length === 0 ? (
          <p className="agent-sub">{t('messages.attempts.none')}</p>
        ) : (
          <ol className="agent-attempts">
            {m.attempts.map((a) => (
              <li key={a.attempt}>
                <AttemptLine attempt={a} />
              </li>
            ))}
          </ol>
        )}
      </details>
    </>
  );
}

function AttemptLine({ attempt: a }: { attempt: MessageAttempt }) {
  const { t, tOr } = useStaffI18n();
  const parts = [tOr(`messages.outcome.${a.outcome}`, a.outcome)];
  if (a.detail) parts.push(a.detail);
  if (a.address) parts.push(t('messages.attempt.to', { address: a.address }));
  if (a.receipt)
    parts.push(
      a.receipt.status === 'delivered'
        ? t('messages.receipt.delivered')
        : t('messages.receipt.other', {
            status: a.receipt.detail ? `${a.receipt.status} (${a.receipt.detail})` : a.receipt.status,
          }),
    );
  return (
    <>
      <DateTime value={a.at} /> · {parts.join(' · ')}
    </>
  );
}

/** "Correo no entregable desde …": an address a server refused for good gets nothing more. */
function Undeliverable({ addresses }: { addresses: AddressState[] }) {
  const { t, lang } = useStaffI18n();
  const marked = addresses.filter((a) => a.undeliverable);
  if (marked.length === 0) return null;
  return (
    <ul className="agent-undeliverable" data-testid="undeliverable">
      {marked.map((a) => (
        <li key={a.channel}>
          <StatusBadge tone="alert">
            {t(a.channel === 'email' ? 'messages.undeliverable.email' : 'messages.undeliverable.sms', {
              date: formatDateTime(a.undeliverable?.since ?? '', lang),
            })}
          </StatusBadge>{' '}
          <span className="mono">{a.address}</span>
          <span className="agent-sub">
            {t('messages.undeliverable.reason', { reason: a.undeliverable?.reason ?? '' })}
          </span>
        </li>
      ))}
    </ul>
  );
}

function ResendDialog({
  message,
  membershipId,
  onClose,
  onResent,
}: {
  message: MemberMessage | null;
  membershipId: string;
  onClose: () => void;
  onResent: () => void;
}) {
  const i18n = useStaffI18n();
  const { t, lang } = i18n;
  const queryClient = useQueryClient();
  // One intent, one key: a retry after a lost answer does not write a second copy.
  const key = useRef<{ id: string; key: string } | null>(null);

  async function send() {
    if (!message) return;
    if (key.current?.id !== message.id) key.current = { id: message.id, key: newIdempotencyKey() };
    await api('POST', `/v1/messages/${message.id}/resend`, { lang, idempotencyKey: key.current.key });
    key.current = null;
    await queryClient.invalidateQueries({ queryKey: messagesKey(membershipId) });
    onResent();
  }

  return (
    <FormDialog
      open={message !== null}
      onClose={onClose}
      title={t('messages.resend.title')}
      testId="resend-dialog"
      message={(problem) => (problem ? problemText(problem, t('agent.error.network')) : undefined)}
      submitLabel={t('messages.resend.confirm')}
      sendingLabel={t('agent.sending')}
      cancelLabel={t('messages.resend.keep')}
      focusCancel
      onSubmit={send}
    >
      {message && (
        <p>
          {t('messages.resend.body', {
            kind: kindWords(message.kind, i18n),
            channel: t(`messages.channel.${message.channel}`),
          })}
        </p>
      )}
    </FormDialog>
  );
}
