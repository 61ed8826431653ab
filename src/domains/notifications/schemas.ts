import { Type } from '@sinclair/typebox';

const Instant = Type.String({ format: 'date-time' });
const Uuid = Type.String({ format: 'uuid' });
const Label = Type.Object({ es: Type.String(), en: Type.String() });

export const ChannelKindSchema = Type.Union([Type.Literal('email'), Type.Literal('sms')]);
export const LanguageSchema = Type.Union([Type.Literal('es'), Type.Literal('en')]);

export const MessageParams = Type.Object({ id: Uuid });

export const MessagesQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 200, description: 'How many messages, newest first (default 50)' }),
    ),
  },
  { additionalProperties: false },
);

/**
 * What happened to a message, in words people can be told: `pending` waits for its time (or a
 * retry), `sent` was accepted by the server, `delivered` reached the handset (a carrier's receipt),
 * `failed` will not go (see `reason`), `unconfigured` was kept because no channel of its kind is set
 * up, `cancelled` was withdrawn because it no longer applied.
 */
export const MessageState = Type.Union([
  Type.Literal('pending'),
  Type.Literal('sent'),
  Type.Literal('delivered'),
  Type.Literal('failed'),
  Type.Literal('unconfigured'),
  Type.Literal('cancelled'),
]);

export const MessageAttemptView = Type.Object({
  attempt: Type.Integer({ minimum: 1 }),
  at: Instant,
  channel: ChannelKindSchema,
  outcome: Type.Union([
    Type.Literal('sent'),
    Type.Literal('temporary_failure'),
    Type.Literal('permanent_failure'),
    Type.Literal('not_sent'),
  ]),
  /** Why it was not sent, in the reader's language (the server's own words when it gave them). */
  detail: Type.Union([Type.String(), Type.Null()]),
  address: Type.Union([
    Type.String({
      description: 'Where this attempt went: in full for staff, masked for the customer (m•••@correo.com)',
    }),
    Type.Null(),
  ]),
  receipt: Type.Union([
    Type.Object({
      status: Type.String({ examples: ['delivered', 'undeliverable', 'expired', 'rejected'] }),
      detail: Type.Union([Type.String(), Type.Null()]),
      at: Type.Union([Instant, Type.Null()]),
    }),
    Type.Null(),
  ]),
});

export const MessageView = Type.Object({
  id: Uuid,
  kind: Type.String({ examples: ['cancellation_confirmation'] }),
  channel: ChannelKindSchema,
  /** The person's language when it was written: what was (or will be) sent is in this language. */
  language: LanguageSchema,
  status: Type.String({
    description: 'The outbox row status: pending, sent, failed, unconfigured, cancelled',
  }),
  state: MessageState,
  /** Why it was not sent (failed, unconfigured), in the reader's language; null otherwise. */
  reason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Instant,
  sendAt: Instant,
  sentAt: Type.Union([Instant, Type.Null()]),
  caseId: Type.Union([Uuid, Type.Null()]),
  /** The subject and text in the reader's language (Accept-Language). */
  subject: Type.String(),
  body: Type.String(),
  /** The message this one repeats, when staff re-sent it. */
  resendOf: Type.Union([Uuid, Type.Null()]),
  attempts: Type.Array(MessageAttemptView),
});

export const AddressState = Type.Object({
  channel: ChannelKindSchema,
  /** The member's email, or mobile in E.164; null when there is no usable one. Masked for the customer. */
  address: Type.Union([Type.String(), Type.Null()]),
  /** Marked undeliverable: a server refused it for good. Nothing is sent to it until it changes. */
  undeliverable: Type.Union([Type.Object({ reason: Type.String(), since: Instant }), Type.Null()]),
});

export const MessagesPage = Type.Object({
  data: Type.Array(MessageView),
  addresses: Type.Array(AddressState),
});

/** The member's choice of channels per kind (kinds not named follow the catalogue's defaults). */
const ChannelChoice = Type.Array(ChannelKindSchema, { uniqueItems: true, maxItems: 2 });

export const PreferencesBody = Type.Object(
  {
    language: LanguageSchema,
    quietHours: Type.Boolean({
      description: 'SMS that can wait are held from 21:00 to 08:00 (Mexico City); live cases are never held',
    }),
    channels: Type.Record(Type.String(), ChannelChoice, {
      maxProperties: 50,
      description:
        'Channels per kind of message; a kind not named goes back to its default. An empty list is refused: these messages cannot be turned off.',
    }),
  },
  { additionalProperties: false },
);

export const PreferencesView = Type.Object({
  language: LanguageSchema,
  quietHours: Type.Boolean(),
  quietHoursWindow: Type.Object({ from: Type.String({ examples: ['21:00'] }), to: Type.String() }),
  /** Every kind of message to members, with the channels it goes by now. */
  channels: Type.Record(Type.String(), ChannelChoice),
  kinds: Type.Array(
    Type.Object({
      kind: Type.String(),
      /** Its subject, to name it. */
      label: Label,
      channels: ChannelChoice,
      defaults: ChannelChoice,
      /** The person chose its channels (otherwise the defaults apply). */
      chosen: Type.Boolean(),
      /** About a case under way: sent at once, quiet hours do not hold it. */
      live: Type.Boolean(),
    }),
  ),
});

/**
 * What will become of a confirmation Libra owes the person (a cancellation's): `will_send` by
 * `channels`; `not_configured` when no channel it goes by is set up here (it is kept, and shown in
 * the person's messages); `undeliverable` when the person has no usable address on those channels.
 */
export const ConfirmationForecast = Type.Object({
  channels: Type.Array(ChannelKindSchema),
  delivery: Type.Union([
    Type.Literal('will_send'),
    Type.Literal('not_configured'),
    Type.Literal('undeliverable'),
  ]),
});
