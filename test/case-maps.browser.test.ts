import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_DIST_DIR } from '../src/platform/web-build.ts';
import { type Session, signIn, type TestUser } from './support/auth.ts';
import { hasChromium, INSTALL_CHROMIUM, UI_WAIT_MS } from './support/browser.ts';
import { createProviderUser, registerProvider, towRequest } from './support/dispatch.ts';
import { CONSOLE_VIEWPORT, openAsStaff, staffUser } from './support/staff-web.ts';
import {
  fitsWidth,
  type OnlineCustomer,
  onlineCustomer,
  openSignedIn,
  screenshot,
  seriousViolations,
  startWeb,
  VIEWPORTS,
  type WebHarness,
} from './support/web.ts';

/**
 * Maps on the case pages (issue 22): with a style (MAP_STYLE_URL) the customer's live case and
 * the console's dispatch board draw the case's place — and, for staff, the provider — on a
 * MapLibre map with its attribution; a style that does not load leaves a quiet note; without a
 * style there is no map element and nothing of MapLibre is downloaded. The style is local: a
 * loopback server answers a style with a background layer and an inline GeoJSON source (no tiles,
 * no glyphs, nothing outside this machine). Chromium draws it with its software WebGL
 * (SwiftShader through ANGLE), which Debian's headless Chromium has without extra flags.
 */
if (!hasChromium) process.stdout.write(`${INSTALL_CHROMIUM}\n`);

/** A test here is a few steps that may each wait UI_WAIT_MS on a loaded machine. */
const SLOW = { timeout: 4 * UI_WAIT_MS };

const ATTRIBUTION = '© Colaboradores de OpenStreetMap';
const STYLE_CREDIT = '© Datos de prueba de Libra';
const STYLE = {
  version: 8,
  name: 'Libra, prueba',
  sources: {
    credits: {
      type: 'geojson',
      data: { type: 'FeatureCollection', features: [] },
      attribution: STYLE_CREDIT,
    },
  },
  layers: [
    { id: 'fondo', type: 'background', paint: { 'background-color': '#dde8f0' } },
    { id: 'creditos', type: 'circle', source: 'credits' },
  ],
};

/** A style server on loopback, as an operator's own would be: another origin than the app's. */
async function startStyleServer() {
  const state = { requests: 0, broken: false };
  const server: Server = createServer((request, response) => {
    if (request.url !== '/estilo.json') {
      response.writeHead(404).end();
      return;
    }
    state.requests++;
    // A style host that is down: the connection is dropped without an answer.
    if (state.broken) {
      request.socket.destroy();
      return;
    }
    response.writeHead(200, {
      'content-type': 'application/json',
      'access-control-allow-origin': '*',
      'cache-control': 'no-store',
    });
    response.end(JSON.stringify(STYLE));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/estilo.json`;
  return {
    url,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A tow at the Zócalo requested by the customer and taken by the only provider, a km north. */
async function dispatchedTow(web: WebHarness, customer: OnlineCustomer, provider: Session) {
  const customerApi = await signIn(web.t, customer);
  const opened = await web.t.app.inject({
    method: 'POST',
    url: '/v1/cases',
    headers: customerApi.write,
    payload: towRequest(customer.membershipId),
  });
  expect(opened.statusCode, opened.body).toBe(201);
  const caseId: string = opened.json().id;
  const offers = await web.t.app.inject({
    method: 'GET',
    url: '/v1/provider/offers',
    headers: provider.read,
  });
  const offer = offers.json().data.find((o: { caseId: string }) => o.caseId === caseId);
  expect(offer, offers.body).toBeDefined();
  const accepted = await web.t.app.inject({
    method: 'POST',
    url: `/v1/offers/${offer.id}/accept`,
    headers: provider.write,
    payload: { quoteCentavos: 80_000 },
  });
  expect(accepted.statusCode, accepted.body).toBe(200);
  expect(accepted.json().state).toBe('dispatched');
  return caseId;
}

/** The files of MapLibre's chunk (its code, its CSS, its worker), from the build's manifest. */
function mapChunkFiles(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(WEB_DIST_DIR, '.vite/manifest.json'), 'utf8'));
  const canvas = manifest['cases/MapCanvas.tsx'];
  expect(canvas, 'the map is a chunk of its own').toBeDefined();
  return [canvas.file, ...(canvas.css ?? []), ...(canvas.assets ?? [])].map((f: string) => path.basename(f));
}

/** Failed loads the browser logs itself when the style host is down (the test's doing). */
const notTheStyleHost = (failures: string[]) => failures.filter((f) => !/Failed to load resource/.test(f));

describe.skipIf(!hasChromium)('case maps with a style (MAP_STYLE_URL)', SLOW, () => {
  let web: WebHarness;
  let style: Awaited<ReturnType<typeof startStyleServer>>;
  let customer: OnlineCustomer;
  let agent: TestUser;
  let caseId: string;
  let providerName: string;

  beforeAll(async () => {
    style = await startStyleServer();
    web = await startWeb({ env: { MAP_STYLE_URL: style.url, MAP_ATTRIBUTION: ATTRIBUTION } });
    customer = await onlineCustomer(web.t);
    agent = await staffUser(web, 'agent');
    providerName = 'Grúas Zócalo Norte';
    const providerId = await registerProvider(web.t, { name: providerName, kmNorth: 1, capacity: 5 });
    const provider = await signIn(web.t, await createProviderUser(web.t, providerId));
    caseId = await dispatchedTow(web, customer, provider);
  }, 120_000);

  afterAll(async () => {
    await web?.close();
    await style?.close();
  });

  /** The map drawn: MapLibre's canvas in the page's map panel, its style fetched. */
  async function mapDrawn(page: Page) {
    const panel = page.getByTestId('case-map-panel');
    await panel.locator('canvas.maplibregl-canvas').waitFor();
    await panel.locator('.maplibregl-ctrl-attrib').getByText(ATTRIBUTION).waitFor();
    return panel;
  }

  it("draws the place on the customer's live case page, credited, with a text alternative", async () => {
    const { page, failures } = await openSignedIn(web, customer, `/app/casos/${caseId}`);
    const panel = await mapDrawn(page);
    expect(style.state.requests).toBeGreaterThan(0);

    // The place and, the tow being dispatched, the provider's unit (given to the customer only now).
    expect(await panel.locator('.maplibregl-marker.case-map-place').count()).toBe(1);
    const unit = panel.locator('.maplibregl-marker.case-map-provider');
    await unit.waitFor();
    expect(await unit.getAttribute('aria-label')).toBe(`Proveedor: ${providerName}`);
    expect(await panel.locator('.case-map-place').getAttribute('aria-label')).toBe('Lugar de la asistencia');
    expect(await panel.locator('canvas').getAttribute('aria-label')).toBe('Mapa del lugar de la asistencia');

    // The credits are shown, not folded away: the operator's and the style's own.
    const credits = panel.locator('.maplibregl-ctrl-attrib');
    expect(await credits.isVisible()).toBe(true);
    expect(await credits.getAttribute('open')).not.toBeNull();
    await credits.getByText(STYLE_CREDIT).waitFor();

    // The text alternative: the address, and how far the provider is, as the card says.
    const caption = await panel.locator('figcaption').innerText();
    expect(caption).toContain('Lugar: Plaza de la Constitución s/n, Centro, CDMX.');
    expect(caption).toMatch(/El proveedor está a [\d.]+ km\./);

    expect(await seriousViolations(page)).toEqual([]);
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, 'case-map', VIEWPORTS[0]);

    // In English the map is made again with English words.
    await page.getByRole('button', { name: 'English' }).click();
    await panel.locator('canvas[aria-label="Map of where help is needed"]').waitFor();
    await panel.locator('.maplibregl-ctrl-attrib').getByText(ATTRIBUTION).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Español' }).click();
    expect(failures).toEqual([]);
    await page.context().close();
  });

  it('shows the customer no provider before the tow is dispatched', async () => {
    const customerApi = await signIn(web.t, customer);
    const opened = await web.t.app.inject({
      method: 'POST',
      url: '/v1/cases',
      headers: customerApi.write,
      payload: towRequest(customer.membershipId),
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const { page, failures } = await openSignedIn(web, customer, `/app/casos/${opened.json().id}`);
    const panel = await mapDrawn(page);
    await panel.locator('.maplibregl-marker.case-map-place').waitFor();
    expect(await panel.locator('.case-map-provider').count()).toBe(0);
    expect(failures).toEqual([]);
    await page.context().close();
  });

  it("draws the place and the provider on the console's case page", async () => {
    const { page, failures } = await openAsStaff(web, agent, `/console/casos/${caseId}`);
    const panel = await mapDrawn(page);
    expect(await panel.locator('.maplibregl-marker.case-map-place').count()).toBe(1);
    const provider = panel.locator('.maplibregl-marker.case-map-provider');
    await provider.waitFor();
    expect(await provider.getAttribute('aria-label')).toBe(`Proveedor: ${providerName}`);
    // Both pins in view: the map fitted them.
    const box = await panel.locator('.case-map').boundingBox();
    for (const pin of [panel.locator('.case-map-place'), provider]) {
      const at = await pin.boundingBox();
      expect(box && at, 'pin drawn').toBeTruthy();
      if (!box || !at) continue;
      expect(at.x + at.width / 2).toBeGreaterThanOrEqual(box.x);
      expect(at.x + at.width / 2).toBeLessThanOrEqual(box.x + box.width);
      expect(at.y + at.height).toBeGreaterThanOrEqual(box.y);
      expect(at.y).toBeLessThanOrEqual(box.y + box.height);
    }
    // The agent may move it: a button, with a line saying how.
    expect(await panel.locator('.case-map-place').getAttribute('role')).toBe('button');
    await panel.getByText('Arrastra el marcador del lugar para corregirlo.', { exact: false }).waitFor();

    expect(await seriousViolations(page)).toEqual([]);
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, 'console-case-map', CONSOLE_VIEWPORT);
    expect(failures).toEqual([]);
    await page.context().close();
  });

  it("lets the agent drag the place's pin, asks first, and moves the case's place", async () => {
    const agentApi = await signIn(web.t, agent);
    const placeNow = async () =>
      (await web.t.app.inject({ method: 'GET', url: `/v1/cases/${caseId}`, headers: agentApi.read })).json()
        .place as { lat: number; lng: number; precision: string | null };
    const { page, failures } = await openAsStaff(web, agent, `/console/casos/${caseId}`);
    const panel = await mapDrawn(page);
    const pin = panel.locator('.case-map-place');
    const dialog = page.getByRole('dialog', { name: '¿Mover el lugar del caso aquí?' });
    const centre = async () => {
      const box = await pin.boundingBox();
      if (!box) throw new Error('the pin is not drawn');
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    };
    async function drag(dx: number, dy: number) {
      const from = await centre();
      await page.mouse.move(from.x, from.y);
      await page.mouse.down();
      await page.mouse.move(from.x + dx, from.y + dy, { steps: 8 });
      await page.mouse.up();
    }

    // Dragged, then "no": the pin goes back and the case keeps its place.
    await panel.locator('.case-map').scrollIntoViewIfNeeded();
    const start = await centre();
    const before = await placeNow();
    await drag(80, -40);
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/Nuevo punto: 19\.\d{5}, -99\.\d{5}/);
    await dialog.getByRole('button', { name: 'Dejarlo donde estaba' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await placeNow()).toEqual(before);
    const back = await centre();
    expect(Math.abs(back.x - start.x) + Math.abs(back.y - start.y)).toBeLessThan(2);

    // Dragged right and up, then "yes": the place is the new point, east and north, exact.
    await drag(80, -40);
    await dialog.getByRole('button', { name: 'Mover aquí' }).click();
    await dialog.waitFor({ state: 'detached' });
    const moved = await placeNow();
    expect(moved.lng).toBeGreaterThan(before.lng);
    expect(moved.lat).toBeGreaterThan(before.lat);
    expect(moved.precision).toBe('exact');
    // The board shows the new point.
    await page.getByText(`${moved.lat.toFixed(5)}, ${moved.lng.toFixed(5)}`).waitFor();

    // With the keyboard: the focused pin moves with the arrows and asks on Enter.
    await panel.locator('.case-map').scrollIntoViewIfNeeded();
    await pin.focus();
    for (let step = 0; step < 3; step++) await page.keyboard.press('Shift+ArrowUp');
    expect(await dialog.count()).toBe(0);
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Mover aquí' }).click();
    await dialog.waitFor({ state: 'detached' });
    const north = await placeNow();
    expect(north.lat).toBeGreaterThan(moved.lat);
    expect(north.lng).toBeCloseTo(moved.lng, 4);

    expect(await seriousViolations(page)).toEqual([]);
    expect(failures).toEqual([]);
    await page.context().close();
  });

  it('puts a quiet note where the map was when its style does not load', async () => {
    style.state.broken = true;
    try {
      for (const open of [
        () => openSignedIn(web, customer, `/app/casos/${caseId}`),
        () => openAsStaff(web, agent, `/console/casos/${caseId}`),
      ]) {
        const { page, failures } = await open();
        const panel = page.getByTestId('case-map-panel');
        await panel.getByText('El mapa no está disponible por ahora.').waitFor();
        expect(await page.locator('.maplibregl-map').count()).toBe(0);
        expect(await page.locator('canvas').count()).toBe(0);
        expect(await seriousViolations(page)).toEqual([]);
        expect(notTheStyleHost(failures)).toEqual([]);
        await page.context().close();
      }
    } finally {
      style.state.broken = false;
    }
  });
});

describe.skipIf(!hasChromium)('case pages without a style', SLOW, () => {
  let web: WebHarness;
  let customer: OnlineCustomer;
  let agent: TestUser;
  let caseId: string;

  beforeAll(async () => {
    web = await startWeb();
    customer = await onlineCustomer(web.t);
    agent = await staffUser(web, 'agent');
    const providerId = await registerProvider(web.t, { kmNorth: 1, capacity: 5 });
    const provider = await signIn(web.t, await createProviderUser(web.t, providerId));
    caseId = await dispatchedTow(web, customer, provider);
  }, 120_000);

  afterAll(async () => web?.close());

  /** Opens `path` in a page already signed in, and lists every URL it asks for from there on. */
  async function visit(page: Page, url: string) {
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    const config = page.waitForResponse((r) => r.url().endsWith('/v1/web-config'));
    await page.goto(url);
    expect((await config).status()).toBe(200);
    return requested;
  }

  it('shows no map and downloads nothing of MapLibre on either case page', async () => {
    const chunk = mapChunkFiles();
    const customerPage = await openSignedIn(web, customer, '/app');
    const agentPage = await openAsStaff(web, agent, '/console');
    for (const [{ page, failures }, url, ready] of [
      [customerPage, `/app/casos/${caseId}`, (p: Page) => p.getByTestId('case-status').waitFor()],
      [agentPage, `/console/casos/${caseId}`, (p: Page) => p.getByTestId('candidates').waitFor()],
    ] as const) {
      const requested = await visit(page, `${web.base}${url}`);
      await ready(page);
      expect(await page.locator('.maplibregl-map').count()).toBe(0);
      expect(await page.getByTestId('case-map-panel').count()).toBe(0);
      expect(await page.locator('canvas').count()).toBe(0);
      const mapFiles = requested.filter((u) => chunk.some((file) => u.includes(file)) || /maplibre/i.test(u));
      expect(mapFiles, url).toEqual([]);
      expect(failures).toEqual([]);
      await page.context().close();
    }
  });

  it('keeps MapLibre out of every chunk a page loads up front: only the map chunk has it', () => {
    const manifest: Record<string, { file: string; imports?: string[]; css?: string[]; isEntry?: boolean }> =
      JSON.parse(readFileSync(path.join(WEB_DIST_DIR, '.vite/manifest.json'), 'utf8'));
    const holdsMapLibre = (file: string) =>
      readFileSync(path.join(WEB_DIST_DIR, file), 'utf8').includes('maplibregl-canvas');
    const offenders: string[] = [];
    for (const [key, chunk] of Object.entries(manifest)) {
      if (key === 'cases/MapCanvas.tsx' || !/\.(js|css)$/.test(chunk.file)) continue;
      for (const file of [chunk.file, ...(chunk.css ?? [])])
        if (holdsMapLibre(file)) offenders.push(`${key}: ${file}`);
    }
    expect(offenders).toEqual([]);
    expect(holdsMapLibre(manifest['cases/MapCanvas.tsx']?.file ?? '')).toBe(true);
  });
});
