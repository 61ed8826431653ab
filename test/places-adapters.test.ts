import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  FallbackGeocoder,
  NominatimGeocoder,
  precisionOf,
} from '../src/domains/places/nominatim-geocoder.ts';
import { OfflineGeocoder } from '../src/domains/places/offline-geocoder.ts';
import { EstimateRouter, estimateRoute, OsrmRouter } from '../src/domains/places/routing.ts';
import { AppError } from '../src/lib/errors.ts';
import { distanceKm } from '../src/lib/geo.ts';
import { type RecordedServer, startRecordedServer } from './support/recorded-server.ts';

/**
 * The HTTP adapters against real servers on loopback that answer recorded Nominatim (jsonv2) and
 * OSRM (route, table) answers, written from their documented formats (test/fixtures/places/):
 * found, empty, HTTP 500, `NoRoute`, and a server that never answers (timeouts kept short here).
 */
let server: RecordedServer;
beforeAll(async () => {
  server = await startRecordedServer();
});
afterAll(async () => server?.close());
beforeEach(() => {
  server.requests.length = 0;
});

const ZOCALO = { lat: 19.4326, lng: -99.1332 };
const INSURGENTES_1602 = { lat: 19.3639, lng: -99.183 };

describe('Nominatim geocoder', () => {
  const nominatim = () =>
    new NominatimGeocoder(`${server.url}/`, { timeoutMs: 300, userAgent: 'Libra-test/1' });

  it('asks one structured search, names itself, and maps a house to exact precision', async () => {
    server.answer((url) =>
      url.pathname === '/search' ? { fixture: 'places/nominatim-house.json' } : undefined,
    );
    const result = await nominatim().geocode({
      street: 'Av. Insurgentes Sur',
      number: '1602',
      colonia: 'Crédito Constructor',
      postalCode: '03940',
      municipality: 'Benito Juárez',
      state: 'CDMX',
    });
    expect(result).toMatchObject({
      found: true,
      precision: 'exact',
      normalised: {
        street: 'Avenida de los Insurgentes Sur',
        number: '1602',
        colonia: 'Crédito Constructor',
        postalCode: '03940',
        municipality: 'Benito Juárez',
        stateCode: 'CMX',
      },
    });
    if (result.found) expect(distanceKm(result.point, INSURGENTES_1602)).toBeLessThan(0.1);
    const [request] = server.requests;
    expect(request?.url.searchParams.get('format')).toBe('jsonv2');
    expect(request?.url.searchParams.get('addressdetails')).toBe('1');
    expect(request?.url.searchParams.get('countrycodes')).toBe('mx');
    expect(request?.url.searchParams.get('limit')).toBe('1');
    expect(request?.url.searchParams.get('street')).toBe('1602 Av. Insurgentes Sur');
    expect(request?.url.searchParams.get('city')).toBe('Benito Juárez');
    expect(request?.url.searchParams.get('state')).toBe('Ciudad de México');
    expect(request?.url.searchParams.get('postalcode')).toBe('03940');
    expect(request?.url.searchParams.has('q')).toBe(false);
    expect(request?.headers['user-agent']).toBe('Libra-test/1');
  });

  it('sends free text as q and maps a city to municipality precision', async () => {
    server.answer(() => ({ fixture: 'places/nominatim-city.json' }));
    const result = await nominatim().geocode({ text: 'Zapopan, Jalisco' });
    expect(result).toMatchObject({
      found: true,
      precision: 'municipality',
      normalised: { municipality: 'Zapopan', stateCode: 'JAL' },
    });
    expect(server.requests[0]?.url.searchParams.get('q')).toBe('Zapopan, Jalisco');
  });

  it('reads an empty answer as not found', async () => {
    server.answer(() => ({ fixture: 'places/nominatim-empty.json' }));
    expect(await nominatim().geocode({ text: 'Calle que no existe 123' })).toMatchObject({
      found: false,
      reason: { code: 'NOT_FOUND' },
    });
  });

  it('turns an HTTP 500 into GEOCODER_UNAVAILABLE (503)', async () => {
    server.answer(() => ({ status: 500, body: 'Internal Server Error' }));
    const error = await nominatim()
      .geocode({ text: 'Zapopan' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'GEOCODER_UNAVAILABLE', status: 503 });
  });

  it('turns a server that never answers into GEOCODER_UNAVAILABLE after its timeout', async () => {
    server.answer(() => ({ hang: true }));
    const error = await nominatim()
      .geocode({ text: 'Zapopan' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'GEOCODER_UNAVAILABLE' });
  });

  it('turns an answer that is not Nominatim’s into GEOCODER_UNAVAILABLE', async () => {
    server.answer(() => ({ status: 200, body: '<html>proxy error</html>' }));
    await expect(nominatim().geocode({ text: 'Zapopan' })).rejects.toMatchObject({
      code: 'GEOCODER_UNAVAILABLE',
    });
  });

  it('maps OpenStreetMap’s address types and ranks to precisions', () => {
    expect(precisionOf({ addresstype: 'house' })).toBe('exact');
    expect(precisionOf({ addresstype: 'road' })).toBe('street');
    expect(precisionOf({ addresstype: 'postcode' })).toBe('postal_code');
    expect(precisionOf({ addresstype: 'suburb' })).toBe('postal_code');
    expect(precisionOf({ addresstype: 'town' })).toBe('municipality');
    expect(precisionOf({ addresstype: 'state' })).toBe('state');
    expect(precisionOf({ addresstype: 'place', place_rank: 30 })).toBe('exact');
    expect(precisionOf({ place_rank: 26 })).toBe('street');
    expect(precisionOf({ place_rank: 16 })).toBe('municipality');
    expect(precisionOf({ place_rank: 8 })).toBe('state');
  });
});

describe('Nominatim backed by the bundled data', () => {
  const offline = new OfflineGeocoder();

  it('answers with Nominatim’s finer point when it has one', async () => {
    server.answer(() => ({ fixture: 'places/nominatim-house.json' }));
    const outages: unknown[] = [];
    const geocoder = new FallbackGeocoder(
      new NominatimGeocoder(server.url, { timeoutMs: 300 }),
      offline,
      (e) => outages.push(e),
    );
    const result = await geocoder.geocode({
      street: 'Av. Insurgentes Sur',
      number: '1602',
      postalCode: '03940',
    });
    expect(result).toMatchObject({ found: true, precision: 'exact' });
    expect(outages).toEqual([]);
  });

  it('answers from the bundled data when Nominatim is down, and says it was down', async () => {
    server.answer(() => ({ status: 500 }));
    const outages: unknown[] = [];
    const geocoder = new FallbackGeocoder(
      new NominatimGeocoder(server.url, { timeoutMs: 300 }),
      offline,
      (e) => outages.push(e),
    );
    const result = await geocoder.geocode({
      street: 'Av. Insurgentes Sur',
      number: '1602',
      postalCode: '03940',
    });
    expect(result).toMatchObject({
      found: true,
      precision: 'postal_code',
      normalised: { postalCode: '03940' },
    });
    expect(outages).toHaveLength(1);
  });

  it('answers from the bundled data when Nominatim finds nothing or knows less', async () => {
    const geocoder = new FallbackGeocoder(new NominatimGeocoder(server.url, { timeoutMs: 300 }), offline);
    server.answer(() => ({ fixture: 'places/nominatim-empty.json' }));
    expect(await geocoder.geocode({ postalCode: '03940' })).toMatchObject({
      found: true,
      precision: 'postal_code',
    });
    // Nominatim knows only the city; the bundled data knows the postal code.
    server.answer(() => ({ fixture: 'places/nominatim-city.json' }));
    expect(await geocoder.geocode({ postalCode: '03940' })).toMatchObject({
      found: true,
      precision: 'postal_code',
      normalised: { municipality: 'Benito Juárez' },
    });
  });

  it('refuses what the bundled data knows is wrong without asking, and lists colonias from it', async () => {
    const geocoder = new FallbackGeocoder(new NominatimGeocoder(server.url, { timeoutMs: 300 }), offline);
    server.answer(() => ({ fixture: 'places/nominatim-house.json' }));
    expect(await geocoder.geocode({ postalCode: '03940', state: 'JAL' })).toMatchObject({
      found: false,
      reason: { code: 'POSTAL_CODE_NOT_IN_STATE' },
    });
    const info = await geocoder.postalCode('03940');
    expect(info?.colonias).toEqual([{ name: 'Crédito Constructor', type: null }]);
    expect(server.requests).toEqual([]);
  });
});

describe('the straight-line estimate', () => {
  it('widens the straight line for roads and uses city speed near, highway speed far', () => {
    const near = estimateRoute(ZOCALO, INSURGENTES_1602);
    const straight = distanceKm(ZOCALO, INSURGENTES_1602);
    expect(near.km).toBeCloseTo(straight * 1.3, 0);
    expect(near.minutes).toBeGreaterThan(20);
    expect(near.minutes).toBeLessThan(30);
    expect(near.source).toBe('estimate');
    // Mexico City → Monterrey's Macroplaza, about 700 km in a straight line.
    const monterrey = estimateRoute(ZOCALO, { lat: 25.6694, lng: -100.3094 });
    expect(monterrey.minutes / 60).toBeGreaterThan(8);
    expect(monterrey.minutes / 60).toBeLessThan(11);
  });

  it('gives a provider 900 km away about twelve hours, not "926 min" at city speed', () => {
    // 900 km due north of the Zócalo (8.09° of latitude).
    const far = estimateRoute(ZOCALO, { lat: ZOCALO.lat + 8.094, lng: ZOCALO.lng });
    expect(distanceKm(ZOCALO, { lat: ZOCALO.lat + 8.094, lng: ZOCALO.lng })).toBeCloseTo(900, 0);
    expect(far.minutes / 60).toBeGreaterThan(11);
    expect(far.minutes / 60).toBeLessThan(13);
  });

  it('answers a table in the origins’ order', async () => {
    const table = await new EstimateRouter().table([INSURGENTES_1602, ZOCALO], ZOCALO);
    expect(table.map((r) => r.source)).toEqual(['estimate', 'estimate']);
    expect(table[1]?.km).toBe(0);
    expect(table[0]?.km).toBeGreaterThan(0);
  });
});

describe('OSRM router', () => {
  const fallbacks: string[] = [];
  const osrm = () =>
    new OsrmRouter(`${server.url}/`, { timeoutMs: 300, onFallback: (reason) => fallbacks.push(reason) });
  beforeEach(() => {
    fallbacks.length = 0;
  });

  it('asks the route between two points (longitude first) and reads metres and seconds', async () => {
    server.answer((url) =>
      url.pathname.startsWith('/route/v1/driving/') ? { fixture: 'places/osrm-route.json' } : undefined,
    );
    const route = await osrm().route(INSURGENTES_1602, ZOCALO);
    expect(route).toEqual({ km: 11.8, minutes: 23, source: 'router' });
    expect(server.requests[0]?.url.pathname).toBe('/route/v1/driving/-99.183,19.3639;-99.1332,19.4326');
    expect(server.requests[0]?.url.searchParams.get('overview')).toBe('false');
    expect(fallbacks).toEqual([]);
  });

  it('falls back to the estimate on NoRoute, on HTTP 500 and on a server that never answers', async () => {
    const estimate = estimateRoute(INSURGENTES_1602, ZOCALO);
    server.answer(() => ({ fixture: 'places/osrm-noroute.json', status: 400 }));
    expect(await osrm().route(INSURGENTES_1602, ZOCALO)).toEqual(estimate);
    server.answer(() => ({ status: 500, body: 'Internal Server Error' }));
    expect(await osrm().route(INSURGENTES_1602, ZOCALO)).toEqual(estimate);
    server.answer(() => ({ hang: true }));
    expect(await osrm().route(INSURGENTES_1602, ZOCALO)).toEqual(estimate);
    expect(fallbacks).toHaveLength(3);
    expect(fallbacks[0]).toContain('NoRoute');
  });

  it('asks one table for many origins, and estimates only the cells the router left empty', async () => {
    server.answer((url) =>
      url.pathname.startsWith('/table/v1/driving/') ? { fixture: 'places/osrm-table.json' } : undefined,
    );
    const cancun = { lat: 21.1606, lng: -86.8475 };
    const toluca = { lat: 19.2826, lng: -99.6557 };
    const table = await osrm().table([INSURGENTES_1602, cancun, toluca], ZOCALO);
    expect(table[0]).toEqual({ km: 11.8, minutes: 23, source: 'router' });
    expect(table[1]).toEqual(estimateRoute(cancun, ZOCALO));
    expect(table[2]).toEqual({ km: 61.5, minutes: 91, source: 'router' });
    const [request] = server.requests;
    expect(request?.url.searchParams.get('sources')).toBe('0;1;2');
    expect(request?.url.searchParams.get('destinations')).toBe('3');
    expect(request?.url.searchParams.get('annotations')).toBe('duration,distance');
  });

  it('estimates a whole table when the router is down', async () => {
    server.answer(() => ({ status: 500 }));
    const table = await osrm().table([INSURGENTES_1602], ZOCALO);
    expect(table).toEqual([estimateRoute(INSURGENTES_1602, ZOCALO)]);
  });
});
