import { formatDate, formatDateTime, formatMoney } from '../../i18n/format.ts';
import type { Translate } from '../../i18n/i18n.tsx';
import { isMessageKey, type Lang, type MessageKey } from '../../i18n/messages.ts';
import type { Membership } from '../../members/membership.ts';
import type { Charge } from '../../members/membership-data.ts';
import type { Tone } from '../../ui/StatusBadge.tsx';
import { lastCoveredInstant } from './portal-data.ts';

/** How the portal words the API's data (states, cards, charges, devices) from the catalogue. */

export type MembershipState = 'trial' | 'active' | 'past_due' | 'suspended' | 'cancelled';
export type PersonKind = 'titular' | 'spouse' | 'child' | 'additional_cardholder';

/** The API's state (typed as a string by its schema) as one of the states the portal words. */
export function stateOf(membership: Membership): MembershipState {
  return membership.state as MembershipState;
}

export const STATE_TONE: Record<MembershipState, Tone> = {
  trial: 'good',
  active: 'good',
  past_due: 'alert',
  suspended: 'alert',
  cancelled: 'neutral',
};

/** A message for a key built from data, or the fallback when the catalogue has none. */
function dataWord(t: Translate, key: string, fallback: string): string {
  return isMessageKey(key) ? t(key) : fallback;
}

/** `Visa de crédito terminada en 4242`. */
export function cardSummary(card: { brand: string; type?: string; last4: string }, t: Translate): string {
  const brand = dataWord(t, `portal.card.brand.${card.brand}`, t('portal.card.brand.unknown'));
  const type = card.type ? dataWord(t, `portal.card.type.${card.type}`, '') : '';
  return t('portal.card.summary', { brand, type, last4: card.last4 }).replace(/\s+/g, ' ');
}

/** A specialty's name from its normalised key (`cardiologia` → cardiología), or the key in words. */
export function perKeyValue(value: string, t: Translate): string {
  return dataWord(t, `portal.specialty.${value}`, value.replace(/-/g, ' '));
}

/** What a per-key limit counts (`specialty` → especialidad). */
export function perKeyName(key: string, t: Translate): string {
  return dataWord(t, `benefits.key.${key}`, key);
}

/** A charge's period as `25 ene 2027 – 24 feb 2027` (the end is exclusive). */
export function periodText(period: Charge['period'], lang: Lang, t: Translate): string {
  return t('portal.charge.period', {
    from: formatDate(period.startsAt, lang),
    to: formatDate(lastCoveredInstant(period.endsAt), lang),
  });
}

/** A charge's status in a customer's words: paid, declined, refunded (in part), in process. */
export function chargeStatus(charge: Charge): { tone: Tone; key: MessageKey } {
  if (charge.status === 'succeeded') {
    if (charge.refundedCentavos >= charge.amount.totalCentavos)
      return { tone: 'neutral', key: 'portal.charge.refunded' };
    if (charge.refundedCentavos > 0) return { tone: 'neutral', key: 'portal.charge.partlyRefunded' };
    return { tone: 'good', key: 'portal.charge.paid' };
  }
  if (charge.status === 'failed') return { tone: 'alert', key: 'portal.charge.declined' };
  if (charge.status === 'unknown') return { tone: 'pending', key: 'portal.charge.unknown' };
  return { tone: 'pending', key: 'portal.charge.pending' };
}

const BROWSERS: [RegExp, string][] = [
  [/Edg\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/SamsungBrowser/, 'Samsung Internet'],
  [/Firefox\/|FxiOS/, 'Firefox'],
  [/Chrome\/|Chromium\/|CriOS/, 'Chrome'],
  [/Safari\//, 'Safari'],
];
const SYSTEMS: [RegExp, string][] = [
  [/iPhone/, 'iPhone'],
  [/iPad/, 'iPad'],
  [/Android/, 'Android'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'Mac'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

/** `Chrome en Android`, from a session's user agent (only for people to recognise their devices). */
export function deviceOf(userAgent: string | null, t: Translate): string {
  const ua = userAgent ?? '';
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1] ?? t('portal.account.unknownBrowser');
  const os = SYSTEMS.find(([re]) => re.test(ua))?.[1] ?? t('portal.account.unknownOs');
  return t('portal.account.device', { browser, os });
}

/** A refund of a charge in words: done (amount and when), pending or failed. */
export function refundText(refund: Charge['refunds'][number], lang: Lang, t: Translate): string {
  const amount = formatMoney(refund.amountCentavos);
  if (refund.status === 'succeeded')
    return t('portal.charge.refund', {
      amount,
      date: formatDateTime(refund.completedAt ?? refund.createdAt, lang),
    });
  return t(refund.status === 'pending' ? 'portal.charge.refundPending' : 'portal.charge.refundFailed', {
    amount,
  });
}
