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
