import { BLOCKED_WORDS } from '../cases/blocked.ts';
import { isOverdue } from './lifecycle.ts';
import type { ComplaintEventRow, ComplaintRecord, NotificationRow } from './repository.ts';

type Label = { es: string; en: string };

export const CATEGORY_LABELS: Record<string, Label> = {
  service_quality: { es: 'Calidad del servicio', en: 'Service quality' },
  provider_conduct: { es: 'Trato del proveedor', en: 'Provider conduct' },
  charge: { es: 'Cobro', en: 'Charge' },
  cancellation: { es: 'Cancelación', en: 'Cancellation' },
  data_privacy: { es: 'Datos personales', en: 'Personal data' },
  other: { es: 'Otro', en: 'Other' },
};

export const STATUS_LABELS: Record<string, Label> = {
  open: { es: 'Recibida', en: 'Open' },
  in_progress: { es: 'En atención', en: 'In progress' },
  escalated: { es: 'Escalada a supervisión', en: 'Escalated' },
  resolved: { es: 'Resuelta', en: 'Resolved' },
};

const EVENT_LABELS: Record<string, Label> = {
  filed: { es: 'Queja recibida', en: 'Complaint filed' },
  taken: { es: 'En atención', en: 'Taken' },
  note: { es: 'Nota interna', en: 'Internal note' },
  escalated: { es: 'Escalada a supervisión', en: 'Escalated to a supervisor' },
  resolved: { es: 'Resuelta', en: 'Resolved' },
};
const AUTOMATIC_ESCALATION: Label = {
  es: 'Escalada a supervisión: venció el plazo de respuesta',
  en: 'Escalated to a supervisor: past its due date',
};

export interface ComplaintEventView {
  seq: number;
  type: string;
  label: Label;
  fromStatus: string | null;
  toStatus: string | null;
  actor: { type: string; id?: string | null; name: string };
  note: string | null;
  at: string;
}

export interface ComplaintNotificationView {
  kind: string;
  channel: string;
  status: string;
  sendAt: string;
  es: string;
  en: string;
}

export interface ComplaintView {
  id: string;
  number: string;
  membershipId: string;
  membershipNumber: string;
  caseId: string | null;
  caseNumber: string | null;
  chargeId: string | null;
  category: string;
  categoryLabel: Label;
  channel: string;
  status: string;
  statusLabel: Label;
  text: string;
  owner: { id?: string; name: string } | null;
  dueAt: string;
  overdue: boolean;
  resolution: string | null;
  resolvedAt: string | null;
  escalatedAt: string | null;
  filedBy: { type: string; name: string };
  filedAt: string;
  updatedAt: string;
  timeline?: ComplaintEventView[];
  notifications?: ComplaintNotificationView[];
}

/**
 * Staff see everything; the customer and the partner see the complaint without staff's internal
 * notes or staff ids (the resolution, told to the customer, stays).
 */
export type Audience = 'staff' | 'member';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentEvent(e: ComplaintEventRow, audience: Audience): ComplaintEventView {
  const staff = audience === 'staff';
  return {
    seq: e.seq,
    type: e.type,
    label:
      e.type === 'escalated' && e.actorType === 'system'
        ? AUTOMATIC_ESCALATION
        : (EVENT_LABELS[e.type] ?? { es: e.type, en: e.type }),
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    actor: staff
      ? { type: e.actorType, id: e.actorId, name: e.actorName }
      : { type: e.actorType, name: e.actorName },
    note: staff || e.type === 'resolved' ? e.note : null,
    at: e.at.toISOString(),
  };
}

export function presentNotification(n: NotificationRow): ComplaintNotificationView {
  return {
    kind: n.kind,
    channel: n.channel,
    status: n.status,
    sendAt: n.sendAt.toISOString(),
    es: n.bodyEs,
    en: n.bodyEn,
  };
}

export function presentComplaint(
  record: ComplaintRecord,
  now: Date,
  audience: Audience,
  details?: { events: ComplaintEventRow[]; notifications: NotificationRow[] },
): ComplaintView {
  const c = record.complaint;
  const staff = audience === 'staff';
  return {
    id: c.id,
    number: c.number,
    membershipId: c.membershipId,
    membershipNumber: record.membershipNumber,
    caseId: c.caseId,
    caseNumber: record.caseNumber,
    chargeId: c.chargeId,
    category: c.category,
    categoryLabel: CATEGORY_LABELS[c.category] ?? { es: c.category, en: c.category },
    channel: c.channel,
    status: c.status,
    statusLabel: STATUS_LABELS[c.status] ?? { es: c.status, en: c.status },
    text: c.text,
    owner: c.ownerId ? { ...(staff ? { id: c.ownerId } : {}), name: c.ownerName ?? '—' } : null,
    dueAt: c.dueAt.toISOString(),
    overdue: isOverdue(c.status, c.dueAt, now),
    resolution: c.resolution,
    resolvedAt: iso(c.resolvedAt),
    escalatedAt: iso(c.escalatedAt),
    filedBy: { type: c.filedByType, name: c.filedByName },
    filedAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    ...(details
      ? {
          timeline: details.events
            .filter((e) => staff || e.type !== 'note')
            .map((e) => presentEvent(e, audience)),
          notifications: details.notifications.map(presentNotification),
        }
      : {}),
  };
}

/**
 * A complaint of a membership whose personal data is blocked by an ARCO cancellation, as staff
 * see it: what was complained of and said (the text, the resolution, notes, the messages sent) and
 * the customer's name are withheld; the number, category, dates, status and owner stay.
 */
export function withPersonBlocked(view: ComplaintView): ComplaintView {
  const blocked = (text: string | null) => (text === null ? null : BLOCKED_WORDS);
  const name = (actor: { type: string; name: string }) =>
    actor.type === 'customer' ? BLOCKED_WORDS : actor.name;
  return {
    ...view,
    text: BLOCKED_WORDS,
    resolution: blocked(view.resolution),
    filedBy: { ...view.filedBy, name: name(view.filedBy) },
    ...(view.timeline
      ? {
          timeline: view.timeline.map((e) => ({
            ...e,
            note: blocked(e.note),
            actor: { ...e.actor, name: name(e.actor) },
          })),
        }
      : {}),
    ...(view.notifications
      ? { notifications: view.notifications.map((n) => ({ ...n, es: BLOCKED_WORDS, en: BLOCKED_WORDS })) }
      : {}),
  };
}
