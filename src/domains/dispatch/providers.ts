import type { Point } from '../../lib/geo.ts';
import type { Coverage } from './geo.ts';
import type { ProviderRow } from './repository.ts';

/** The provider network's shapes: a provider as registered and as read, and one seen from a job. */

export interface ProviderInput {
  name: string;
  phone: string;
  services: string[];
  coverage: { kind: 'radius'; center: Point; radiusKm: number } | { kind: 'states'; states: string[] };
  location: Point;
  available?: boolean | undefined;
  capacity: number;
}

export interface ProviderView {
  id: string;
  name: string;
  phone: string;
  services: string[];
  coverage: Coverage;
  location: Point & { updatedAt: string };
  available: boolean;
  capacity: number;
  activeJobs: number;
}

export function coverageOf(p: ProviderRow): Coverage {
  return p.coverageKind === 'radius'
    ? {
        kind: 'radius',
        center: { lat: p.coverageCenterLat as number, lng: p.coverageCenterLng as number },
        radiusKm: p.coverageRadiusKm as number,
      }
    : { kind: 'states', states: p.coverageStates ?? [] };
}

export function present(p: ProviderRow, activeJobs: number): ProviderView {
  return {
    id: p.id,
    name: p.name,
    phone: p.phone,
    services: p.services,
    coverage: coverageOf(p),
    location: { lat: p.lat, lng: p.lng, updatedAt: p.locationUpdatedAt.toISOString() },
    available: p.available,
    capacity: p.capacity,
    activeJobs,
  };
}

/** A provider that could take a job now, with how far it is. */
export interface Candidate {
  provider: ProviderRow;
  distanceKm: number;
  etaMinutes: number;
}

/** Sooner to arrive first; then nearer; then by name (a stable order). */
export function sooner(a: Candidate, b: Candidate): number {
  return (
    a.etaMinutes - b.etaMinutes ||
    a.distanceKm - b.distanceKm ||
    a.provider.name.localeCompare(b.provider.name)
  );
}

/** A provider seen from a job (the dispatch board): how far, how soon, and whether it can go now. */
export interface CandidateView {
  providerId: string;
  name: string;
  phone: string;
  distanceKm: number;
  etaMinutes: number;
  covers: boolean;
  available: boolean;
  activeJobs: number;
  capacity: number;
  canTake: boolean;
}
