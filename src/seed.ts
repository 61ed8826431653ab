import type { Services } from './app.ts';
import { PLANS, SERVICES } from './domains/catalog/seed-data.ts';

export interface SeedReport {
  catalog: { services: number; versionsAdded: number };
  demo: boolean;
}

/**
 * The plan catalog is product data and is loaded on every database; demo data only where the
 * configuration allows it (never in production). Both are idempotent: a second run adds nothing.
 */
export async function seed(services: Services, options: { demo: boolean }): Promise<SeedReport> {
  const catalog = await services.catalog.seed(SERVICES, PLANS);
  return { catalog, demo: options.demo };
}
