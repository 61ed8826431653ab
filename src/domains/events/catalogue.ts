/**
 * Every event type the log holds, with what it tells (docs/webhooks.md lists each one's data).
 * Payloads carry ids and the fields a partner acts on — states, amounts, numbers — never card data
 * nor a person's name, contact or place.
 */
export const EVENT_TYPES = {
  'membership.created': 'A membership was contracted (any channel).',
  'membership.state_changed':
    'A membership moved along its lifecycle (trial, active, past_due, suspended, cancelled).',
  'charge.succeeded': 'A monthly charge was paid.',
  'charge.failed': 'A charge attempt was declined; `retryAt` says when it is tried again (null: no more).',
  'refund.created': 'A refund of a charge was recorded (pending until the processor answers).',
  'refund.succeeded': 'The processor gave the money back.',
  'refund.failed': 'The processor refused the refund.',
  'case.created': 'An assistance case was opened.',
  'case.state_changed': 'An assistance case moved to another state.',
  'complaint.created': 'A complaint was filed.',
  'complaint.resolved': 'A complaint was resolved and the customer told.',
  'cancellation.created': 'A membership was cancelled (with the refund decision).',
  'invoice.issued': 'A CFDI document (invoice, credit note) was stamped.',
  'invoice.cancelled': 'A stamped CFDI document was cancelled before the SAT.',
  'webhook_endpoint.disabled':
    'One of your webhook endpoints was disabled after failing for about three days.',
} as const;

export type EventType = keyof typeof EVENT_TYPES;
export const EVENT_TYPE_NAMES = Object.keys(EVENT_TYPES) as EventType[];

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(EVENT_TYPES, value);
}
