import type { Static } from '@sinclair/typebox';
import { useQuery } from '@tanstack/react-query';
import type { ProviderJobView } from '../../domains/cases/schemas.ts';
import type { OfferView } from '../../domains/onsite/schemas.ts';
import { getJson, type PlanService, type PlanView } from '../api.ts';
import { useI18n } from '../i18n/i18n.tsx';

/** The API's shapes, from the schemas that also validate and document it. */
export type Job = Static<typeof ProviderJobView>;

/** An offer waiting for my answer (GET /v1/provider/offers). */
export type Offer = Static<typeof OfferView>;

/** The provider I work for (GET /v1/provider). */
export interface ProviderSelf {
  id: string;
  name: string;
  services: string[];
  available: boolean;
  capacity: number;
  activeJobs: number;
}

export const OFFERS = ['provider', 'offers'] as const;
export const JOBS = ['provider', 'jobs'] as const;
export const SELF = ['provider', 'self'] as const;
export const jobKey = (id: string) => ['provider', 'job', id] as const;

/** How often the lists are read again: offers expire in minutes, so every few seconds. */
export const OFFERS_POLL_MS = 5_000;
export const JOB_POLL_MS = 10_000;

export function useOffers() {
  const { lang } = useI18n();
  return useQuery({
    queryKey: OFFERS,
    queryFn: () => getJson<{ data: Offer[] }>('/v1/provider/offers', lang),
    refetchInterval: OFFERS_POLL_MS,
    refetchIntervalInBackground: true,
    staleTime: 0,
  });
}

export function useJobs() {
  const { lang } = useI18n();
  return useQuery({
    queryKey: JOBS,
    queryFn: () => getJson<{ data: Job[] }>('/v1/provider/jobs', lang),
    refetchInterval: OFFERS_POLL_MS,
    staleTime: 0,
  });
}

export function useJob(id: string) {
  const { lang } = useI18n();
  return useQuery({
    queryKey: jobKey(id),
    queryFn: () => getJson<Job>(`/v1/provider/jobs/${id}`, lang),
    refetchInterval: JOB_POLL_MS,
    staleTime: 0,
  });
}

export function useProviderSelf() {
  const { lang } = useI18n();
  return useQuery({
    queryKey: SELF,
    queryFn: () => getJson<ProviderSelf>('/v1/provider', lang),
    staleTime: 30_000,
  });
}

/** Every service of the published plans, by code: names in both languages and their rules. */
export function useServices() {
  const { lang } = useI18n();
  return useQuery({
    queryKey: ['plans', 'all'],
    queryFn: () => getJson<{ data: PlanView[] }>('/v1/plans', lang),
    staleTime: 10 * 60_000,
    select: (answer) => {
      const byCode = new Map<string, PlanService>();
      for (const plan of answer.data)
        for (const s of plan.services) if (!byCode.has(s.code)) byCode.set(s.code, s);
      return byCode;
    },
  });
}

/** A service's name in the reader's language, or its code while the catalog is not there. */
export function serviceNameOf(
  services: Map<string, PlanService> | undefined,
  code: string,
  lang: 'es' | 'en',
) {
  return services?.get(code)?.name[lang] ?? code;
}

/** The cap of a capped service (a tow: $1,000.00), when it has one: such services need a quote. */
export function capOf(services: Map<string, PlanService> | undefined, code: string): number | undefined {
  const perEvent = services?.get(code)?.rules.perEvent as { kind: string; capCentavos?: number } | undefined;
  return perEvent?.kind === 'amount_cap' ? perEvent.capCentavos : undefined;
}

/** An amount typed in pesos as integer centavos (the web's one reading of money typed by people). */
export { parsePesos as pesosToCentavos } from '../i18n/format.ts';

/** A link that opens the place in the phone's maps app (Google Maps' universal link). */
export function mapsUrl(place: { lat: number; lng: number }): string {
  return `https://www.google.com/maps/search/?api=1&query=${place.lat.toFixed(6)},${place.lng.toFixed(6)}`;
}

/** The job in hand first: on site, then on the way, then assigned, then waiting on the customer. */
const ORDER = ['on_site', 'en_route', 'dispatched', 'awaiting_excess_acceptance', 'booked'];
export function activeFirst(jobs: readonly Job[]): Job[] {
  const rank = (j: Job) => {
    const i = ORDER.indexOf(j.state);
    return i === -1 ? ORDER.length : i;
  };
  return [...jobs].sort((a, b) => rank(a) - rank(b));
}

/** What the provider reports next from a state, in order (the API refuses anything else). */
export type Step = 'en_route' | 'on_site' | 'completed' | 'attended' | 'no_show';
export function nextSteps(state: string): Step[] {
  switch (state) {
    case 'dispatched':
      return ['en_route'];
    case 'en_route':
      return ['on_site'];
    case 'on_site':
      return ['completed'];
    case 'booked':
      return ['attended', 'no_show'];
    default:
      return [];
  }
}

/** The details a provider needs from a case (the vehicle, where to take it, the specialty), in words. */
export function jobDetails(details: Record<string, unknown>): {
  vehicle?: string;
  destination?: string;
  specialty?: string;
} {
  const d = details as {
    vehicle?: Record<string, unknown>;
    destination?: { address?: unknown };
    specialty?: unknown;
  };
  const vehicle = d.vehicle
    ? ['make', 'model', 'year', 'color', 'plates']
        .map((k) => d.vehicle?.[k])
        .filter((v) => (typeof v === 'string' && v !== '') || typeof v === 'number')
        .join(' · ')
    : '';
  const destination = typeof d.destination?.address === 'string' ? d.destination.address : '';
  const specialty = typeof d.specialty === 'string' ? d.specialty : '';
  return {
    ...(vehicle ? { vehicle } : {}),
    ...(destination ? { destination } : {}),
    ...(specialty ? { specialty } : {}),
  };
}
