import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_TYPES_FILE, apiTypesOf } from '../scripts/api-types.ts';
import { SCOPES_BY_KIND } from '../src/domains/identity/api-keys.ts';
import { registeredErrorCodes } from '../src/lib/errors.ts';
import { TAGS } from '../src/platform/openapi.ts';
import { OPERATION_IDS, operationKey, suggestOperationId } from '../src/platform/openapi-operations.ts';
import { buildTestApp, type TestApp } from './support/app.ts';

/**
 * The OpenAPI description is a contract a partner builds on (issue 25): every operation has a
 * stable operationId (from src/platform/openapi-operations.ts), says who may call it, documents
 * every problem as problem+json, and Redocly's recommended rules find no error in it. The typed
 * client committed in test/support/api-types.ts is the one this description generates.
 */
type Operation = {
  operationId?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
};
type Description = {
  info: { license?: unknown };
  servers?: { url: string }[];
  tags: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { properties: { code: { enum: string[] } } }>;
    securitySchemes: object;
  };
};

let t: TestApp;
let description: Description;
let operations: { key: string; operation: Operation }[];

beforeAll(async () => {
  t = await buildTestApp();
  description = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  operations = Object.entries(description.paths).flatMap(([p, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      key: `${method.toUpperCase()} ${p}`,
      operation,
    })),
  );
});
afterAll(async () => {
  await t?.close();
});

describe('the OpenAPI description', () => {
  it('gives every operation the operationId of the central table, each once', () => {
    const missing = operations.filter(({ key }) => !OPERATION_IDS[key]).map(({ key }) => key);
    expect(
      missing,
      `operations without an operationId: add to OPERATION_IDS in src/platform/openapi-operations.ts:\n${missing
        .map((key) => `  '${key}': '${suggestOperationId(key)}',`)
        .join('\n')}\n`,
    ).toEqual([]);
    const documented = new Set(operations.map(({ key }) => key));
    const stale = Object.keys(OPERATION_IDS).filter((key) => !documented.has(key));
    expect(stale, 'OPERATION_IDS names operations the app does not have: remove them').toEqual([]);
    for (const { key, operation } of operations) expect(operation.operationId, key).toBe(OPERATION_IDS[key]);
    const ids = Object.values(OPERATION_IDS);
    expect(
      ids.filter((id, i) => ids.indexOf(id) !== i),
      'operationIds used twice',
    ).toEqual([]);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9]*$/);
  });

  it('says who may call each operation, from its route policy', () => {
    expect(Object.keys(description.components.securitySchemes).sort()).toEqual([
      'apiKey',
      'csrfToken',
      'sessionCookie',
    ]);
    for (const { key, operation } of operations) expect(operation.security, key).toBeDefined();
    const security = (key: string) => operations.find((o) => o.key === key)?.operation.security;
    expect(security('GET /v1/plans')).toEqual([]);
    // Contracting's channel follows the caller: a key is sent when the docs page has one.
    expect(security('POST /v1/memberships')).toEqual([
      {},
      { apiKey: [] },
      { sessionCookie: [], csrfToken: [] },
    ]);
    expect(security('POST /v1/cases')).toEqual([
      { apiKey: ['cases:write'] },
      { sessionCookie: ['customer', 'agent', 'supervisor'], csrfToken: [] },
    ]);
    expect(security('GET /v1/memberships/{id}/charges')).toEqual([
      { apiKey: ['memberships:read'] },
      { apiKey: ['memberships:write'] },
      { sessionCookie: ['customer', 'agent', 'supervisor', 'finance', 'admin'] },
    ]);
    expect(security('GET /v1/me')).toEqual([{ apiKey: [] }, { sessionCookie: [] }]);
    // The docs page sends a pasted partner key to every operation a partner key may call.
    const partnerScopes = new Set<string>(SCOPES_BY_KIND.partner);
    const unreachable: string[] = [];
    for (const route of t.app.registeredRoutes) {
      const allow = route.policy?.allow;
      // HEAD is Fastify's own twin of each GET, not an operation of the description.
      if (!Array.isArray(allow) || route.method === 'HEAD') continue;
      const scopes = allow.filter((g) => partnerScopes.has(g.replace(/^scope:/, '')));
      const key = operationKey(route.method, route.url);
      for (const scope of scopes.map((g) => g.replace(/^scope:/, '')))
        if (!security(key)?.some((r) => r.apiKey?.includes(scope))) unreachable.push(`${key} (${scope})`);
    }
    expect(unreachable).toEqual([]);
    expect(security('POST /v1/me/password')).toEqual([{ sessionCookie: [], csrfToken: [] }]);
  });

  it('documents every 4xx and 5xx as problem+json, with the stable codes', () => {
    const wrong: string[] = [];
    for (const { key, operation } of operations) {
      const statuses = Object.keys(operation.responses).map(Number);
      for (const status of [401, 429, 500, 503])
        if (!statuses.includes(status)) wrong.push(`${key}: no ${status}`);
      for (const status of statuses.filter((s) => s >= 400)) {
        const content = operation.responses[status]?.content ?? {};
        const schemas = Object.fromEntries(
          Object.entries(content).map(([type, media]) => [type, media.schema]),
        );
        if (JSON.stringify(schemas) !== JSON.stringify(PROBLEM_SCHEMAS)) wrong.push(`${key} ${status}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(description.components.schemas.Problem?.properties.code.enum).toEqual(registeredErrorCodes());
    const cases = operations.find((o) => o.key === 'POST /v1/cases')?.operation;
    expect(Object.keys(cases?.responses ?? {})).toEqual(
      expect.arrayContaining([
        '201',
        '400',
        '401',
        '403',
        '404',
        '409',
        '413',
        '415',
        '422',
        '429',
        '500',
        '503',
      ]),
    );
  });

  it('declares every tag it uses, each with a description; names its server and licence', () => {
    const declared = new Map(description.tags.map((tag) => [tag.name, tag.description]));
    const used = new Set(operations.flatMap(({ operation }) => operation.tags ?? []));
    const undeclared = [...used].filter((tag) => !declared.get(tag));
    expect(undeclared, 'add these tags, with a description, to TAGS in src/platform/openapi.ts').toEqual([]);
    expect(
      TAGS.map((tag) => tag.name).filter((name) => !used.has(name)),
      'tags no operation uses',
    ).toEqual([]);
    expect(description.servers).toEqual([{ url: '/', description: 'This Libra server' }]);
    expect(description.info.license).toBeDefined();
  });

  it('passes `redocly lint` with the recommended rules: no error', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'libra-openapi-'));
    try {
      const file = path.join(dir, 'openapi.json');
      await writeFile(file, JSON.stringify(description));
      const report = await redoclyLint(file);
      const counts: Record<string, number> = {};
      for (const p of report.problems)
        counts[`${p.severity} ${p.ruleId}`] = (counts[`${p.severity} ${p.ruleId}`] ?? 0) + 1;
      console.log(
        `redocly lint (recommended): ${report.totals.errors} errors, ${report.totals.warnings} warnings ${JSON.stringify(counts)}`,
      );
      const errors = report.problems
        .filter((p) => p.severity === 'error')
        .map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
      expect(errors).toEqual([]);
      expect(report.totals.errors).toBe(0);
      // A warning of the recommended rules, but an example that no longer matches its schema
      // misleads the partner who copies it (src/platform/openapi-examples.ts).
      const examples = report.problems.filter((p) => p.ruleId === 'no-invalid-media-type-examples');
      expect(examples.map((p) => `${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is what the committed typed client was generated from (else: npm run api:types)', async () => {
    const committed = await readFile(API_TYPES_FILE, 'utf8');
    const fresh = await apiTypesOf(description);
    expect(
      committed === fresh,
      'test/support/api-types.ts is stale: run `npm run api:types` and commit it',
    ).toBe(true);
  });
});

const PROBLEM_SCHEMAS = { 'application/problem+json': { $ref: '#/components/schemas/Problem' } };

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: {
    ruleId: string;
    severity: 'error' | 'warn';
    message: string;
    location: { pointer: string }[];
  }[];
}

/** The pinned Redocly CLI on the file, with the repository's redocly.yaml; its JSON report. */
async function redoclyLint(file: string): Promise<LintReport> {
  const bin = path.resolve('node_modules/.bin/redocly');
  const args = [
    'lint',
    file,
    '--config',
    path.resolve('redocly.yaml'),
    '--format=json',
    '--max-problems=10000',
  ];
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
  try {
    const { stdout } = await promisify(execFile)(bin, args, { env, maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(stdout) as LintReport;
  } catch (error) {
    // It exits 1 when it finds errors; its report is still on stdout.
    const stdout = (error as { stdout?: string }).stdout;
    if (stdout) return JSON.parse(stdout) as LintReport;
    throw error;
  }
}
