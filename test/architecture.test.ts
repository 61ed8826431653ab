import { describe, expect, it } from 'vitest';
import { cyclesOf, type ImportEdge, importGraph } from './support/import-graph.ts';

/**
 * Who may import whom (docs/architecture.md), checked over the import graph of src/ on every
 * `npm test`. A new import that breaks a rule fails here; an import that breaks one today and is
 * being fixed is listed in KNOWN_VIOLATIONS, which only shrinks.
 */

/**
 * Violations that exist and are being removed, each exactly as the test prints it; an entry that
 * no longer happens fails the test too, so the list cannot keep stale lines. Empty since issue 20:
 * a new entry needs a reason and the issue that removes it.
 */
const KNOWN_VIOLATIONS: string[] = [];

/** The layers of the server, highest first: a file may import its own layer and the ones below. */
const LAYERS = ['main', 'entry', 'app', 'domains', 'platform', 'db', 'lib'] as const;
type Layer = (typeof LAYERS)[number] | 'web';

function layerOf(file: string): Layer | undefined {
  if (file === 'src/main.ts') return 'main';
  if (
    file.startsWith('src/cli/') ||
    file.startsWith('src/seed/') ||
    file === 'src/seed.ts' ||
    file === 'src/startup.ts'
  )
    return 'entry';
  // The configuration is read where the app is built (app, cli, main), so it sits with the app.
  if (file === 'src/app.ts' || file === 'src/services.ts' || file === 'src/config.ts') return 'app';
  for (const layer of ['domains', 'platform', 'db', 'lib', 'web'] as const) {
    if (file.startsWith(`src/${layer}/`)) return layer;
  }
  return undefined;
}

/**
 * Server modules the browser bundle may import. Domain `schemas.ts` give the API's types (type-only,
 * so TypeBox stays out of the bundle); the others are pure modules shared on purpose, listed as the
 * web imports them today. `code` means the web may import values (they end up in the bundle).
 */
const SHARED_WITH_WEB: { matches: (file: string) => boolean; name: string; code: boolean }[] = [
  {
    name: 'src/domains/<domain>/schemas.ts',
    matches: (f) => /^src\/domains\/[^/]+\/schemas\.ts$/.test(f),
    code: false,
  },
  { name: 'src/domains/catalog/rules.ts', matches: (f) => f === 'src/domains/catalog/rules.ts', code: false },
  {
    name: 'src/domains/entitlements/decide.ts',
    matches: (f) => f === 'src/domains/entitlements/decide.ts',
    code: false,
  },
  { name: 'src/platform/principal.ts', matches: (f) => f === 'src/platform/principal.ts', code: true },
  // The shape of GET /v1/web-config (the map's style), read by src/web/web-config.ts.
  { name: 'src/platform/web-config.ts', matches: (f) => f === 'src/platform/web-config.ts', code: false },
  // ETAs read the same on every screen as in the server's messages ("1 h 40 min", issue 22).
  { name: 'src/lib/duration.ts', matches: (f) => f === 'src/lib/duration.ts', code: true },
  // One message library and one phone parser for the server and the web (issue 23).
  { name: 'src/lib/words.ts', matches: (f) => f === 'src/lib/words.ts', code: true },
  { name: 'src/lib/phone.ts', matches: (f) => f === 'src/lib/phone.ts', code: true },
  {
    name: 'src/domains/complaints/lifecycle.ts',
    matches: (f) => f === 'src/domains/complaints/lifecycle.ts',
    code: true,
  },
];

const domainOf = (file: string) => /^src\/domains\/([^/]+)\//.exec(file)?.[1];
const isTest = (file: string) => /\.test\.tsx?$/.test(file);

/** Every violation of the rules in the current tree, each as one line. */
function violations(edges: ImportEdge[]): string[] {
  const found = new Set<string>();
  const add = (rule: string, e: { from: string; to: string }) => found.add(`${rule}: ${e.from} -> ${e.to}`);

  // Tests may import whatever they need to build the app; the rules are about the product.
  const product = edges.filter((e) => !isTest(e.from) && e.to.startsWith('src/'));

  for (const e of product) {
    const from = layerOf(e.from);
    const to = layerOf(e.to);
    if (!from || !to) {
      add('every file of src/ belongs to a layer', e);
      continue;
    }
    if (from === 'web') {
      if (to === 'web') continue;
      const shared = SHARED_WITH_WEB.find((s) => s.matches(e.to));
      if (!shared) add('src/web imports only the modules shared with it', e);
      else if (!shared.code && !e.typeOnly) add('src/web imports only types from this shared module', e);
      continue;
    }
    if (to === 'web') {
      // The server serves the built web (src/platform/web*.ts read dist/web); it never imports its code.
      add('the server imports nothing from src/web', e);
      continue;
    }
    if (LAYERS.indexOf(to) < LAYERS.indexOf(from)) add(`layers: ${from} -> ${to}`, e);

    if (e.from.startsWith('src/db/schema/') && to === 'domains') add('src/db/schema imports no domain', e);
    if (domainOf(e.from) === 'dispatch' && domainOf(e.to) === 'cases')
      add('dispatch imports nothing from cases', e);
  }

  // Within the browser bundle: the staff apps share with the portal through neutral folders.
  for (const e of product) {
    if (isTest(e.from)) continue;
    if (/^src\/web\/(console|staff|provider)\//.test(e.from) && e.to.startsWith('src/web/pages/portal/')) {
      add('the staff apps import nothing from the portal', e);
    }
  }

  // What the web imports as code must not drag server code into the bundle.
  for (const e of product) {
    const shared = SHARED_WITH_WEB.find((s) => s.code && s.matches(e.from));
    if (shared && !e.typeOnly && !SHARED_WITH_WEB.some((s) => s.code && s.matches(e.to))) {
      add('a module shared with the web as code imports only such modules', e);
    }
  }

  const betweenDomains = product
    .map((e) => ({ from: domainOf(e.from), to: domainOf(e.to) }))
    .filter((e): e is { from: string; to: string } => !!e.from && !!e.to && e.from !== e.to);
  for (const cycle of cyclesOf(betweenDomains)) found.add(`no cycle between domains: ${cycle.join(', ')}`);

  const inSchema = product.filter(
    (e) => e.from.startsWith('src/db/schema/') && e.to.startsWith('src/db/schema/'),
  );
  for (const cycle of cyclesOf(inSchema)) found.add(`no cycle in src/db/schema: ${cycle.join(', ')}`);

  return [...found].sort();
}

describe('architecture: who may import whom', () => {
  const { edges } = importGraph(['src']);
  const current = violations(edges);

  it('reads the graph (a parser that finds nothing would pass every rule)', () => {
    expect(edges.length).toBeGreaterThan(500);
    expect(edges).toContainEqual({ from: 'src/app.ts', to: 'src/platform/problem.ts', typeOnly: false });
  });

  it('has no violation but the known ones', () => {
    const known = new Set(KNOWN_VIOLATIONS);
    expect(current.filter((v) => !known.has(v))).toEqual([]);
  });

  it('lists no known violation that is gone (remove it from KNOWN_VIOLATIONS)', () => {
    const now = new Set(current);
    expect(KNOWN_VIOLATIONS.filter((v) => !now.has(v))).toEqual([]);
  });
});

describe('the rules themselves', () => {
  it('catch a lower layer importing a higher one, a domain cycle and the web reaching the server', () => {
    const edge = (from: string, to: string, typeOnly = false) => ({ from, to, typeOnly });
    expect(
      violations([
        edge('src/lib/money.ts', 'src/db/client.ts'),
        edge('src/platform/auth.ts', 'src/domains/identity/service.ts'),
        edge('src/domains/members/service.ts', 'src/app.ts'),
        edge('src/domains/billing/service.ts', 'src/domains/members/service.ts'),
        edge('src/domains/members/service.ts', 'src/domains/billing/service.ts'),
        edge('src/domains/dispatch/geo.ts', 'src/domains/cases/lifecycle.ts', true),
        edge('src/db/schema/a.ts', 'src/db/schema/b.ts'),
        edge('src/db/schema/b.ts', 'src/db/schema/a.ts'),
        edge('src/web/console/pages/X.tsx', 'src/web/pages/portal/Y.tsx'),
        edge('src/web/api.ts', 'src/domains/cases/service.ts', true),
        edge('src/web/api.ts', 'src/domains/cases/schemas.ts'),
        edge('src/web/api.ts', 'src/domains/cases/schemas.ts', true),
        edge('src/platform/web.ts', 'src/web/main.tsx'),
      ]),
    ).toEqual([
      'dispatch imports nothing from cases: src/domains/dispatch/geo.ts -> src/domains/cases/lifecycle.ts',
      'layers: domains -> app: src/domains/members/service.ts -> src/app.ts',
      'layers: lib -> db: src/lib/money.ts -> src/db/client.ts',
      'layers: platform -> domains: src/platform/auth.ts -> src/domains/identity/service.ts',
      'no cycle between domains: billing, members',
      'no cycle in src/db/schema: src/db/schema/a.ts, src/db/schema/b.ts',
      'src/web imports only the modules shared with it: src/web/api.ts -> src/domains/cases/service.ts',
      'src/web imports only types from this shared module: src/web/api.ts -> src/domains/cases/schemas.ts',
      'the server imports nothing from src/web: src/platform/web.ts -> src/web/main.tsx',
      'the staff apps import nothing from the portal: src/web/console/pages/X.tsx -> src/web/pages/portal/Y.tsx',
    ]);
  });
});
