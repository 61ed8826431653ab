import type { Static } from '@sinclair/typebox';
import { type QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { Navigate, useLocation } from 'react-router';
import type { LoginResult, Me } from '../domains/identity/schemas.ts';
import { ApiProblem, api, setCsrfToken } from './api.ts';
import { useI18n } from './i18n/i18n.tsx';
import { LoadingState } from './ui/States.tsx';

export type SignedInUser = Extract<Static<typeof Me>, { kind: 'user' }>['user'];

interface Session {
  /** Asks the API who is signed in; pages that need it call it (useSession does), others never ask. */
  activate(): void;
  /** undefined while asking the API, null when nobody is signed in. */
  user: SignedInUser | null | undefined;
  signIn(email: string, password: string): Promise<SignedInUser>;
  signOut(): Promise<void>;
}

const ME = ['me'] as const;

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
        return answer.user;
      } catch (error) {
        if (error instanceof ApiProblem && error.status === 401) {
          setCsrfToken(undefined);
          return null;
        }
        throw error;
      }
    },
    staleTime: 5 * 60_000,
  });

  const signIn = useCallback(
    async (email: string, password: string) => {
      const answer = await api<Static<typeof LoginResult>>('POST', '/v1/auth/login', {
        lang,
        body: { email, password },
      });
      setCsrfToken(answer.csrfToken);
      forgetOthers(queryClient);
      queryClient.setQueryData(ME, answer.user);
      return answer.user;
    },
    [lang, queryClient],
  );

  const signOut = useCallback(async () => {
    try {
      await api('POST', '/v1/auth/logout', { lang });
    } finally {
      setCsrfToken(undefined);
      forgetOthers(queryClient);
      queryClient.setQueryData(ME, null);
    }
  }, [lang, queryClient]);

  const value = useMemo<Session>(
    () => ({ activate, user: me.isError ? null : me.data, signIn, signOut }),
    [activate, me.data, me.isError, signIn, signOut],
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
