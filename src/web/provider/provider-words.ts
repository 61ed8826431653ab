import type { Tone } from '../ui/StatusBadge.tsx';

/** How a job's state reads at a glance in the provider app. */
export function stateTone(state: string): Tone {
  switch (state) {
    case 'on_site':
    case 'completed':
    case 'attended':
      return 'good';
    case 'awaiting_excess_acceptance':
    case 'cancelled':
    case 'no_show':
      return 'alert';
    case 'dispatched':
    case 'en_route':
    case 'booked':
      return 'pending';
    default:
      return 'neutral';
  }
}
