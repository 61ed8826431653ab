import { Type } from '@sinclair/typebox';
import { LoginResult } from '../identity/schemas.ts';

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
