import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './support/app.ts';

/**
 * What the web apps learn at run time (issue 22): whether there is a map and with which style,
 * and the Content-Security-Policy that lets the browser fetch it — opened only when configured.
 */
describe('GET /v1/web-config and the map in the Content-Security-Policy', () => {
  let plain: TestApp;
  let mapped: TestApp;

  beforeAll(async () => {
    plain = await buildTestApp();
    mapped = await buildTestApp({
      env: {
        MAP_STYLE_URL: 'https://mapas.libra.mx/styles/libra.json',
        MAP_CONNECT_SRC: 'https://tiles.libra.mx',
        MAP_ATTRIBUTION: '© OpenStreetMap contributors',
      },
    });
  });
  afterAll(async () => {
    await plain?.close();
    await mapped?.close();
  });

  const csp = (headers: Record<string, unknown>) =>
    Object.fromEntries(
      String(headers['content-security-policy'])
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name = '', ...values]) => [name, values]),
    ) as Record<string, string[] | undefined>;

  it('says there is no map when no style is configured, and opens nothing', async () => {
    const res = await plain.app.inject({ method: 'GET', url: '/v1/web-config' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ mapStyleUrl: null, mapAttribution: null, paymentMode: 'sandbox' });
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    const policy = csp((await plain.app.inject({ method: 'GET', url: '/' })).headers);
    expect(policy['connect-src']).toBeUndefined();
    expect(policy['default-src']).toEqual(["'self'"]);
    expect(policy['img-src']).toEqual(["'self'", 'data:']);
  });

  it('hands the style and its attribution to anyone, and lets pages fetch from its hosts only', async () => {
    const res = await mapped.app.inject({ method: 'GET', url: '/v1/web-config' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      mapStyleUrl: 'https://mapas.libra.mx/styles/libra.json',
      mapAttribution: '© OpenStreetMap contributors',
      paymentMode: 'sandbox',
    });
    const policy = csp((await mapped.app.inject({ method: 'GET', url: '/app' })).headers);
    expect(policy['connect-src']).toEqual(["'self'", 'https://mapas.libra.mx', 'https://tiles.libra.mx']);
    expect(policy['img-src']).toEqual(["'self'", 'data:', 'blob:']);
    expect(policy['script-src']).toEqual(["'self'"]);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await plain.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.paths['/v1/web-config'].get.responses['200']).toBeDefined();
  });
});
