/**
 * Minutes to wait after each failed attempt before the next: roughly exponential, capped at a day,
 * about two days and 21 hours in all (1 + 5 + 30 min, 2, 6, 12, 24, 24 h), so a receiver that is
 * down over a long weekend still gets every event. Then the delivery has failed for good.
 */
export const RETRY_MINUTES = [1, 5, 30, 120, 360, 720, 1440, 1440] as const;

/** Attempts a delivery gets from the schedule: the first and one per wait. */
export const SCHEDULED_ATTEMPTS = RETRY_MINUTES.length + 1;

/** The wait after the n-th attempt failed (n from 1), in minutes. */
export function retryMinutesAfter(attempt: number): number {
  return RETRY_MINUTES[Math.min(attempt, RETRY_MINUTES.length) - 1] ?? RETRY_MINUTES[0];
}

/** The longest a claimed delivery is held by the worker sending it before another may take it. */
export const LEASE_SECONDS = 120;

/** The most endpoints one API key may hold. */
export const MAX_ENDPOINTS_PER_KEY = 20;
