import { Type } from '@sinclair/typebox';
import { Nullable, PageLimit } from '../../platform/schemas.ts';
import { EVENT_TYPE_NAMES, EVENT_TYPES } from './catalogue.ts';
import { CURSOR_PATTERN } from './cursor.ts';

const Instant = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });

export const EventTypeName = Type.Union(
  EVENT_TYPE_NAMES.map((name) => Type.Literal(name, { description: EVENT_TYPES[name] })),
  { description: 'An event type (docs/webhooks.md lists what each one carries)' },
);

export const EventListQuery = Type.Object(
  {
    after: Type.Optional(
      Type.String({
        pattern: CURSOR_PATTERN,
        maxLength: 40,
        description:
          'Continue after this cursor: the `next` of the previous answer (or any event’s `cursor`). Absent: from the first event.',
      }),
    ),
    type: Type.Optional(
      Type.Array(EventTypeName, { maxItems: 20, description: 'Only these types (repeat the parameter)' }),
    ),
    limit: Type.Optional(PageLimit(500, 100)),
  },
  { additionalProperties: false },
);

export const EventView = Type.Object({
  id: Type.String({ format: 'uuid', description: 'Unique; the `webhook-id` of its deliveries' }),
  type: Type.String({ description: 'The event type' }),
  occurredAt: Instant,
  cursor: Type.String({ description: 'This event’s place in the log, for `after`' }),
  membershipId: Nullable(Uuid),
  data: Type.Record(Type.String(), Type.Unknown(), {
    description: 'Ids and public fields of what changed (never card data or contact details)',
  }),
});

export const EventPage = Type.Object({
  data: Type.Array(EventView),
  next: Type.String({
    description:
      'Pass as `after` to continue; equal to the `after` sent when nothing new was ready. Events come in one order that never changes, and none is ever skipped.',
  }),
});

// Webhook endpoints ---------------------------------------------------------------------------

export const WebhookEndpointParams = Type.Object({ id: Uuid });
export const WebhookDeliveryParams = Type.Object({ id: Uuid, deliveryId: Uuid });

const Url = Type.String({
  minLength: 8,
  maxLength: 2048,
  description: 'Where deliveries are POSTed: http(s) only; in production a public https address',
});

export const WebhookEndpointBody = Type.Object(
  {
    url: Url,
    description: Type.Optional(Type.String({ maxLength: 200 })),
    eventTypes: Type.Optional(
      Type.Array(EventTypeName, {
        maxItems: EVENT_TYPE_NAMES.length,
        uniqueItems: true,
        description: 'Only these types are delivered; absent or empty: every type',
      }),
    ),
  },
  { additionalProperties: false },
);

export const RotateSecretBody = Type.Object(
  {
    previousSecretHours: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 168,
        default: 24,
        description: 'Hours the old secret keeps signing beside the new one (0–168, default 24)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const WebhookEndpointView = Type.Object({
  id: Uuid,
  url: Type.String(),
  description: Nullable(Type.String()),
  eventTypes: Type.Array(Type.String()),
  status: Type.Union([Type.Literal('enabled'), Type.Literal('disabled')]),
  disabledAt: Nullable(Instant),
  disabledReason: Nullable(Type.String()),
  previousSecretExpiresAt: Nullable(Instant),
  createdAt: Instant,
});

export const WebhookEndpointWithSecret = Type.Intersect([
  WebhookEndpointView,
  Type.Object({
    secret: Type.String({
      description:
        'whsec_… (base64 after the prefix): verify signatures with it. Shown only in this answer; keep it safe.',
    }),
  }),
]);

export const WebhookEndpointList = Type.Object({ data: Type.Array(WebhookEndpointView) });

export const WebhookAttemptView = Type.Object({
  number: Type.Integer(),
  at: Instant,
  trigger: Type.Union([Type.Literal('scheduled'), Type.Literal('replay')]),
  responseStatus: Nullable(Type.Integer()),
  result: Type.String({
    description:
      '`ok`, `http_error`, `timeout`, `network_error`, `redirect_not_followed`, `address_not_allowed`',
  }),
  detail: Nullable(Type.String()),
  durationMs: Type.Integer(),
});

export const WebhookDeliveryView = Type.Object({
  id: Uuid,
  eventId: Uuid,
  eventType: Type.String(),
  status: Type.Union(['pending', 'succeeded', 'failed', 'cancelled'].map((s) => Type.Literal(s))),
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(Instant),
  outcome: Nullable(Type.String()),
  createdAt: Instant,
  log: Type.Array(WebhookAttemptView),
});

export const WebhookDeliveryQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union(['pending', 'succeeded', 'failed', 'cancelled'].map((s) => Type.Literal(s))),
    ),
    before: Type.Optional(Type.String({ format: 'uuid', description: 'Older than this delivery' })),
    limit: Type.Optional(PageLimit(100, 20)),
  },
  { additionalProperties: false },
);

export const WebhookDeliveryPage = Type.Object({
  data: Type.Array(WebhookDeliveryView),
  next: Nullable(Type.String({ description: 'Pass as `before` for older deliveries; null: none' })),
});
