import { Type } from '@sinclair/typebox';
import { LoginResult } from '../identity/schemas.ts';

export const StartActivationBody = Type.Object(
  {
    /** As printed on the welcome letter or said on the phone (`LM-26-000123`, typed loosely). */
    membershipNumber: Type.String({ minLength: 1, maxLength: 40, examples: ['LM-26-000123'] }),
    cardLast4: Type.String({ pattern: '^\\d{4}$', examples: ['4242'] }),
    birthDate: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', examples: ['1985-03-15'] }),
  },
  { additionalProperties: false },
);

export const ActivationStarted = Type.Object({
  id: Type.String({ format: 'uuid' }),
  channel: Type.Union([Type.Literal('email'), Type.Literal('sms')]),
  /** Where the code went, masked (`a•••@example.com`, `•• •••• 4321`). */
  sentTo: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
  /** Wrong codes it takes before a new one is needed. */
  attempts: Type.Integer({ minimum: 1, maximum: 10 }),
});

export const ActivationParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const ConfirmActivationBody = Type.Object(
  {
    code: Type.String({ pattern: '^\\d{6}$', examples: ['482913'] }),
    /** The new account's password (the password policy applies). */
    password: Type.String({ minLength: 1, maxLength: 256 }),
    /** The email to sign in with; the one on file when absent. */
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
  },
  { additionalProperties: false },
);

export const ActivationConfirmed = Type.Object({
  ...LoginResult.properties,
  /** The membership the new account holds. */
  membershipId: Type.String({ format: 'uuid' }),
});

// Beneficiary invitations (invitations.ts).

export const InvitationPathParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  beneficiaryId: Type.String({ format: 'uuid' }),
});

export const MembershipPathParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const InviteBody = Type.Object(
  {
    /** Where the link goes: an email, or else a Mexican mobile for a text message. */
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    phone: Type.Optional(Type.String({ minLength: 1, maxLength: 25, examples: ['55 1234 5678'] })),
  },
  { additionalProperties: false },
);

const InvitationState = Type.Union(
  ['open', 'used', 'superseded', 'revoked', 'expired'].map((s) => Type.Literal(s)),
);

export const Invitation = Type.Object({
  id: Type.String({ format: 'uuid' }),
  beneficiaryId: Type.String({ format: 'uuid' }),
  channel: Type.Union([Type.Literal('email'), Type.Literal('sms')]),
  /** Where the link went, masked. */
  sentTo: Type.String(),
  state: InvitationState,
  expiresAt: Type.String({ format: 'date-time' }),
  createdAt: Type.String({ format: 'date-time' }),
});

export const BeneficiaryAccess = Type.Object({
  invitations: Type.Array(Invitation),
  accounts: Type.Array(
    Type.Object({
      beneficiaryId: Type.String({ format: 'uuid' }),
      since: Type.String({ format: 'date-time' }),
    }),
  ),
});

export const TokenParams = Type.Object({ token: Type.String({ minLength: 16, maxLength: 128 }) });

export const AcceptInvitationBody = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    /** The new account's password (the password policy applies). */
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);

export const InvitationAccepted = Type.Object({
  ...LoginResult.properties,
  membershipId: Type.String({ format: 'uuid' }),
  /** The beneficiary the new account stands for. */
  personId: Type.String({ format: 'uuid' }),
});
