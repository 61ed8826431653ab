import { Type } from '@sinclair/typebox';

export const TokenizeBody = Type.Object(
  {
    number: Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'The card number; spaces and dashes between digits are ignored.',
      examples: ['4242 4242 4242 4242'],
    }),
    expMonth: Type.Integer({ minimum: 1, maximum: 12, examples: [12] }),
    expYear: Type.Integer({ minimum: 2000, maximum: 2100, description: 'Four digits.', examples: [2030] }),
    cvv: Type.String({ minLength: 1, maxLength: 8, examples: ['123'] }),
    holderName: Type.Optional(Type.String({ maxLength: 200, description: 'Accepted and not kept.' })),
  },
  { additionalProperties: false },
);

export const CardSummaryView = Type.Object(
  {
    token: Type.String({ examples: ['tok_sandbox_3q2-7wEAAQI0ZlmJ1jQ8WAtE'] }),
    brand: Type.Union(['visa', 'mastercard', 'amex', 'carnet', 'unknown'].map((b) => Type.Literal(b))),
    type: Type.Union([Type.Literal('credit'), Type.Literal('debit')]),
    last4: Type.String({ pattern: '^[0-9]{4}$', examples: ['4242'] }),
    expMonth: Type.Integer({ minimum: 1, maximum: 12 }),
    expYear: Type.Integer(),
  },
  { additionalProperties: false },
);
