import { type Static, Type } from '@sinclair/typebox';
import { ServiceRules } from './rules.ts';

const Localised = Type.Object({ es: Type.String(), en: Type.String() }, { additionalProperties: false });

export const PlanServiceView = Type.Object(
  {
    code: Type.String({ examples: ['tow-truck'] }),
    category: Type.String({ examples: ['roadside'] }),
    fulfilment: Type.String({
      examples: ['dispatch'],
      description:
        'How a case for it is given: `dispatch` (a provider goes to the place), `appointment` (a booked slot), `remote` (a professional calls back) or `reimbursement` (a claim reviewed and paid)',
    }),
    name: Localised,
    description: Localised,
    rules: ServiceRules,
    /** The rules in words, as the plan page says them. */
    summary: Localised,
    illustrative: Type.Boolean({ description: 'True when the values are not from the public terms.' }),
  },
  { additionalProperties: false },
);

export const PriceView = Type.Object(
  {
    currency: Type.Literal('MXN'),
    totalCentavos: Type.Integer({ examples: [21800] }),
    baseCentavos: Type.Integer({ examples: [18793] }),
    ivaCentavos: Type.Integer({ examples: [3007] }),
    ivaIncluded: Type.Literal(true),
    period: Type.Literal('month'),
  },
  { additionalProperties: false },
);

export const PlanView = Type.Object(
  {
    code: Type.String({ examples: ['libra-plus'] }),
    name: Type.String({ examples: ['Libra Plus'] }),
    version: Type.Integer({ minimum: 1 }),
    effectiveFrom: Type.String({ format: 'date-time' }),
    illustrative: Type.Boolean(),
    summary: Localised,
    price: PriceView,
    onlineTrialMonths: Type.Integer({ minimum: 0, description: 'Free months when contracted online.' }),
    services: Type.Array(PlanServiceView),
  },
  { additionalProperties: false },
);
export type PlanView = Static<typeof PlanView>;

export const PlanList = Type.Object({ data: Type.Array(PlanView) }, { additionalProperties: false });

export const PlanCodeParams = Type.Object({
  code: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'Plan code, e.g. libra-plus' }),
});

/** One version of a plan as admins see it: its terms, whether it is the one sold now, and its memberships. */
export const AdminPlanVersionView = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    effectiveFrom: Type.String({ format: 'date-time' }),
    illustrative: Type.Boolean(),
    summary: Localised,
    price: PriceView,
    onlineTrialMonths: Type.Integer({ minimum: 0 }),
    services: Type.Array(PlanServiceView),
    /** The version new contracts take today. */
    current: Type.Boolean(),
    /** Published, taking effect later. */
    scheduled: Type.Boolean(),
    memberships: Type.Object(
      {
        total: Type.Integer({ minimum: 0 }),
        /** Not cancelled. */
        current: Type.Integer({ minimum: 0 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type AdminPlanVersionView = Static<typeof AdminPlanVersionView>;

export const AdminPlanView = Type.Object(
  {
    code: Type.String({ examples: ['libra-plus'] }),
    name: Type.String({ examples: ['Libra Plus'] }),
    /** Newest first. */
    versions: Type.Array(AdminPlanVersionView),
  },
  { additionalProperties: false },
);
export type AdminPlanView = Static<typeof AdminPlanView>;

export const AdminPlanList = Type.Object(
  { data: Type.Array(AdminPlanView) },
  { additionalProperties: false },
);

/** A new version of a plan: what new contracts take from `effectiveFrom` on. */
export const PublishVersionBody = Type.Object(
  {
    /** The monthly price with IVA included; base and IVA are derived (base = round(total / 1.16)). */
    priceTotalCentavos: Type.Integer({ minimum: 100, maximum: 10_000_000, examples: [23900] }),
    onlineTrialMonths: Type.Integer({ minimum: 0, maximum: 12 }),
    illustrative: Type.Boolean({ description: 'True when the values are not from the public terms.' }),
    /** Default now. Not before now, nor before the plan's latest version. */
    effectiveFrom: Type.Optional(Type.String({ format: 'date-time' })),
    summary: Type.Optional(
      Type.Object(
        { es: Type.String({ maxLength: 500 }), en: Type.String({ maxLength: 500 }) },
        { additionalProperties: false },
      ),
    ),
    services: Type.Array(
      Type.Object(
        {
          service: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', examples: ['tow-truck'] }),
          rules: ServiceRules,
          illustrative: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 60 },
    ),
  },
  { additionalProperties: false },
);
export type PublishVersionBody = Static<typeof PublishVersionBody>;

export const PublishedVersion = Type.Object(
  {
    /** The version number just published. */
    published: Type.Integer({ minimum: 1 }),
    plan: AdminPlanView,
  },
  { additionalProperties: false },
);
export type PublishedVersion = Static<typeof PublishedVersion>;
