import { and, asc, desc, eq, inArray, lte, max } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { plans, planVersionServices, planVersions, services } from '../../db/schema/index.ts';
import type { ServiceRules } from '../../lib/service-rules.ts';

export interface PlanVersionRecord {
  planId: string;
  code: string;
  name: string;
  versionId: string;
  version: number;
  currency: string;
  priceTotalCentavos: number;
  priceBaseCentavos: number;
  priceIvaCentavos: number;
  onlineTrialMonths: number;
  illustrative: boolean;
  summaryEs: string;
  summaryEn: string;
  effectiveFrom: Date;
}

export interface PlanServiceRecord {
  planVersionId: string;
  code: string;
  category: string;
  fulfilment: string;
  nameEs: string;
  nameEn: string;
  descriptionEs: string;
  descriptionEn: string;
  rules: ServiceRules;
  illustrative: boolean;
  position: number;
}

const versionColumns = {
  planId: plans.id,
  code: plans.code,
  name: plans.name,
  versionId: planVersions.id,
  version: planVersions.version,
  currency: planVersions.currency,
  priceTotalCentavos: planVersions.priceTotalCentavos,
  priceBaseCentavos: planVersions.priceBaseCentavos,
  priceIvaCentavos: planVersions.priceIvaCentavos,
  onlineTrialMonths: planVersions.onlineTrialMonths,
  illustrative: planVersions.illustrative,
  summaryEs: planVersions.summaryEs,
  summaryEn: planVersions.summaryEn,
  effectiveFrom: planVersions.effectiveFrom,
};

/** Members' count of memberships per plan version, handed in by the app (members reads the catalog). */
export type MembershipCountsByVersion = (
  executor: Executor,
) => Promise<{ planVersionId: string; total: number; current: number }[]>;

export class CatalogRepository {
  /**
   * `membershipCounts` is members' read model (`membershipCountsByPlanVersion`): given rather
   * than imported, since members depends on the catalog and domains import in one direction.
   */
  constructor(private readonly countMemberships: MembershipCountsByVersion) {}

  /** Each plan's latest version already in effect at `at`, the dearest (flagship) plan first. */
  async currentVersions(executor: Executor, at: Date, code?: string): Promise<PlanVersionRecord[]> {
    const candidates = await executor
      .select(versionColumns)
      .from(planVersions)
      .innerJoin(plans, eq(plans.id, planVersions.planId))
      .where(and(lte(planVersions.effectiveFrom, at), code === undefined ? undefined : eq(plans.code, code)))
      .orderBy(asc(plans.code), desc(planVersions.version));
    const latest = new Map<string, PlanVersionRecord>();
    for (const row of candidates) if (!latest.has(row.code)) latest.set(row.code, row);
    return [...latest.values()].sort(
      (a, b) => b.priceTotalCentavos - a.priceTotalCentavos || a.code.localeCompare(b.code),
    );
  }

  async servicesOf(executor: Executor, planVersionIds: string[]): Promise<PlanServiceRecord[]> {
    if (planVersionIds.length === 0) return [];
    return executor
      .select({
        planVersionId: planVersionServices.planVersionId,
        code: services.code,
        category: services.category,
        fulfilment: services.fulfilment,
        nameEs: services.nameEs,
        nameEn: services.nameEn,
        descriptionEs: services.descriptionEs,
        descriptionEn: services.descriptionEn,
        rules: planVersionServices.rules,
        illustrative: planVersionServices.illustrative,
        position: planVersionServices.position,
      })
      .from(planVersionServices)
      .innerJoin(services, eq(services.code, planVersionServices.serviceCode))
      .where(inArray(planVersionServices.planVersionId, planVersionIds))
      .orderBy(asc(planVersionServices.planVersionId), asc(planVersionServices.position));
  }

  async serviceByCode(executor: Executor, code: string) {
    const [row] = await executor.select().from(services).where(eq(services.code, code));
    return row;
  }

  async upsertService(executor: Executor, service: typeof services.$inferInsert): Promise<void> {
    await executor
      .insert(services)
      .values(service)
      .onConflictDoUpdate({
        target: services.code,
        set: {
          category: service.category,
          fulfilment: service.fulfilment ?? 'dispatch',
          nameEs: service.nameEs,
          nameEn: service.nameEn,
          descriptionEs: service.descriptionEs ?? '',
          descriptionEn: service.descriptionEn ?? '',
        },
      });
  }

  /** Returns the plan's id, inserting the plan when it does not exist yet. */
  async ensurePlan(executor: Executor, plan: { id: string; code: string; name: string }): Promise<string> {
    await executor.insert(plans).values(plan).onConflictDoNothing({ target: plans.code });
    const [row] = await executor.select({ id: plans.id }).from(plans).where(eq(plans.code, plan.code));
    if (!row) throw new Error(`Plan ${plan.code} vanished while seeding`);
    return row.id;
  }

  async versionExists(executor: Executor, planId: string, version: number): Promise<boolean> {
    const found = await executor
      .select({ id: planVersions.id })
      .from(planVersions)
      .where(and(eq(planVersions.planId, planId), eq(planVersions.version, version)));
    return found.length > 0;
  }

  async insertVersion(
    executor: Executor,
    version: typeof planVersions.$inferInsert,
    planServices: (typeof planVersionServices.$inferInsert)[],
  ): Promise<void> {
    await executor.insert(planVersions).values(version);
    if (planServices.length > 0) await executor.insert(planVersionServices).values(planServices);
  }

  /** Every version of every plan, newest version first within each plan. */
  async allVersions(executor: Executor): Promise<PlanVersionRecord[]> {
    return executor
      .select(versionColumns)
      .from(planVersions)
      .innerJoin(plans, eq(plans.id, planVersions.planId))
      .orderBy(asc(plans.code), desc(planVersions.version));
  }

  /** How many memberships each version holds: all of them, and those not cancelled (members' read model). */
  async membershipCounts(
    executor: Executor,
  ): Promise<{ planVersionId: string; total: number; current: number }[]> {
    return this.countMemberships(executor);
  }

  /** The plan, locked until the transaction ends: versions of one plan are published one at a time. */
  async lockPlan(
    executor: Executor,
    code: string,
  ): Promise<{ id: string; code: string; name: string } | undefined> {
    const [row] = await executor
      .select({ id: plans.id, code: plans.code, name: plans.name })
      .from(plans)
      .where(eq(plans.code, code))
      .for('update');
    return row;
  }

  /** The plan's highest version number and the latest date any version takes effect. */
  async latestOf(
    executor: Executor,
    planId: string,
  ): Promise<{ version: number; effectiveFrom: Date | null }> {
    const [row] = await executor
      .select({ version: max(planVersions.version), effectiveFrom: max(planVersions.effectiveFrom) })
      .from(planVersions)
      .where(eq(planVersions.planId, planId));
    return { version: row?.version ?? 0, effectiveFrom: row?.effectiveFrom ?? null };
  }

  /** Which of these service codes the catalog has. */
  async existingServices(executor: Executor, codes: string[]): Promise<Set<string>> {
    if (codes.length === 0) return new Set();
    const rows = await executor
      .select({ code: services.code })
      .from(services)
      .where(inArray(services.code, codes));
    return new Set(rows.map((r) => r.code));
  }
}
