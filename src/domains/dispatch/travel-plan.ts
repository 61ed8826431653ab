import { distanceKm, type Point } from '../../lib/geo.ts';
import { etaMinutes, type TravelTimes } from './geo.ts';
import type { ProviderRow } from './repository.ts';

/** Two points that are the same to a metre's fraction (a case's place read back from the database). */
const samePoint = (a: Point, b: Point) => Math.abs(a.lat - b.lat) < 1e-7 && Math.abs(a.lng - b.lng) < 1e-7;

/**
 * Road minutes from providers' units to one place, asked of the routing port BEFORE a database
 * transaction: a self-hosted router is a network call, and waiting on it inside a transaction holds
 * the case's row lock (and, on PGlite, the only connection). Inside the transaction the plan is
 * re-checked cheaply: a provider whose unit moved since, one the plan does not know (registered
 * meanwhile), or a place that moved since, gets the road estimate instead — never the network.
 */
export class TravelPlan {
  constructor(
    readonly place: Point | null,
    private readonly minutes: ReadonlyMap<string, { from: Point; minutes: number }>,
  ) {}

  /** The planned road minutes from the provider's unit to the place, if the plan still holds. */
  minutesFor(provider: Pick<ProviderRow, 'id' | 'lat' | 'lng'>, place: Point): number | undefined {
    if (!this.place || !samePoint(this.place, place)) return undefined;
    const planned = this.minutes.get(provider.id);
    return planned && samePoint(planned.from, provider) ? planned.minutes : undefined;
  }
}

/** No plan: everything inside the transaction is the road estimate (a job run with nothing worked out). */
export const NO_PLAN = new TravelPlan(null, new Map());

/** Asks the routing port once for every provider's trip to the place (outside any transaction). */
export async function planTravel(
  travel: TravelTimes,
  providers: readonly ProviderRow[],
  place: Point,
): Promise<TravelPlan> {
  const at = { lat: place.lat, lng: place.lng };
  const trips =
    providers.length === 0
      ? []
      : await travel.table(
          providers.map((p) => ({ lat: p.lat, lng: p.lng })),
          at,
        );
  return new TravelPlan(
    at,
    new Map(
      providers.map((p, i) => [
        p.id,
        { from: { lat: p.lat, lng: p.lng }, minutes: trips[i]?.minutes ?? travel.estimate(p, at).minutes },
      ]),
    ),
  );
}

/**
 * Distance and ETA from each provider's unit to the place, from the plan (or the estimate where it
 * no longer holds): no network. The distance is the straight line, rounded to 10 m (screens round
 * it further to the place's precision); the ETA is setting out plus the road time.
 */
export function tripsFromPlan(
  travel: TravelTimes,
  plan: TravelPlan,
  providers: readonly ProviderRow[],
  place: Point,
): { km: number; eta: number; road: number }[] {
  return providers.map((p) => {
    const road = plan.minutesFor(p, place) ?? travel.estimate(p, place).minutes;
    return {
      km: Math.round(distanceKm(p, place) * 100) / 100,
      eta: etaMinutes(road),
      road: Math.max(0, Math.ceil(road)),
    };
  });
}
