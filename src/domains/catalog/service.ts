import { Value } from '@sinclair/typebox/value';
import type { Database } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { mexicoCityTime } from '../../lib/clock.ts';
import { AppError, type FieldError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { splitIva } from '../../lib/money.ts';
import type { IdempotencyService, Replayable } from '../../platform/idempotency/service.ts';
import type { Actor } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import './errors.ts';
import type { CatalogRepository, PlanServiceRecord, PlanVersionRecord } from './repository.ts';
import { describeRules, ServiceRules } from './rules.ts';
import type {
  AdminPlanVersionView,
  AdminPlanView,
  PlanView,
  PublishedVersion,
  PublishVersionBody,
} from './schemas.ts';
import type { SeedPlan, SeedService } from './seed-data.ts';

export interface CatalogSeedReport {
  services: number;
  versionsAdded: number;
}

export class CatalogService {
  constructor(
    private readonly db: Database,
    private readonly repository: CatalogRepository,
    private readonly clock: Clock,
    private readonly audit?: AuditService,
    private readonly idempotency?: IdempotencyService,
  ) {}

  /** Every version of every plan, with which one new contracts take now and how many memberships each holds. */
  async adminPlans(): Promise<AdminPlanView[]> {
    const now = this.clock.now();
    const [versions, current, counts] = await Promise.all([
      this.repository.allVersions(this.db),
      this.repository.currentVersions(this.db, now),
      this.repository.membershipCounts(this.db),
    ]);
    const currentIds = new Set(current.map((v) => v.versionId));
    const countOf = new Map(counts.map((c) => [c.planVersionId, c]));
    const servicesOf = await this.servicesByVersion(versions.map((v) => v.versionId));
    const plans = new Map<string, AdminPlanView>();
    for (const v of versions) {
      const plan = plans.get(v.code) ?? { code: v.code, name: v.name, versions: [] };
      plans.set(v.code, plan);
      const counted = countOf.get(v.versionId);
      const view: AdminPlanVersionView = {
        ...this.presentVersion(v, servicesOf.get(v.versionId) ?? []),
        current: currentIds.has(v.versionId),
        scheduled: v.effectiveFrom.getTime() > now.getTime(),
        memberships: { total: counted?.total ?? 0, current: counted?.current ?? 0 },
      };
      plan.versions.push(view);
    }
    // The flagship (dearest current price) first, as on the public list.
    const order = new Map(current.map((v, i) => [v.code, i]));
    return [...plans.values()].sort(
      (a, b) => (order.get(a.code) ?? 99) - (order.get(b.code) ?? 99) || a.code.localeCompare(b.code),
    );
  }

  /**
   * Publishes the plan's next version: new contracts take it from its date on; memberships stay
   * on the version they contracted (SPEC, "Plans"). Audited; the same Idempotency-Key and body
   * answer the first publication again.
   */
  async publishVersion(
    actor: Actor,
    code: string,
    input: PublishVersionBody,
    idempotencyKey: string | undefined,
  ): Promise<Replayable<PublishedVersion>> {
    if (!this.audit || !this.idempotency)
      throw new Error('CatalogService was built without audit and idempotency');
    const { audit, idempotency } = this;
    const seen = new Set<string>();
    const repeated: FieldError[] = [];
    input.services.forEach((s, i) => {
      if (seen.has(s.service))
        repeated.push({
          field: `body/services/${i}/service`,
          message: 'is listed twice',
          localised: { es: 'Este servicio ya está en la lista.', en: 'This service is already listed.' },
        });
      seen.add(s.service);
    });
    if (repeated.length > 0) throw new AppError('CATALOG_SERVICE_REPEATED', { errors: repeated });
    const result = await this.db.transaction((tx) =>
      idempotency.run(
        tx,
        actor,
        { key: idempotencyKey, operation: `POST /v1/admin/plans/${code}/versions`, body: input },
        async () => {
          const plan = await this.repository.lockPlan(tx, code);
          if (!plan) throw new AppError('PLAN_NOT_FOUND', { extensions: { plan: code } });
          const known = await this.repository.existingServices(
            tx,
            input.services.map((s) => s.service),
          );
          const unknown: FieldError[] = input.services.flatMap((s, i) =>
            known.has(s.service)
              ? []
              : [
                  {
                    field: `body/services/${i}/service`,
                    message: `${s.service} is not in the catalog`,
                    localised: {
                      es: `${s.service} no está en el catálogo.`,
                      en: `${s.service} is not in the catalog.`,
                    },
                  },
                ],
          );
          if (unknown.length > 0) throw new AppError('CATALOG_SERVICE_UNKNOWN', { errors: unknown });
          const now = this.clock.now();
          const effectiveFrom = input.effectiveFrom ? new Date(input.effectiveFrom) : now;
          const latest = await this.repository.latestOf(tx, plan.id);
          if (
            effectiveFrom.getTime() < now.getTime() ||
            (latest.effectiveFrom && effectiveFrom.getTime() < latest.effectiveFrom.getTime())
          )
            throw new AppError('CATALOG_VERSION_DATE_INVALID', {
              errors: [
                {
                  field: 'body/effectiveFrom',
                  message: 'must be from now on and not before the latest version',
                  localised: {
                    es: 'Debe ser a partir de ahora y no antes que la última versión.',
                    en: 'Must be from now on and not before the latest version.',
                  },
                },
              ],
              extensions: { latestEffectiveFrom: latest.effectiveFrom?.toISOString() ?? null },
            });
          const price = splitIva(input.priceTotalCentavos);
          const versionId = newId();
          const version = latest.version + 1;
          await this.repository.insertVersion(
            tx,
            {
              id: versionId,
              planId: plan.id,
              version,
              currency: 'MXN',
              priceTotalCentavos: price.total,
              priceBaseCentavos: price.base,
              priceIvaCentavos: price.iva,
              onlineTrialMonths: input.onlineTrialMonths,
              illustrative: input.illustrative,
              summaryEs: input.summary?.es ?? '',
              summaryEn: input.summary?.en ?? '',
              effectiveFrom,
            },
            input.services.map((s, position) => ({
              id: newId(),
              planVersionId: versionId,
              serviceCode: s.service,
              position,
              rules: s.rules,
              illustrative: s.illustrative ?? false,
            })),
          );
          await audit.record(tx, actor, {
            action: 'plan_version.publish',
            recordType: 'plan_version',
            recordId: versionId,
            details: {
              plan: code,
              version,
              priceTotalCentavos: price.total,
              effectiveFrom: effectiveFrom.toISOString(),
              services: input.services.map((s) => s.service),
            },
          });
          return { status: 201, body: { code: plan.code, name: plan.name, version } };
        },
      ),
    );
    // The answer is the plan as admins see it now, with the new version in it.
    const plan = (await this.adminPlans()).find((p) => p.code === code);
    if (!plan) throw new AppError('PLAN_NOT_FOUND', { extensions: { plan: code } });
    return {
      status: result.status,
      body: { published: result.body.version, plan },
      replayed: result.replayed,
    };
  }

  /** Every plan as it is sold today: its latest version already in effect. */
  async listPlans(): Promise<PlanView[]> {
    const versions = await this.repository.currentVersions(this.db, this.clock.now());
    return this.present(versions);
  }

  async getPlan(code: string): Promise<PlanView> {
    const versions = await this.repository.currentVersions(this.db, this.clock.now(), code);
    const [plan] = await this.present(versions);
    if (!plan) throw new AppError('PLAN_NOT_FOUND', { extensions: { plan: code } });
    return plan;
  }

  /**
   * Loads services and plan versions that are not in the database yet. Existing versions are never
   * changed (memberships are bound to them); a change to the terms is a new version.
   */
  async seed(servicesData: SeedService[], plansData: SeedPlan[]): Promise<CatalogSeedReport> {
    for (const plan of plansData) {
      for (const version of plan.versions) {
        for (const s of version.services) {
          if (!Value.Check(ServiceRules, s.rules)) {
            const first = [...Value.Errors(ServiceRules, s.rules)][0];
            throw new Error(
              `Invalid rules for ${plan.code} v${version.version} ${s.service}: ${first?.message}`,
            );
          }
        }
      }
    }
    return this.db.transaction(async (tx) => {
      for (const service of servicesData) await this.repository.upsertService(tx, service);
      let versionsAdded = 0;
      for (const plan of plansData) {
        const planId = await this.repository.ensurePlan(tx, {
          id: newId(),
          code: plan.code,
          name: plan.name,
        });
        for (const version of plan.versions) {
          if (await this.repository.versionExists(tx, planId, version.version)) continue;
          const price = splitIva(version.priceTotalCentavos);
          const versionId = newId();
          await this.repository.insertVersion(
            tx,
            {
              id: versionId,
              planId,
              version: version.version,
              currency: 'MXN',
              priceTotalCentavos: price.total,
              priceBaseCentavos: price.base,
              priceIvaCentavos: price.iva,
              onlineTrialMonths: version.onlineTrialMonths,
              illustrative: version.illustrative,
              summaryEs: version.summaryEs,
              summaryEn: version.summaryEn,
              effectiveFrom: mexicoCityTime(version.effectiveFrom),
            },
            version.services.map((s, position) => ({
              id: newId(),
              planVersionId: versionId,
              serviceCode: s.service,
              position,
              rules: s.rules,
              illustrative: s.illustrative ?? false,
            })),
          );
          versionsAdded++;
        }
      }
      return { services: servicesData.length, versionsAdded };
    });
  }

  private async servicesByVersion(versionIds: string[]): Promise<Map<string, PlanServiceRecord[]>> {
    const serviceRows = await this.repository.servicesOf(this.db, versionIds);
    const byVersion = new Map<string, PlanServiceRecord[]>();
    for (const row of serviceRows) {
      const list = byVersion.get(row.planVersionId) ?? [];
      list.push(row);
      byVersion.set(row.planVersionId, list);
    }
    return byVersion;
  }

  private async present(versions: PlanVersionRecord[]): Promise<PlanView[]> {
    const byVersion = await this.servicesByVersion(versions.map((v) => v.versionId));
    return versions.map((v) => ({
      code: v.code,
      name: v.name,
      ...this.presentVersion(v, byVersion.get(v.versionId) ?? []),
    }));
  }

  private presentVersion(v: PlanVersionRecord, serviceRows: PlanServiceRecord[]) {
    return {
      version: v.version,
      effectiveFrom: v.effectiveFrom.toISOString(),
      illustrative: v.illustrative,
      summary: { es: v.summaryEs, en: v.summaryEn },
      price: {
        currency: 'MXN' as const,
        totalCentavos: v.priceTotalCentavos,
        baseCentavos: v.priceBaseCentavos,
        ivaCentavos: v.priceIvaCentavos,
        ivaIncluded: true as const,
        period: 'month' as const,
      },
      onlineTrialMonths: v.onlineTrialMonths,
      services: serviceRows.map((s) => ({
        code: s.code,
        category: s.category,
        fulfilment: s.fulfilment,
        name: { es: s.nameEs, en: s.nameEn },
        description: { es: s.descriptionEs, en: s.descriptionEn },
        rules: s.rules,
        summary: { es: describeRules(s.rules, 'es'), en: describeRules(s.rules, 'en') },
        illustrative: s.illustrative,
      })),
    };
  }
}
