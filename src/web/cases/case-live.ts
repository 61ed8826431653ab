import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { type Case, type CaseEvent, caseKey } from './case-data.ts';

/**
 * Every event type the case stream names (`event:` lines). EventSource only hands a named event to
 * a listener of that name, so each is listened to; a type added later is still caught by the
 * periodic refresh below.
 */
const EVENT_TYPES = [
  'message',
  'requested',
  'refused',
  'offered',
  'offer_accepted',
  'offer_declined',
  'offer_expired',
  'offer_withdrawn',
  'no_provider_available',
  'assigned_by_hand',
  'excess_pending',
  'excess_accepted',
  'eta_updated',
  'dispatched',
  'en_route',
  'on_site',
  'completed',
  'cancelled',
  'booked',
  'rescheduled',
  'attended',
  'no_show',
  'taken',
  'in_consultation',
  'under_review',
  'document_added',
  'approved',
  'paid',
  'rejected',
  'place_updated',
  'unit_set',
  'rated',
] as const;

/** Reading the whole case again after a burst of events: once, shortly after the last. */
const REFRESH_DELAY_MS = 250;
/** Even with nothing new, the case is read again this often, so "actualizado hace" stays true. */
const QUIET_REFRESH_MS = 30_000;
/** When the browser gives up reconnecting (the server refused the stream), we try again. */
const RECONNECT_MS = [3_000, 6_000, 15_000, 30_000];

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

type StreamEvent = CaseEvent & { case?: { state: string; eta: Case['eta'] } | null };

/**
 * Follows a case live over Server-Sent Events (GET /v1/cases/{id}/events, same-origin cookie). Each
 * new event is applied to the cached case at once (state, ETA, timeline) and the case is then read
 * again for everything else (provider, costs, labels). The browser reconnects by itself and the
 * server resumes after Last-Event-ID; if the browser gives up, a new stream is opened later and
 * events already seen are skipped by their number. Stops when the case is over.
 */
export function useCaseLive(caseId: string, enabled: boolean): { status: LiveStatus } {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    if (!enabled) return;
    let source: EventSource | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;
    const key = caseKey(caseId);

    const refreshSoon = () => {
      clearTimeout(refreshTimer.current);
      refreshTimer.current = setTimeout(() => {
        refreshTimer.current = undefined;
        void queryClient.invalidateQueries({ queryKey: key });
      }, REFRESH_DELAY_MS);
    };

    const onEvent = (message: MessageEvent<string>) => {
      let event: StreamEvent;
      try {
        event = JSON.parse(message.data) as StreamEvent;
      } catch {
        return;
      }
      let isNew = false;
      queryClient.setQueryData<Case>(key, (old) => {
        if (!old) return old;
        const timeline = old.timeline ?? [];
        if (timeline.some((e) => e.seq === event.seq)) return old;
        isNew = true;
        const { case: snapshot, ...fields } = event;
        return {
          ...old,
          state: snapshot?.state ?? old.state,
          eta: snapshot ? snapshot.eta : old.eta,
          timeline: [...timeline, fields],
        };
      });
      if (isNew || !queryClient.getQueryData(key)) refreshSoon();
    };

    const connect = () => {
      if (stopped) return;
      source = new EventSource(`/v1/cases/${caseId}/events`);
      source.onopen = () => {
        attempt = 0;
        setStatus('live');
      };
      source.onerror = () => {
        if (stopped || !source) return;
        if (source.readyState === EventSource.CLOSED) {
          // The browser will not try again (the server answered with an error): we will, later.
          source.close();
          setStatus('reconnecting');
          const wait = RECONNECT_MS[Math.min(attempt, RECONNECT_MS.length - 1)];
          attempt++;
          retryTimer = setTimeout(connect, wait);
        } else {
          setStatus('reconnecting');
        }
      };
      for (const type of EVENT_TYPES) source.addEventListener(type, onEvent as EventListener);
    };

    setStatus('connecting');
    connect();
    const quiet = setInterval(() => void queryClient.invalidateQueries({ queryKey: key }), QUIET_REFRESH_MS);
    return () => {
      stopped = true;
      source?.close();
      clearTimeout(retryTimer);
      clearInterval(quiet);
      // The last event often closes the case, which stops following it: the read it asked for
      // (the state's words, the final figures) still happens, or the page would keep the old ones.
      if (refreshTimer.current !== undefined) {
        clearTimeout(refreshTimer.current);
        refreshTimer.current = undefined;
        void queryClient.invalidateQueries({ queryKey: key });
      }
    };
  }, [caseId, enabled, queryClient]);

  return { status };
}

/** Seconds since an instant (ms), ticking every second while mounted. */
export function useSecondsSince(since: number | undefined): number | undefined {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return since === undefined ? undefined : Math.max(0, Math.floor((now - since) / 1000));
}
