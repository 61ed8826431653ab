import { useMemo } from 'react';
import type { TimelineItem } from '../ui/Timeline.tsx';
import { type Case, type CaseEvent, stateTone } from './case-data.ts';
import { useSecondsSince } from './case-live.ts';

/**
 * What both case pages (the customer's and the agent's dispatch board) read off a case: the
 * details the request carried, the vehicle in one line, the provider's arrival and distance, and
 * a timeline entry. Each page says them in its own catalogue's words.
 */
export interface CaseDetails {
  vehicle?: { make?: string; model?: string; year?: number; plates?: string; color?: string };
  destination?: { address?: string };
  specialty?: string;
  callbackPhone?: string;
  estimatedCostCentavos?: number;
}

export function caseDetails(kase: Case): CaseDetails {
  return kase.details as CaseDetails;
}

/** "Nissan · Versa · 2019 · gris · ABC-123" (what was given, in that order), or "" when nothing was. */
export function vehicleText(details: CaseDetails): string {
  const v = details.vehicle;
  if (!v) return '';
  return [v.make, v.model, v.year, v.color, v.plates].filter((x) => x !== undefined && x !== '').join(' · ');
}

/**
 * Minutes until the provider arrives. The ETA is an instant on the server's clock; where the
 * browser's clock disagrees with it beyond reason (a wrong clock), the minutes the server gave are
 * counted down from when the page received them.
 */
export function useEtaMinutes(eta: Case['eta']): number | undefined {
  const etaAt = eta?.at;
  // A new ETA (its instant changed) starts a new count; the case read again with the same one does not.
  const receivedAt = useMemo(() => (etaAt ? Date.now() : undefined), [etaAt]);
  const seconds = useSecondsSince(receivedAt);
  if (!eta || seconds === undefined) return undefined;
  const byClock = (Date.parse(eta.at) - Date.now()) / 60_000;
  if (byClock > -30 && byClock <= eta.minutes + 5) return Math.max(0, Math.ceil(byClock));
  return Math.max(0, eta.minutes - Math.floor(seconds / 60));
}

/** How far the provider was at the last reading: its offer, or its last position update. */
export function distanceOf(kase: Case, timeline: CaseEvent[]): number | undefined {
  for (let i = timeline.length - 1; i >= 0; i--) {
    const e = timeline[i];
    if (!e) continue;
    const km = e.data.distanceKm;
    if (typeof km !== 'number') continue;
    if (e.type === 'eta_updated' || e.data.providerId === kase.provider?.id) return km;
  }
  return undefined;
}

/** One timeline entry: the API's label, the state's tone; who did it and the note in the page's words. */
export function caseTimelineItem(
  e: CaseEvent,
  lang: 'es' | 'en',
  words: { actor: string; note: string | undefined },
): TimelineItem {
  return {
    id: e.seq,
    at: e.at,
    title: e.label[lang],
    actor: words.actor,
    note: words.note,
    tone: stateTone(e.state),
  };
}
