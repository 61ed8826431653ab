import { type Static, Type } from '@sinclair/typebox';

/**
 * A service's rules within a plan version, as data. The kinds below cover every rule the program's
 * terms use; a new service from the terms is a new row with these rules, not new code.
 * "Unlimited" is a kind of its own — never null, never Infinity.
 */

/** The most uses a year a limit may grant: more is "unlimited", a kind of its own. */
const MAX_USES = 1000;

export const LimitRule = Type.Union([
  Type.Object({ kind: Type.Literal('unlimited') }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('per_year'),
      /** Uses per membership year. */
      count: Type.Integer({ minimum: 1, maximum: MAX_USES }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('per_year_per_key'),
      /** Uses per membership year, all keys together. */
      count: Type.Integer({ minimum: 1, maximum: MAX_USES }),
      /** Uses per membership year for any one value of `key`. */
      perKey: Type.Integer({ minimum: 1, maximum: MAX_USES }),
      /** The request detail that distinguishes uses, e.g. `specialty`. */
      key: Type.String({ pattern: '^[a-z][a-zA-Z]*$', maxLength: 40 }),
    },
    { additionalProperties: false },
  ),
]);
export type LimitRule = Static<typeof LimitRule>;

export const PerEventRule = Type.Union([
  /** Covered in full, no cost to the customer. */
  Type.Object({ kind: Type.Literal('no_cost') }, { additionalProperties: false }),
  /** Covered up to a cap; the excess is the customer's and, where asked, accepted before dispatch. */
  Type.Object(
    {
      kind: Type.Literal('amount_cap'),
      capCentavos: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
      excessPaidBy: Type.Literal('customer'),
      excessAcceptedBeforeDispatch: Type.Boolean(),
    },
    { additionalProperties: false },
  ),
  /** Covered up to the card's own maximum ATM withdrawal in 24 hours (known per card, not per plan). */
  Type.Object({ kind: Type.Literal('card_daily_atm_maximum') }, { additionalProperties: false }),
]);
export type PerEventRule = Static<typeof PerEventRule>;

export const TerritoryRule = Type.Union([
  Type.Object({ kind: Type.Literal('anywhere') }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('countries'),
      /** ISO 3166-1 alpha-2 codes where the service is given. */
      countries: Type.Array(Type.String({ pattern: '^[A-Z]{2}$' }), {
        minItems: 1,
        maxItems: 250,
        uniqueItems: true,
      }),
    },
    { additionalProperties: false },
  ),
]);
export type TerritoryRule = Static<typeof TerritoryRule>;

export const ServiceRules = Type.Object(
  {
    limit: LimitRule,
    perEvent: PerEventRule,
    territory: TerritoryRule,
  },
  { additionalProperties: false },
);
export type ServiceRules = Static<typeof ServiceRules>;
