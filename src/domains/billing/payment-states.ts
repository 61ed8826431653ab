import { formatLongDate } from '../../lib/words.ts';
import { MEMBERSHIP_TRANSITIONS } from '../members/service.ts';
import type { SettledCharge, StateChange } from './repository.ts';
import { DECLINE_LABELS } from './views.ts';

/** Lifecycle moves billing may make (cancellation is never billing's). */
export const BILLING_MOVES: [string, string][] = Object.entries(MEMBERSHIP_TRANSITIONS).flatMap(
  ([from, tos]) => tos.filter((to) => to !== 'cancelled').map((to): [string, string] => [from, to]),
);

function mexicoCityDay(at: Date): string {
  return formatLongDate(at, 'es');
}

/**
 * A membership follows its charges: a decline makes it past_due, the last decline suspended, a
 * payment active again (the statement then checks no other charge of it is still declined).
 * Answers the moves to ask for, in the steps they must be made in (none: nothing to move).
 */
export function stateSteps(settled: SettledCharge[], declines: Map<string, string | null>): StateChange[][] {
  const rank = { active: 0, past_due: 1, suspended: 2 } as const;
  const target = new Map<string, StateChange & { rank: number }>();
  for (const s of settled) {
    if (s.status === 'unknown') continue;
    const decline = DECLINE_LABELS[declines.get(s.id) ?? '']?.es ?? 'cargo rechazado';
    const change =
      s.status === 'succeeded'
        ? { toState: 'active', reason: 'Pago recibido', rank: rank.active }
        : s.retryAt
          ? {
              toState: 'past_due',
              reason: `Cargo rechazado (${decline}); se reintenta el ${mexicoCityDay(s.retryAt)}`,
              rank: rank.past_due,
            }
          : {
              toState: 'suspended',
              reason: `Cargo rechazado (${decline}) tras agotar los reintentos`,
              rank: rank.suspended,
            };
    const current = target.get(s.membershipId);
    if (!current || change.rank > current.rank)
      target.set(s.membershipId, { membershipId: s.membershipId, chargeId: s.id, ...change });
  }
  // A payment of a membership already active moves nothing, whatever happens to it meanwhile
  // (see `changeStates`): the usual case of a run, which then makes no statement here at all.
  const stateOf = new Map(settled.map((s) => [s.membershipId, s.membershipState]));
  for (const [id, change] of target)
    if (change.toState === 'active' && stateOf.get(id) === 'active') target.delete(id);
  if (target.size === 0) return [];
  const changes = [...target.values()].map(({ rank: _r, ...c }) => c);
  const suspensions = changes.filter((c) => c.toState === 'suspended');
  // Suspension comes from past_due: a membership never past due passes through it first.
  return [
    ...(suspensions.length > 0
      ? [
          [
            ...changes.filter((c) => c.toState !== 'suspended'),
            ...suspensions.map((c) => ({ ...c, toState: 'past_due' })),
          ],
        ]
      : [changes]),
    ...(suspensions.length > 0 ? [suspensions] : []),
  ];
}
