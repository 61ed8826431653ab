import type { PlanService } from '../api.ts';

/**
 * The four kinds of help the plan page shows, in order, and which catalog categories fall in each.
 * Every request form (the customer's, the agent's) asks the kind first and then lists only that
 * kind's services: a short list, never all of them at once (issue 23).
 */
export const SERVICE_KINDS = [
  { key: 'medical', catalog: ['medical'] },
  { key: 'home', catalog: ['home'] },
  { key: 'roadside', catalog: ['roadside'] },
  // The page's "Legal y gestoría" holds the lawyers and the protected ATM withdrawal.
  { key: 'legal', catalog: ['legal', 'financial'] },
] as const;

export type ServiceKind = (typeof SERVICE_KINDS)[number]['key'];

export function serviceKindOf(catalogCategory: string): ServiceKind | undefined {
  return SERVICE_KINDS.find((c) => (c.catalog as readonly string[]).includes(catalogCategory))?.key;
}

/** The kinds that have services in this plan, each with its services in the catalog's order. */
export function servicesByKind(services: PlanService[]): { key: ServiceKind; services: PlanService[] }[] {
  return SERVICE_KINDS.map((kind) => ({
    key: kind.key,
    services: services.filter((s) => serviceKindOf(s.category) === kind.key),
  })).filter((kind) => kind.services.length > 0);
}
