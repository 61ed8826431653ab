import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

/** Reading the board again after a burst of changes: once, shortly after the last. */
const REFRESH_DELAY_MS = 400;
/** Even with nothing new, the board is read again this often (late flags computed by the API). */
const QUIET_REFRESH_MS = 60_000;
/** When the browser gives up reconnecting (the server refused the stream), we try again. */
const RECONNECT_MS = [3_000, 6_000, 15_000, 30_000];

export type BoardLiveStatus = 'connecting' | 'live' | 'reconnecting';

/**
 * Keeps the case board fresh from GET /v1/cases/live: each `changed` event marks the board's
 * queries stale (debounced), so a case opened or moved anywhere shows without reloading. The
 * browser reconnects by itself; if it gives up, a new stream is opened later.
 */
export function useBoardLive(queryKey: readonly unknown[]): BoardLiveStatus {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<BoardLiveStatus>('connecting');
  const keyText = JSON.stringify(queryKey);

  useEffect(() => {
    const key = JSON.parse(keyText) as unknown[];
    let source: EventSource | null = null;
    let refresh: ReturnType<typeof setTimeout> | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;
    let everOpened = false;
    const refreshSoon = () => {
      clearTimeout(refresh);
      refresh = setTimeout(() => void queryClient.invalidateQueries({ queryKey: key }), REFRESH_DELAY_MS);
    };
    const connect = () => {
      if (stopped) return;
      source = new EventSource('/v1/cases/live');
      source.onopen = () => {
        // Changes made while we were away are read once on (re)connecting.
        if (everOpened) refreshSoon();
        everOpened = true;
        attempt = 0;
        setStatus('live');
      };
      source.onerror = () => {
        if (stopped || !source) return;
        setStatus('reconnecting');
        if (source.readyState === EventSource.CLOSED) {
          source.close();
          const wait = RECONNECT_MS[Math.min(attempt, RECONNECT_MS.length - 1)];
          attempt++;
          retry = setTimeout(connect, wait);
        }
      };
      source.addEventListener('changed', refreshSoon);
    };
    connect();
    const quiet = setInterval(refreshSoon, QUIET_REFRESH_MS);
    return () => {
      stopped = true;
      source?.close();
      clearTimeout(refresh);
      clearTimeout(retry);
      clearInterval(quiet);
    };
  }, [keyText, queryClient]);

  return status;
}
