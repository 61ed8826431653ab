import { Type } from '@sinclair/typebox';
import { API_KEY_KINDS, API_KEY_RATE_LIMIT_RANGE, SCOPES, USER_ROLES } from '../../platform/principal.ts';

const Email = Type.String({ format: 'email', maxLength: 254, examples: ['agente@demo.libra.mx'] });
const Role = Type.Union(USER_ROLES.map((r) => Type.Literal(r)));

export const LoginBody = Type.Object(
  {
    email: Email,
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);

export const UserView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  name: Type.String(),
  role: Role,
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  providerId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});

export const LoginResult = Type.Object({
  user: UserView,
  /** Send it back as X-CSRF-Token on every write made with the session cookie. */
  csrfToken: Type.String(),
  session: Type.Object({ id: Type.String(), expiresAt: Type.String({ format: 'date-time' }) }),
});

export const Me = Type.Union([
  Type.Object({
    kind: Type.Literal('user'),
    user: Type.Object({
      id: Type.String(),
      email: Type.String(),
      name: Type.String(),
      role: Role,
      providerId: Type.Union([Type.String(), Type.Null()]),
    }),
    session: Type.Object({ id: Type.String(), expiresAt: Type.String({ format: 'date-time' }) }),
    csrfToken: Type.String(),
  }),
  Type.Object({
    kind: Type.Literal('api_key'),
    apiKey: Type.Object({
      id: Type.String(),
      name: Type.String(),
      kind: Type.String(),
      scopes: Type.Array(Type.String()),
      providerId: Type.Union([Type.String(), Type.Null()]),
    }),
  }),
]);

export const SessionView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  current: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
});

export const ChangePasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 256 }),
    newPassword: Type.String({
      minLength: 1,
      maxLength: 256,
      description:
        '12–256 characters, not a common one, not made of your name or email, and hard to guess (zxcvbn score 3, 4 for staff and providers; checked by the service, error PASSWORD_TOO_WEAK)',
    }),
  },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const CreateUserBody = Type.Object(
  {
    email: Email,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    role: Role,
    password: Type.String({
      minLength: 1,
      maxLength: 256,
      description:
        'The password policy (see newPassword of POST /v1/me/password); staff and provider accounts need zxcvbn score 4',
    }),
    providerId: Type.Optional(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false },
);

export const SignInUnlocked = Type.Object({
  user: UserView,
  /** Failed sign-ins of the account before this instant no longer count. */
  unlockedAt: Type.String({ format: 'date-time' }),
  /** The account's failed sign-ins of the last day that stopped counting. */
  failuresCleared: Type.Integer({ minimum: 0 }),
});

export const UsersQuery = Type.Object({ role: Type.Optional(Role) }, { additionalProperties: false });

export const ApiKeyView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  prefix: Type.String(),
  kind: Type.Union(API_KEY_KINDS.map((k) => Type.Literal(k))),
  scopes: Type.Array(Type.String()),
  providerId: Type.Union([Type.String(), Type.Null()]),
  rateLimitPerMinute: Type.Union([Type.Integer(), Type.Null()], {
    description:
      "The key's own requests a minute, from any address; null: the server's PARTNER_RATE_LIMIT_PER_MINUTE",
  }),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const CreateApiKeyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: Type.Union(API_KEY_KINDS.map((k) => Type.Literal(k))),
    scopes: Type.Array(Type.Union(Object.keys(SCOPES).map((s) => Type.Literal(s))), {
      minItems: 1,
      maxItems: Object.keys(SCOPES).length,
      uniqueItems: true,
    }),
    providerId: Type.Optional(Type.String({ format: 'uuid' })),
    rateLimitPerMinute: Type.Optional(
      Type.Integer({
        minimum: API_KEY_RATE_LIMIT_RANGE.min,
        maximum: API_KEY_RATE_LIMIT_RANGE.max,
        description:
          "The key's own requests a minute, whatever address it calls from; absent: the server's PARTNER_RATE_LIMIT_PER_MINUTE (6000 unless set)",
      }),
    ),
  },
  { additionalProperties: false },
);

export const CreatedApiKey = Type.Object({
  apiKey: ApiKeyView,
  /** The whole key. Shown this once; Libra keeps only its hash. */
  key: Type.String(),
});
