import { randomBytes } from 'node:crypto';
import type { Services } from '../app.ts';
import { DEMO_PROVIDERS } from '../domains/dispatch/seed-data.ts';
import { SCOPES_BY_KIND } from '../domains/identity/api-keys.ts';
import { type Actor, type Principal, SYSTEM_ACTOR, type UserRole } from '../platform/principal.ts';

/** The people and systems who act in the simulated history. */
export interface HistoryActors {
  agent: Actor;
  supervisor: Actor;
  doctor: Actor;
  lawyer: Actor;
  /** The bank's partner integration, contracting for its customers. */
  bank: Actor;
  /** A provider's integration answering its offers and reporting its jobs. */
  provider(providerId: string): Actor;
}

const STAFF: { key: 'agent' | 'supervisor' | 'doctor' | 'lawyer'; role: UserRole; name: string }[] = [
  { key: 'agent', role: 'agent', name: 'Cabina 24/7 (historia simulada)' },
  { key: 'supervisor', role: 'supervisor', name: 'Supervisión (historia simulada)' },
  { key: 'doctor', role: 'doctor', name: 'Médico de guardia (historia simulada)' },
  { key: 'lawyer', role: 'lawyer', name: 'Abogado de guardia (historia simulada)' },
];

const FAR = new Date('2100-01-01T00:00:00Z');

function acting(principal: Principal): Actor {
  return { principal, requestId: 'seed-history', ip: null };
}

/**
 * The history's staff accounts (made once, with a random password nobody knows: they only sign
 * the history's work) and the demo provider network (made where missing, as the demo seed does).
 */
export async function historyActors(services: Services): Promise<HistoryActors> {
  const staff = {} as Record<(typeof STAFF)[number]['key'], Actor>;
  for (const { key, role, name } of STAFF) {
    const email = `${key}@historia.example.com`;
    const user =
      (await services.identity.userByEmail(email)) ??
      (await services.identity.createUser(
        SYSTEM_ACTOR,
        {
          email,
          name,
          role,
          password: randomBytes(18).toString('base64url'),
        },
        'demo',
      ));
    staff[key] = acting({
      kind: 'user',
      userId: user.id,
      role,
      email,
      name,
      providerId: null,
      sessionId: 'seed-history',
      sessionExpiresAt: FAR,
    });
  }
  for (const provider of DEMO_PROVIDERS) await services.dispatch.ensure(SYSTEM_ACTOR, provider);
  const providers = new Map<string, Actor>();
  return {
    ...staff,
    bank: acting({
      kind: 'api_key',
      apiKeyId: 'seed-history',
      role: 'partner',
      name: 'Banco (historia simulada)',
      scopes: [...SCOPES_BY_KIND.partner],
      providerId: null,
      rateLimitPerMinute: null,
    }),
    provider(providerId) {
      let actor = providers.get(providerId);
      if (!actor) {
        actor = acting({
          kind: 'api_key',
          apiKeyId: 'seed-history',
          role: 'provider',
          name: 'Proveedor (historia simulada)',
          scopes: ['provider:jobs'],
          providerId,
          rateLimitPerMinute: null,
        });
        providers.set(providerId, actor);
      }
      return actor;
    },
  };
}
