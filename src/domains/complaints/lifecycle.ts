/**
 * A complaint's statuses and the moves between them. Pure: the service asks `move` before writing,
 * and the timeline records every move with its time, actor and note.
 *
 * open → in_progress (taken) → resolved
 * open | in_progress → escalated (by staff, or by the system once past the due date)
 * escalated → in_progress (a supervisor takes it) | resolved (by a supervisor)
 * resolved is final.
 */
export const COMPLAINT_STATUSES = ['open', 'in_progress', 'resolved', 'escalated'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

export const COMPLAINT_CATEGORIES = [
  'service_quality',
  'provider_conduct',
  'charge',
  'cancellation',
  'data_privacy',
  'other',
] as const;
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

/** Statuses the due date still runs in: escalated once it passes. */
export const AWAITING_STAFF: readonly ComplaintStatus[] = ['open', 'in_progress'];

export type ComplaintAction = 'take' | 'resolve' | 'escalate';

/** Who acts: the roles that work complaints, and the system (the escalation sweep). */
export type ComplaintWorker = 'agent' | 'supervisor' | 'system';

export type MoveRefusal =
  /** The status does not allow the action at all. */
  | 'COMPLAINT_TRANSITION_INVALID'
  /** Someone else is working on it. */
  | 'COMPLAINT_ALREADY_TAKEN'
  /** Escalated complaints are a supervisor's. */
  | 'COMPLAINT_SUPERVISOR_REQUIRED'
  /** Only the owner (or a supervisor) resolves a complaint in progress. */
  | 'COMPLAINT_NOT_YOURS';

const TARGET: Record<ComplaintAction, ComplaintStatus> = {
  take: 'in_progress',
  resolve: 'resolved',
  escalate: 'escalated',
};

/**
 * The status an action leads to, or why it is refused. `isOwner` says whether the worker is the
 * complaint's current owner.
 */
export function move(
  status: ComplaintStatus,
  action: ComplaintAction,
  worker: ComplaintWorker,
  isOwner: boolean,
): { to: ComplaintStatus } | { refused: MoveRefusal } {
  const to = TARGET[action];
  switch (status) {
    case 'open':
      if (action === 'take' || action === 'escalate') return { to };
      return { refused: 'COMPLAINT_TRANSITION_INVALID' };
    case 'in_progress':
      if (action === 'take') return { refused: 'COMPLAINT_ALREADY_TAKEN' };
      if (action === 'resolve' && !isOwner && worker !== 'supervisor')
        return { refused: 'COMPLAINT_NOT_YOURS' };
      return { to };
    case 'escalated':
      if (action === 'escalate') return { refused: 'COMPLAINT_TRANSITION_INVALID' };
      if (worker !== 'supervisor') return { refused: 'COMPLAINT_SUPERVISOR_REQUIRED' };
      return { to };
    case 'resolved':
      return { refused: 'COMPLAINT_TRANSITION_INVALID' };
  }
}

/** Not resolved and past its due date. */
export function isOverdue(status: string, dueAt: Date, now: Date): boolean {
  return status !== 'resolved' && now.getTime() > dueAt.getTime();
}
