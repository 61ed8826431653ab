import { SESSION_COOKIE } from '../../src/platform/auth.ts';
import type { ApiKeyKind, Scope, UserRole } from '../../src/platform/principal.ts';
import { SYSTEM_ACTOR } from '../../src/platform/principal.ts';
import type { TestApp } from './app.ts';

export const TEST_PASSWORD = 'correct horse battery staple';

let counter = 0;

export interface TestUser {
  id: string;
  email: string;
  role: UserRole;
  password: string;
}

/** An account of the given role, created as the system would (any role, no admin needed). */
export async function createUser(t: TestApp, role: UserRole, email?: string): Promise<TestUser> {
  counter++;
  const address = email ?? `${role}-${counter}-${Math.random().toString(36).slice(2, 8)}@test.libra.mx`;
  const user = await t.services.identity.createUser(
    SYSTEM_ACTOR,
    { email: address, name: `Test ${role} ${counter}`, role, password: TEST_PASSWORD },
    'system',
  );
  return { id: user.id, email: user.email, role, password: TEST_PASSWORD };
}

export interface Session {
  token: string;
  csrfToken: string;
  sessionId: string;
  /** Headers for a GET. */
  read: Record<string, string>;
  /** Headers for a write: the cookie and the CSRF token. */
  write: Record<string, string>;
}

export function sessionCookieFrom(setCookie: string | string[] | undefined): string | undefined {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  for (const line of all) {
    const match = new RegExp(`^${SESSION_COOKIE.replace(/[$]/g, '\\$')}=([^;]*)`).exec(line);
    if (match) return match[1];
  }
  return undefined;
}

export async function signIn(t: TestApp, user: { email: string; password: string }, ip = '198.51.100.10') {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { email: user.email, password: user.password },
    remoteAddress: ip,
  });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const token = sessionCookieFrom(res.headers['set-cookie']);
  if (!token) throw new Error('no session cookie');
  const body = res.json();
  const cookie = `${SESSION_COOKIE}=${token}`;
  return {
    token,
    csrfToken: body.csrfToken,
    sessionId: body.session.id,
    read: { cookie },
    write: { cookie, 'x-csrf-token': body.csrfToken },
  } satisfies Session;
}

export async function createApiKey(
  t: TestApp,
  kind: ApiKeyKind,
  scopes: Scope[],
): Promise<{ id: string; key: string }> {
  const created = await t.services.apiKeys.createApiKey(SYSTEM_ACTOR, {
    name: `test ${kind}`,
    kind,
    scopes,
  });
  return { id: created.apiKey.id, key: created.key };
}

export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}

/**
 * Sessions that stay valid while a test moves the clock by days or weeks (sessions expire): a
 * new sign-in whenever the clock enters another ten minutes, cached within them.
 */
export function sessionsAt(t: TestApp) {
  const sessions = new Map<string, Session>();
  return async (user: TestUser): Promise<Session> => {
    const key = `${user.id}@${Math.floor(t.clock.now().getTime() / 600_000)}`;
    let session = sessions.get(key);
    if (!session) {
      session = await signIn(t, user);
      sessions.set(key, session);
    }
    return session;
  };
}

/** `sessionsAt` for a suite whose app is built in `beforeAll`: made when first asked. */
export function sessionsOf(app: () => TestApp): (user: TestUser) => Promise<Session> {
  let sessions: ReturnType<typeof sessionsAt> | undefined;
  return (user) => {
    sessions ??= sessionsAt(app());
    return sessions(user);
  };
}
