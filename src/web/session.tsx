import type { Static } from '@sinclair/typebox';
import { type QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { Navigate, useLocation } from 'react-router';
import type { LoginResult, Me } from '../domains/identity/schemas.ts';
import { ApiProblem, api, setCsrfToken } from './api.ts';
import { useI18n } from './i18n/i18n.tsx';
import { SIGNED_IN_HINT } from './storage-keys.ts';
import { LoadingState } from './ui/States.tsx';

export type SignedInUser = Extract<Static<typeof Me>, { kind: 'user' }>['user'];

interface Session {
  /** Asks the API who is signed in; pages that need it call it (useSession does), others never ask. */
  activate(): void;
  /** undefined while asking the API, null when nobody is signed in. */
  user: SignedInUser | null | undefined;
  signIn(email: string, password: string): Promise<SignedInUser>;
  /** A session the API opened otherwise (account activation): the same as signing in. */
  signedIn(answer: Static<typeof LoginResult>): SignedInUser;
  signOut(): Promise<void>;
}

const ME = ['me'] as const;

/**
 * The browser remembers that a customer signed in here, so the public pages — which never ask
 * GET /v1/me (no request, no 401, for people who are not signed in) — can offer "Mi cuenta"
 * rather than "Entrar". Only a hint: /app still asks, and sends an expired session to /entrar.
 */

function rememberSignedIn(user: SignedInUser | null | undefined) {
  try {
    if (user?.role === 'customer') localStorage.setItem(SIGNED_IN_HINT, '1');
    else if (user !== undefined) localStorage.removeItem(SIGNED_IN_HINT);
  } catch {
    // Storage refused (private mode): the header offers "Entrar", which still works.
  }
}

/**
 * Whatever the previous person saw is not the next one's. The session query itself stays (its
 * observer would not see a new one), and is set to the new person.
 */
function forgetOthers(queryClient: QueryClient) {
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== ME[0] });
}

const SessionContext = createContext<Session | null>(null);

/** Who is signed in, from GET /v1/me; keeps the CSRF token for the writes that follow. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const { lang } = useI18n();
  const queryClient = useQueryClient();
  // The public pages (the plan) never ask: no request, no 401 for people who are not signed in.
  const [active, setActive] = useState(false);
  const activate = useCallback(() => setActive(true), []);
  const me = useQuery({
    queryKey: ME,
    enabled: active,
    queryFn: async () => {
      try {
        const answer = await api<Static<typeof Me>>('GET', '/v1/me', { lang });
        if (answer.kind !== 'user') return null;
        setCsrfToken(answer.csrfToken);
        rememberSignedIn(answer.user);
        return answer.user;
      } catch (error) {
        if (error instanceof ApiProblem && error.status === 401) {
          setCsrfToken(undefined);
          rememberSignedIn(null);
          return null;
        }
        throw error;
      }
    },
    staleTime: 5 * 60_000,
  });

  const signedIn = useCallback(
    (answer: Static<typeof LoginResult>) => {
      setCsrfToken(answer.csrfToken);
      forgetOthers(queryClient);
      queryClient.setQueryData(ME, answer.user);
      rememberSignedIn(answer.user);
      return answer.user;
    },
    [queryClient],
  );

  const signIn = useCallback(
    async (email: string, password: string) =>
      signedIn(
        await api<Static<typeof LoginResult>>('POST', '/v1/auth/login', { lang, body: { email, password } }),
      ),
    [lang, signedIn],
  );

  const signOut = useCallback(async () => {
    try {
      await api('POST', '/v1/auth/logout', { lang });
    } finally {
      setCsrfToken(undefined);
      forgetOthers(queryClient);
      queryClient.setQueryData(ME, null);
      rememberSignedIn(null);
    }
  }, [lang, queryClient]);

  const value = useMemo<Session>(
    () => ({ activate, user: me.isError ? null : me.data, signIn, signedIn, signOut }),
    [activate, me.data, me.isError, signIn, signedIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  const { activate } = session;
  useEffect(() => activate(), [activate]);
  return session;
}

/**
 * Whether the site's header offers "Mi cuenta" (a customer is, or was last seen, signed in here)
 * or "Entrar" — without asking the API, as the public pages never do.
 */
export function useSignedInHint(): boolean {
  const session = useContext(SessionContext);
  const user = session?.user;
  if (user !== undefined) return user?.role === 'customer';
  try {
    return localStorage.getItem(SIGNED_IN_HINT) === '1';
  } catch {
    return false;
  }
}

/** The portal's pages: a signed-in customer, or the sign-in page that brings them back here. */
export function RequireCustomer({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const { t } = useI18n();
  const location = useLocation();
  if (user === undefined) return <LoadingState label={t('portal.loading')} />;
  if (user?.role !== 'customer') {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/entrar?next=${next}`} replace />;
  }
  return children;
}
