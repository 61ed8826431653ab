import type { Static } from '@sinclair/typebox';
import { useQuery } from '@tanstack/react-query';
import type {
  MessagesPage,
  MessageView,
  PreferencesBody,
  PreferencesView,
} from '../../domains/notifications/schemas.ts';
import { getJson } from '../api.ts';
import { useI18n } from '../i18n/i18n.tsx';

/**
 * A member's messages and their choices, read the same way by the agent's member page and the
 * customer's account page. Unlike the other reads, a message's subject and text come in the
 * reader's language only, so the messages' query key carries the language.
 */
export type MemberMessages = Static<typeof MessagesPage>;
export type MemberMessage = Static<typeof MessageView>;
export type MessageAttempt = MemberMessage['attempts'][number];
export type AddressState = MemberMessages['addresses'][number];
export type NotificationPreferences = Static<typeof PreferencesView>;
export type PreferencesInput = Static<typeof PreferencesBody>;

export const messagesKey = (membershipId: string) => ['messages', membershipId] as const;
export const preferencesKey = (membershipId: string) => ['notification-preferences', membershipId] as const;

export function useMemberMessages(membershipId: string) {
  const { lang } = useI18n();
  return useQuery({
    queryKey: [...messagesKey(membershipId), lang],
    queryFn: () => getJson<MemberMessages>(`/v1/memberships/${membershipId}/messages?limit=50`, lang),
    // A message's state moves on as the outbox works: read again on each visit.
    staleTime: 0,
  });
}

export function useNotificationPreferences(membershipId: string) {
  const { lang } = useI18n();
  return useQuery({
    queryKey: preferencesKey(membershipId),
    queryFn: () =>
      getJson<NotificationPreferences>(`/v1/memberships/${membershipId}/notification-preferences`, lang),
  });
}

/** How a message's state reads at a glance. */
export function messageTone(state: MemberMessage['state']): 'good' | 'neutral' | 'pending' | 'alert' {
  if (state === 'sent' || state === 'delivered') return 'good';
  if (state === 'pending') return 'pending';
  if (state === 'cancelled') return 'neutral';
  return 'alert';
}
