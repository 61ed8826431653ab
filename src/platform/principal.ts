/** Roles of people who sign in with email and password. */
export const USER_ROLES = [
  'customer',
  'agent',
  'supervisor',
  'finance',
  'admin',
  'provider',
  // On-duty professionals of remote consultations, and who oversees the medical ones.
  'doctor',
  'lawyer',
  'medical_supervisor',
  // Works the ARCO requests (LFPDPPP): the person's data, its corrections and blocks.
  'privacy',
] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** Staff roles: their reads of personal data are audited. */
export const STAFF_ROLES: readonly UserRole[] = [
  'agent',
  'supervisor',
  'finance',
  'admin',
  'doctor',
  'lawyer',
  'medical_supervisor',
  'privacy',
];

/** Kinds of API key, each a role of its own for authorization. */
export const API_KEY_KINDS = ['partner', 'provider', 'metrics'] as const;
export type ApiKeyKind = (typeof API_KEY_KINDS)[number];

/** The figures a key's own rate limit may take, requests a minute (the column's check agrees). */
export const API_KEY_RATE_LIMIT_RANGE = { min: 1, max: 1_000_000 } as const;

/**
 * What an API key may do. A route names the scope it needs; a key must hold it.
 * New scopes are added here with the routes that need them.
 */
export const SCOPES = {
  'memberships:read': 'Read memberships and their status',
  'memberships:write': 'Contract memberships and change them',
  'eligibility:read': 'Ask whether a person may use a service',
  'cases:read': 'Read assistance cases',
  'cases:write': 'Open and update assistance cases',
  'complaints:read': 'Read complaints',
  'complaints:write': "File complaints on members' behalf",
  'events:read': 'Receive events (webhooks, event streams)',
  'provider:jobs': "Read and act on the provider's own offers and jobs",
  'metrics:read': 'Scrape /metrics',
} as const;
export type Scope = keyof typeof SCOPES;

export type Principal =
  | {
      kind: 'user';
      userId: string;
      role: UserRole;
      email: string;
      name: string;
      providerId: string | null;
      sessionId: string;
      sessionExpiresAt: Date;
    }
  | {
      kind: 'api_key';
      apiKeyId: string;
      role: ApiKeyKind;
      name: string;
      scopes: Scope[];
      providerId: string | null;
      /** The key's own requests a minute; null: the server's default for keys. */
      rateLimitPerMinute: number | null;
    };

/** Who is doing something, for the audit log and for ownership checks in services. */
export interface Actor {
  principal: Principal | null;
  requestId: string | null;
  ip: string | null;
}

export const SYSTEM_ACTOR: Actor = { principal: null, requestId: null, ip: null };

export function isStaff(principal: Principal | null): boolean {
  return principal?.kind === 'user' && STAFF_ROLES.includes(principal.role);
}

/**
 * A route's access rule, declared on every route (`config.policy`). Deny by default: a route
 * without one answers 403 and a test fails. `allow` is `authenticated` (any user or key),
 * `any-user` (any signed-in person), or a list of user roles and API-key scopes
 * (`scope:memberships:write`); `record` names the record the route concerns, whose ownership the
 * service checks for the caller.
 */
export type Grant = UserRole | `scope:${Scope}`;
export type RoutePolicy =
  | { allow: 'public'; record?: 'none' }
  | { allow: 'authenticated' | 'any-user' | readonly Grant[]; record: string };

export const PUBLIC: RoutePolicy = { allow: 'public' };

export function allows(policy: RoutePolicy, principal: Principal): boolean {
  if (policy.allow === 'public') return true;
  if (policy.allow === 'authenticated') return true;
  if (policy.allow === 'any-user') return principal.kind === 'user';
  if (principal.kind === 'user') return (policy.allow as readonly string[]).includes(principal.role);
  return principal.scopes.some((scope) => (policy.allow as readonly string[]).includes(`scope:${scope}`));
}
