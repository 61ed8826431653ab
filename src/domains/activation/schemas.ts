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
