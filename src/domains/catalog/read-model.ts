import { eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { plans, planVersions, services } from '../../db/schema/index.ts';

/**
 * What other domains may read of the catalog's tables, named by the catalog (their owner).
 * Other repositories call these with their own executor instead of selecting from the tables.
 */

/** A plan version's plan code and name. */
export async function planOfVersion(
  executor: Executor,
  planVersionId: string,
): Promise<{ code: string; name: string } | undefined> {
  const [plan] = await executor
    .select({ code: plans.code, name: plans.name })
    .from(planVersions)
    .innerJoin(plans, eq(plans.id, planVersions.planId))
    .where(eq(planVersions.id, planVersionId));
  return plan;
}

/** The plan code of each of these plan versions, by version id. */
export async function planCodesOfVersions(
  executor: Executor,
  planVersionIds: string[],
): Promise<Map<string, string>> {
  if (planVersionIds.length === 0) return new Map();
  const found = await executor
    .select({ id: planVersions.id, code: plans.code })
    .from(planVersions)
    .innerJoin(plans, eq(plans.id, planVersions.planId))
    .where(inArray(planVersions.id, [...new Set(planVersionIds)]));
  return new Map(found.map((r) => [r.id, r.code]));
}

/** The versions of a plan, as `{ id, code, version }` (none: no plan with that code). */
export async function versionsOfPlan(
  executor: Executor,
  code: string,
): Promise<{ id: string; code: string; version: number }[]> {
  return executor
    .select({ id: planVersions.id, code: plans.code, version: planVersions.version })
    .from(planVersions)
    .innerJoin(plans, eq(plans.id, planVersions.planId))
    .where(eq(plans.code, code));
}

/** Each of these plan versions' plan code and version number, by version id. */
export async function planVersionLabels(
  executor: Executor,
  planVersionIds: string[],
): Promise<Map<string, { code: string; version: number }>> {
  if (planVersionIds.length === 0) return new Map();
  const found = await executor
    .select({ id: planVersions.id, code: plans.code, version: planVersions.version })
    .from(planVersions)
    .innerJoin(plans, eq(plans.id, planVersions.planId))
    .where(inArray(planVersions.id, [...new Set(planVersionIds)]));
  return new Map(found.map((r) => [r.id, { code: r.code, version: r.version }]));
}

/** The names of these services, in both languages. */
export async function serviceNames(
  executor: Executor,
  codes: string[],
): Promise<{ code: string; nameEs: string; nameEn: string }[]> {
  if (codes.length === 0) return [];
  return executor
    .select({ code: services.code, nameEs: services.nameEs, nameEn: services.nameEn })
    .from(services)
    .where(inArray(services.code, codes));
}

/** The codes of the services in these categories (a professional's queue is by category). */
export async function serviceCodesInCategories(executor: Executor, categories: string[]): Promise<string[]> {
  if (categories.length === 0) return [];
  const found = await executor
    .select({ code: services.code })
    .from(services)
    .where(inArray(services.category, categories));
  return found.map((r) => r.code);
}
