import { Value } from '@sinclair/typebox/value';
import type { Database } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { mexicoCityTime } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { splitIva } from '../../lib/money.ts';
import './errors.ts';
import type { CatalogRepository, PlanServiceRecord, PlanVersionRecord } from './repository.ts';
import { describeRules, ServiceRules } from './rules.ts';
import type { PlanView } from './schemas.ts';
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
  ) {}

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

  private async present(versions: PlanVersionRecord[]): Promise<PlanView[]> {
    const serviceRows = await this.repository.servicesOf(
      this.db,
      versions.map((v) => v.versionId),
    );
    const byVersion = new Map<string, PlanServiceRecord[]>();
    for (const row of serviceRows) {
      const list = byVersion.get(row.planVersionId) ?? [];
      list.push(row);
      byVersion.set(row.planVersionId, list);
    }
    return versions.map((v) => ({
      code: v.code,
      name: v.name,
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
      services: (byVersion.get(v.versionId) ?? []).map((s) => ({
        code: s.code,
        category: s.category,
        fulfilment: s.fulfilment,
        name: { es: s.nameEs, en: s.nameEn },
        description: { es: s.descriptionEs, en: s.descriptionEn },
        rules: s.rules,
        summary: { es: describeRules(s.rules, 'es'), en: describeRules(s.rules, 'en') },
        illustrative: s.illustrative,
      })),
    }));
  }
}
