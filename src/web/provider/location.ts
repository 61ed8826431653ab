import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiProblem, api } from '../api.ts';
import { useI18n } from '../i18n/i18n.tsx';

/** At most one position every this often… */
export const SEND_EVERY_MS = 15_000;
/** …unless the truck moved this far since the last one sent (and a few seconds passed). */
export const SEND_AFTER_METRES = 100;
const MIN_GAP_MS = 5_000;

export type SharingStatus = 'off' | 'starting' | 'sharing' | 'stopped' | 'denied' | 'unavailable';

interface Sent {
  at: number;
  lat: number;
  lng: number;
}

function metresBetween(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

/** Whether a new fix is worth sending: the first one, then every 15 s or every 100 m. */
export function worthSending(last: Sent | null, now: number, point: { lat: number; lng: number }): boolean {
  if (!last) return true;
  const elapsed = now - last.at;
  if (elapsed >= SEND_EVERY_MS) return true;
  return elapsed >= MIN_GAP_MS && metresBetween(last, point) >= SEND_AFTER_METRES;
}

/**
 * Shares the phone's position with the API (PUT /v1/provider/location) while `active` — the job is
 * on its way — so the customer and the agent see the ETA change. Throttled (15 s or 100 m); the
 * provider can stop it and start it again; a refused permission is said, not retried.
 */
export function useLocationSharing(active: boolean) {
  const { lang } = useI18n();
  const [status, setStatus] = useState<SharingStatus>('off');
  const [lastSentAt, setLastSentAt] = useState<number | undefined>(undefined);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [wanted, setWanted] = useState(true);
  /** Bumped by start(): asks the browser again (after a refusal the person may have allowed it). */
  const [attempt, setAttempt] = useState(0);
  const last = useRef<Sent | null>(null);

  useEffect(() => {
    if (!active || !wanted) {
      setStatus(active ? 'stopped' : 'off');
      return;
    }
    if (!('geolocation' in navigator)) {
      setStatus('unavailable');
      return;
    }
    // Started again by hand: the first fix is sent at once.
    if (attempt > 0) last.current = null;
    setStatus('starting');
    let stopped = false;
    const watch = navigator.geolocation.watchPosition(
      (position) => {
        if (stopped) return;
        const point = {
          lat: Number(position.coords.latitude.toFixed(6)),
          lng: Number(position.coords.longitude.toFixed(6)),
        };
        const now = Date.now();
        if (!worthSending(last.current, now, point)) return;
        last.current = { at: now, ...point };
        api<{ updated: number }>('PUT', '/v1/provider/location', { lang, body: point })
          .then(() => {
            if (stopped) return;
            setStatus('sharing');
            setLastSentAt(Date.now());
            setProblem(null);
          })
          .catch((error: unknown) => {
            if (stopped) return;
            // Try again with the next fix.
            last.current = null;
            setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined));
          });
      },
      (error) => {
        if (stopped) return;
        if (error.code === error.PERMISSION_DENIED) {
          stopped = true;
          navigator.geolocation.clearWatch(watch);
          setStatus('denied');
        } else {
          setStatus('unavailable');
        }
      },
      { enableHighAccuracy: true, maximumAge: 10_000, timeout: 30_000 },
    );
    return () => {
      stopped = true;
      navigator.geolocation.clearWatch(watch);
    };
  }, [active, wanted, lang, attempt]);

  const stop = useCallback(() => setWanted(false), []);
  const start = useCallback(() => {
    setWanted(true);
    setAttempt((n) => n + 1);
  }, []);
  return { status, lastSentAt, problem, stop, start };
}
