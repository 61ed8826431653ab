import { distanceText, type Precision } from '../../cases/precision.ts';
import type { Translate } from '../../i18n/i18n.tsx';
import { isMessageKey } from '../../i18n/messages.ts';
import type { Tone } from '../../ui/StatusBadge.tsx';

/** A Mexican state's name (the customer catalogue has the 32), or its code. */
export function stateName(code: string, tc: Translate): string {
  const key = `assistance.mx.${code}`;
  return isMessageKey(key) ? tc(key) : code;
}

/** How a membership's state reads at a glance: current is good, owing stands out. */
export function membershipTone(state: string): Tone {
  switch (state) {
    case 'trial':
    case 'active':
      return 'good';
    case 'past_due':
    case 'suspended':
      return 'alert';
    default:
      return 'neutral';
  }
}

/** States in which the membership owes a payment and services are refused (SPEC "Eligibility"). */
export function owes(state: string): boolean {
  return state === 'past_due' || state === 'suspended';
}

/** A complaint's status at a glance. */
export function complaintTone(status: string, overdue: boolean): Tone {
  if (overdue || status === 'escalated') return 'alert';
  if (status === 'resolved') return 'good';
  return 'pending';
}

/** A charge's status at a glance. */
export function chargeTone(status: string): Tone {
  if (status === 'succeeded') return 'good';
  if (status === 'failed') return 'alert';
  return 'pending';
}

/** `m:ss` for a countdown; `0:00` once passed. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * Kilometres as people read them on the board: `2.4 km`, never finer than the case's point
 * (`~3 km` for a postal code, `~10 km` for a municipality, `—` when only the state is known).
 */
export function km(value: number, precision?: Precision | null): string {
  return distanceText(value, precision) ?? '—';
}
