import type { Static } from '@sinclair/typebox';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { BeneficiaryAccess } from '../../../domains/activation/schemas.ts';
import { api, getJson, problemText } from '../../api.ts';
import { formatDate } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import type { Person } from '../../members/membership.ts';
import { Button } from '../../ui/Button.tsx';
import { Dialog, DialogActions } from '../../ui/Dialog.tsx';
import { FormError } from '../../ui/Field.tsx';
import { StatusBadge, type Tone } from '../../ui/StatusBadge.tsx';
import { InvitePerson, isAdult } from './InvitePerson.tsx';

type Access = Static<typeof BeneficiaryAccess>;

export const accessKey = (membershipId: string) => ['beneficiary-access', membershipId] as const;

/** Who has an account of their own and the invitations sent (GET …/beneficiary-access), once per page. */
export function useBeneficiaryAccess(membershipId: string) {
  const { lang } = useI18n();
  return useQuery({
    queryKey: accessKey(membershipId),
    queryFn: () => getJson<Access>(`/v1/memberships/${membershipId}/beneficiary-access`, lang),
  });
}

/** Where one person stands: their account, their latest invitation, or nothing yet. */
export type PersonAccessState =
  | { kind: 'account'; since: string }
  | { kind: 'open' | 'expired'; sentTo: string; expiresAt: string }
  | { kind: 'revoked' }
  | { kind: 'none' };

export function accessOf(access: Access | undefined, personId: string): PersonAccessState {
  const account = access?.accounts.find((a) => a.beneficiaryId === personId);
  if (account) return { kind: 'account', since: account.since };
  // Newest first: the latest invitation says where things stand.
  const latest = access?.invitations.find((i) => i.beneficiaryId === personId);
  if (latest?.state === 'open' || latest?.state === 'expired')
    return { kind: latest.state, sentTo: latest.sentTo, expiresAt: latest.expiresAt };
  // Accepted, and no live account now: the titular took the access away.
  if (latest?.state === 'used') return { kind: 'revoked' };
  return { kind: 'none' };
}

const TONE: Record<PersonAccessState['kind'], Tone> = {
  account: 'good',
  open: 'pending',
  expired: 'alert',
  revoked: 'neutral',
  none: 'neutral',
};

/**
 * On a person's card in Personas: whether they have an account of their own or an invitation under
 * way, and what the titular may do about it — invite, send the invitation again, cancel it, or take
 * the account's access away (each of the last two after a confirmation).
 */
export function PersonAccess({
  person,
  membershipId,
  access,
  onNotice,
}: {
  person: Person;
  membershipId: string;
  access: Access | undefined;
  onNotice: (notice: string) => void;
}) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const state = accessOf(access, person.id);
  if (state.kind === 'none' && !isAdult(person.birthDate)) return null;
  const refresh = () => queryClient.invalidateQueries({ queryKey: accessKey(membershipId) });
  const invite = (label: MessageKey) => (
    <InvitePerson
      person={person}
      membershipId={membershipId}
      label={label}
      onSent={(notice) => {
        onNotice(notice);
        void refresh();
      }}
    />
  );
  return (
    <div className="person-access" data-testid="person-access" data-access={state.kind}>
      {state.kind !== 'none' && (
        <p>
          <StatusBadge tone={TONE[state.kind]}>{t(`portal.access.badge.${state.kind}`)}</StatusBadge>{' '}
          {state.kind === 'account' && t('portal.access.account', { date: formatDate(state.since, lang) })}
          {(state.kind === 'open' || state.kind === 'expired') &&
            t(`portal.access.${state.kind}`, { to: state.sentTo, date: formatDate(state.expiresAt, lang) })}
          {state.kind === 'revoked' && t('portal.access.revoked')}
        </p>
      )}
      <div className="actions">
        {state.kind === 'none' && invite('portal.people.invite')}
        {(state.kind === 'open' || state.kind === 'expired') && invite('portal.access.resend')}
        {state.kind === 'revoked' && invite('portal.access.inviteAgain')}
        {(state.kind === 'open' || state.kind === 'account') && (
          <Button variant="secondary" onClick={() => setConfirming(true)}>
            {t(state.kind === 'account' ? 'portal.access.revoke' : 'portal.access.cancel')}
            <span className="visually-hidden"> {t('portal.access.who', { name: person.fullName })}</span>
          </Button>
        )}
      </div>
      <RevokeDialog
        open={confirming}
        what={state.kind === 'account' ? 'revoke' : 'cancel'}
        person={person}
        membershipId={membershipId}
        onClose={() => setConfirming(false)}
        onDone={(notice) => {
          setConfirming(false);
          onNotice(notice);
          void refresh();
        }}
      />
    </div>
  );
}

/** Taking the access away (or cancelling the invitation under way), once the titular confirms. */
function RevokeDialog({
  open,
  what,
  person,
  membershipId,
  onClose,
  onDone,
}: {
  open: boolean;
  what: 'revoke' | 'cancel';
  person: Person;
  membershipId: string;
  onClose: () => void;
  onDone: (notice: string) => void;
}) {
  const { t, lang } = useI18n();
  const [working, setWorking] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  const name = person.fullName;

  async function confirm() {
    setWorking(true);
    setProblem(undefined);
    try {
      await api('DELETE', `/v1/memberships/${membershipId}/beneficiaries/${person.id}/access`, { lang });
      onDone(t(what === 'revoke' ? 'portal.access.revoked.done' : 'portal.access.cancelled.done', { name }));
    } catch (error) {
      setProblem(problemText(error, t('state.error.network')));
    } finally {
      setWorking(false);
    }
  }

  return (
    <Dialog open={open} onClose={onClose} title={t(`portal.access.${what}.title`, { name })}>
      <p>{t(`portal.access.${what}.body`, { name })}</p>
      <FormError message={problem} />
      <DialogActions>
        <Button onClick={() => void confirm()} disabled={working}>
          {working ? t('portal.access.working') : t(`portal.access.${what}.yes`)}
        </Button>
        <Button variant="secondary" onClick={onClose} disabled={working} data-autofocus>
          {t('portal.access.no')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
