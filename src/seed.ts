import type { Services } from './app.ts';
import { PLANS, SERVICES } from './domains/catalog/seed-data.ts';
import { SYSTEM_ACTOR, type UserRole } from './domains/identity/principal.ts';

export const DEMO_ACCOUNTS: { email: string; name: string; role: UserRole }[] = [
  { email: 'cliente@demo.libra.mx', name: 'María Fernanda López Ruiz', role: 'customer' },
  { email: 'agente@demo.libra.mx', name: 'Jorge Ramírez (agente)', role: 'agent' },
  { email: 'supervisor@demo.libra.mx', name: 'Ana Sofía Herrera (supervisora)', role: 'supervisor' },
  { email: 'finanzas@demo.libra.mx', name: 'Luis Mendoza (finanzas)', role: 'finance' },
  { email: 'admin@demo.libra.mx', name: 'Administración Libra', role: 'admin' },
  { email: 'proveedor@demo.libra.mx', name: 'Grúas Reforma (proveedor)', role: 'provider' },
];

export const DEMO_API_KEY_NAME = 'Demo partner (banco)';

export interface DemoOptions {
  password: string;
  /** A fixed partner key; when absent a new one replaces the previous demo key. */
  apiKey?: string | undefined;
}

export interface SeedReport {
  catalog: { services: number; versionsAdded: number };
  demo: { accounts: { email: string; role: UserRole }[]; apiKey: string } | null;
}

/**
 * The plan catalog is product data and is loaded on every database; demo data only where the
 * configuration allows it (never in production). A second run adds nothing new: demo accounts
 * are kept (their password follows LIBRA_DEMO_PASSWORD) and the demo key is replaced.
 */
export async function seed(services: Services, options: { demo: DemoOptions | false }): Promise<SeedReport> {
  const catalog = await services.catalog.seed(SERVICES, PLANS);
  if (!options.demo) return { catalog, demo: null };
  const { password, apiKey } = options.demo;

  for (const account of DEMO_ACCOUNTS) {
    const existing = await services.identity.userByEmail(account.email);
    if (existing) await services.identity.setPassword(SYSTEM_ACTOR, existing.id, password);
    else await services.identity.createUser(SYSTEM_ACTOR, { ...account, password }, 'system');
  }

  let key = apiKey;
  if (!key || !(await services.identity.apiKeyIsLive(key))) {
    await services.identity.revokeApiKeysNamed(SYSTEM_ACTOR, DEMO_API_KEY_NAME);
    const created = await services.identity.createApiKey(SYSTEM_ACTOR, {
      name: DEMO_API_KEY_NAME,
      kind: 'partner',
      scopes: [
        'memberships:read',
        'memberships:write',
        'eligibility:read',
        'cases:read',
        'cases:write',
        'events:read',
      ],
      key: apiKey,
    });
    key = created.key;
  }
  return {
    catalog,
    demo: { accounts: DEMO_ACCOUNTS.map(({ email, role }) => ({ email, role })), apiKey: key },
  };
}
