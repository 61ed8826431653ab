import type { ReactNode } from 'react';
import { ErrorState, LoadingState } from './States.tsx';

/** What QueryView reads of a query (TanStack Query's result has it). */
export interface QueryLike<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: T | undefined;
  refetch: () => unknown;
}

/**
 * One read's four faces — loading, failed (with a retry), empty, and the data — so a page writes
 * only its words and the data's own view. A failed read whose data is still here (a background
 * refresh that failed) keeps showing the data when `keepDataOnError` is set.
 */
export function QueryView<T>({
  query,
  loading,
  errorTitle,
  errorDetail,
  keepDataOnError = false,
  missing,
  frame = (state) => state,
  isEmpty,
  empty,
  children,
}: {
  query: QueryLike<T>;
  /** The loading state's label, said to screen readers. */
  loading: string;
  errorTitle: string;
  /** The failure in words (usually the API's detail, else the app's "no connection"). */
  errorDetail: (error: unknown) => string;
  keepDataOnError?: boolean;
  /** A failure that asking again will not change (not found): shown instead of the error. */
  missing?: { when: (error: unknown) => boolean; view: ReactNode };
  /** The page around a failure or emptiness (its heading, the way back); loading stands alone. */
  frame?: (state: ReactNode) => ReactNode;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <LoadingState label={loading} />;
  if (query.isError && !(keepDataOnError && query.data !== undefined)) {
    if (missing?.when(query.error)) return frame(missing.view);
    return frame(
      <ErrorState
        title={errorTitle}
        detail={errorDetail(query.error)}
        onRetry={() => void query.refetch()}
      />,
    );
  }
  const data = query.data as T;
  if (isEmpty?.(data)) return frame(empty ?? null);
  return <>{children(data)}</>;
}

/** Two reads a page needs together, as one: pending while either is, failed if either failed. */
export function bothOf<A, B>(a: QueryLike<A>, b: QueryLike<B>): QueryLike<[A, B]> {
  const data = a.data !== undefined && b.data !== undefined ? ([a.data, b.data] as [A, B]) : undefined;
  const isPending = a.isPending || b.isPending;
  return {
    isPending,
    isError: !isPending && (a.isError || b.isError || data === undefined),
    error: a.error ?? b.error,
    data,
    refetch: () => {
      void a.refetch();
      void b.refetch();
    },
  };
}
