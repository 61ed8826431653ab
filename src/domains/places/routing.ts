import { distanceKm, type Point } from '../../lib/geo.ts';

/**
 * The routing port: how far by road and how long a unit takes from one point to another. Ranking
 * candidates asks for many origins to one place at once (`table`). Adapters: `EstimateRouter`
 * (default; no network) and `OsrmRouter` (a self-hosted OSRM, `ROUTING_URL`), which falls back to
 * the estimate for whatever the router cannot answer — the answer says which it is (`source`).
 */
export interface RouteEstimate {
  /** Road kilometres. */
  km: number;
  /** Minutes from setting out to arriving. */
  minutes: number;
  /** `router`: the road network's answer; `estimate`: the straight line, widened (below). */
  source: 'router' | 'estimate';
}

export interface Router {
  route(from: Point, to: Point): Promise<RouteEstimate>;
  /** One estimate per origin, in the origins' order, to the same destination. */
  table(from: readonly Point[], to: Point): Promise<RouteEstimate[]>;
  /**
   * The road estimate alone, at once and without the network: what a caller inside a database
   * transaction uses when a router's answer worked out before it no longer fits (a unit moved).
   */
  estimate(from: Point, to: Point): RouteEstimate;
}

/**
 * The estimate without a router (docs/decisions.md; figures and sources in
 * docs/places-data.md):
 * - road km = straight line × 1.3 for the first 30 km (city streets wind: circuity of urban trips is
 *   about 1.2–1.3) and × 1.2 beyond (trunk roads are straighter);
 * - minutes = the first 10 road km at 25 km/h (Mexican city traffic), the rest at 90 km/h
 *   (highway), rounded up. Setting out is the caller's (dispatch adds its own setup minutes).
 * So 5 km (straight) is 16 min, 15 km 31 min, 50 km 1 h, 300 km 4 h 20 min and 900 km 12 h 20 min —
 * never "926 min" at city speed.
 */
export const ESTIMATE = {
  urbanFactor: 1.3,
  highwayFactor: 1.2,
  /** Straight-line km after which the highway factor applies. */
  urbanStraightKm: 30,
  urbanSpeedKmh: 25,
  highwaySpeedKmh: 90,
  /** Road km driven at the urban speed before the highway speed applies. */
  urbanRoadKm: 10,
} as const;

export function estimateRoute(from: Point, to: Point): RouteEstimate {
  const straight = distanceKm(from, to);
  const km =
    straight <= ESTIMATE.urbanStraightKm
      ? straight * ESTIMATE.urbanFactor
      : ESTIMATE.urbanStraightKm * ESTIMATE.urbanFactor +
        (straight - ESTIMATE.urbanStraightKm) * ESTIMATE.highwayFactor;
  const urbanKm = Math.min(km, ESTIMATE.urbanRoadKm);
  const hours = urbanKm / ESTIMATE.urbanSpeedKmh + (km - urbanKm) / ESTIMATE.highwaySpeedKmh;
  return { km: Math.round(km * 10) / 10, minutes: Math.ceil(hours * 60), source: 'estimate' };
}

export class EstimateRouter implements Router {
  estimate(from: Point, to: Point): RouteEstimate {
    return estimateRoute(from, to);
  }

  async route(from: Point, to: Point): Promise<RouteEstimate> {
    return estimateRoute(from, to);
  }

  async table(from: readonly Point[], to: Point): Promise<RouteEstimate[]> {
    return from.map((origin) => estimateRoute(origin, to));
  }
}

export interface OsrmOptions {
  /** Milliseconds before a request is given up (default 3000). */
  timeoutMs?: number;
  /** OSRM's profile in the URL (default `driving`). */
  profile?: string;
  /** Hears why an answer fell back to the estimate (the app logs it). */
  onFallback?: (reason: string) => void;
}

interface OsrmRoute {
  code?: string;
  routes?: { distance?: number; duration?: number }[];
}
interface OsrmTable {
  code?: string;
  durations?: (number | null)[][];
  distances?: (number | null)[][];
}

/**
 * A self-hosted OSRM: `/route/v1/{profile}/{lng},{lat};{lng},{lat}?overview=false` and
 * `/table/v1/{profile}/{origins…};{destination}?sources=…&destinations=…&annotations=duration,distance`.
 * Any failure — a code other than `Ok` (`NoRoute`, `NoSegment`…), an HTTP error, a timeout, an
 * answer that is not OSRM's, a `null` cell of a table — gives the estimate instead, marked
 * `source: 'estimate'`: a case is never held up because the router is down, and the screen can say
 * the time is estimated.
 */
export class OsrmRouter implements Router {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly profile: string;
  private readonly onFallback: (reason: string) => void;

  constructor(baseUrl: string, options: OsrmOptions = {}) {
    this.base = baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.profile = options.profile ?? 'driving';
    this.onFallback = options.onFallback ?? (() => {});
  }

  estimate(from: Point, to: Point): RouteEstimate {
    return estimateRoute(from, to);
  }

  async route(from: Point, to: Point): Promise<RouteEstimate> {
    const answer = await this.get<OsrmRoute>(
      `/route/v1/${this.profile}/${coords([from, to])}?overview=false`,
    );
    const best = answer?.routes?.[0];
    if (answer?.code === 'Ok' && isMetres(best?.distance) && isMetres(best?.duration)) {
      return fromOsrm(best.distance as number, best.duration as number);
    }
    if (answer) this.onFallback(`OSRM route answered ${answer.code ?? 'without a code'}`);
    return estimateRoute(from, to);
  }

  async table(from: readonly Point[], to: Point): Promise<RouteEstimate[]> {
    if (from.length === 0) return [];
    const sources = from.map((_, i) => i).join(';');
    const answer = await this.get<OsrmTable>(
      `/table/v1/${this.profile}/${coords([...from, to])}?sources=${sources}&destinations=${from.length}&annotations=duration,distance`,
    );
    if (answer && answer.code !== 'Ok')
      this.onFallback(`OSRM table answered ${answer.code ?? 'without a code'}`);
    return from.map((origin, i) => {
      const seconds = answer?.code === 'Ok' ? answer.durations?.[i]?.[0] : undefined;
      const metres = answer?.code === 'Ok' ? answer.distances?.[i]?.[0] : undefined;
      return isMetres(seconds) && isMetres(metres) ? fromOsrm(metres, seconds) : estimateRoute(origin, to);
    });
  }

  /** The parsed answer, whatever its HTTP status (OSRM explains errors in the body); null on failure. */
  private async get<T>(path: string): Promise<T | null> {
    try {
      const response = await fetch(`${this.base}${path}`, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const body = (await response.json().catch(() => null)) as T | null;
      if (!response.ok && (body === null || typeof body !== 'object')) {
        this.onFallback(`OSRM answered HTTP ${response.status}`);
        return null;
      }
      if (body === null || typeof body !== 'object') {
        this.onFallback('OSRM answered something else');
        return null;
      }
      return body;
    } catch (error) {
      this.onFallback(`OSRM did not answer: ${(error as Error).name}`);
      return null;
    }
  }
}

const coords = (points: readonly Point[]) => points.map((p) => `${p.lng},${p.lat}`).join(';');
const isMetres = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;
const fromOsrm = (metres: number, seconds: number): RouteEstimate => ({
  km: Math.round(metres / 100) / 10,
  minutes: Math.ceil(seconds / 60),
  source: 'router',
});
