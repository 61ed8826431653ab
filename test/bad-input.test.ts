import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredErrorCodes } from '../src/lib/errors.ts';
import type { RoutePolicy } from '../src/platform/principal.ts';
import { buildValidator } from '../src/platform/validation.ts';
import {
  type BadRequest,
  CLASSES,
  candidates,
  type MutationClass,
  type Operation,
  type Parameter,
  type ValidRequest,
} from './support/bad-input/mutations.ts';
import { type JsonSchema, Rng, sampleValid } from './support/bad-input/schema.ts';
import { buildWorld, type World } from './support/bad-input/world.ts';

/**
 * No input reaches a 500 (issue 19). Every operation of the app's own OpenAPI description gets
 * each class of bad input (support/bad-input/mutations.ts), sampled with a seeded generator, from a
 * caller its policy lets in and with path parameters naming real records: every answer must be a
 * 4xx problem+json with a code of ours, and no table may gain or lose a row.
 *
 * Reproduce a run with the seed it prints: BAD_INPUT_SEED=<seed>; BAD_INPUT_SAMPLES=<n> sends n of
 * each class per operation (default 3; a large n sends all of them).
 */
// A fixed seed: a suite that passes or fails without a change is a defect (issue 18). Other seeds
// are explored on purpose with BAD_INPUT_SEED (and every candidate with BAD_INPUT_SAMPLES).
const SEED = Number(process.env.BAD_INPUT_SEED ?? 20261205);
const SAMPLES = Number(process.env.BAD_INPUT_SAMPLES ?? 3);
const CODES = new Set(registeredErrorCodes());

let world: World;
let operations: Operation[] = [];
const policies = new Map<string, RoutePolicy | undefined>();
const valid = new Map<Operation, ValidRequest>();
const sent = new Map<MutationClass, number>();

type Validate = ((data: unknown) => boolean) & { errors?: unknown };
const compile = (() => {
  const factory = buildValidator() as unknown as (
    external: object,
    options: object,
  ) => (route: { schema: unknown; method: string; url: string; httpPart: string }) => Validate;
  const compiler = factory({}, { customOptions: {} });
  return (schema: unknown, httpPart: string) => compiler({ schema, method: 'POST', url: '/', httpPart });
})();

function operationsOf(document: { paths: Record<string, Record<string, Record<string, unknown>>> }) {
  const found: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const body = (operation.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined)
        ?.content?.['application/json']?.schema;
      found.push({
        method: method.toUpperCase(),
        path,
        parameters: ((operation.parameters ?? []) as Parameter[]).map((p) => ({
          ...p,
          required: !!p.required,
        })),
        ...(body ? { body } : {}),
      });
    }
  }
  return found;
}

/** A valid request to the operation; the schemas' own validators must accept it. */
function validRequestFor(operation: Operation, rng: Rng): ValidRequest {
  const path: Record<string, string> = {};
  const query: Record<string, unknown> = {};
  for (const p of operation.parameters) {
    if (p.in === 'path') path[p.name] = world.pathValue(operation.path, p.name);
    if (p.in === 'query' && p.required) query[p.name] = sampleValid(p.schema, rng);
  }
  const request: ValidRequest = { path, query };
  if (operation.body) {
    request.body =
      world.validBody(`${operation.method} ${operation.path}`) ?? sampleValid(operation.body, rng);
    const validate = compile(operation.body, 'body');
    if (!validate(request.body))
      throw new Error(
        `the suite's valid body for ${operation.method} ${operation.path} is not valid: ${JSON.stringify(validate.errors)}`,
      );
  }
  return request;
}

beforeAll(async () => {
  console.log(`bad-input suite: BAD_INPUT_SEED=${SEED} BAD_INPUT_SAMPLES=${SAMPLES}`);
  world = await buildWorld();
  const res = await world.t.app.inject({ method: 'GET', url: '/openapi.json' });
  operations = operationsOf(res.json());
  for (const route of world.t.app.registeredRoutes) {
    policies.set(`${route.method} ${route.url.replace(/:(\w+)/g, '{$1}')}`, route.policy);
  }
  const rng = new Rng(SEED);
  for (const operation of operations) valid.set(operation, validRequestFor(operation, rng));
}, 120_000);
afterAll(async () => {
  console.log(
    `bad-input suite: seed ${SEED}, ${operations.length} operations, requests sent per class: ${JSON.stringify(Object.fromEntries(sent))}`,
  );
  await world?.t.close();
});

/**
 * What is wrong with an answer to bad input, or null when it is a proper refusal. A 401 to a caller
 * that signed in (its session was lost) or a 429 would hide what every later request does.
 */
function fault(
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  signedIn: boolean,
): string | null {
  if (res.statusCode < 400 || res.statusCode >= 500) return `answered ${res.statusCode}`;
  if (signedIn && res.statusCode === 401) return 'answered 401 to a caller that signed in';
  // The suite's own budget ran out: every refusal after it would hide what the input does.
  if (res.statusCode === 429) return 'answered 429: raise the world’s rate limits';
  if (!String(res.headers['content-type']).startsWith('application/problem+json'))
    return `answered ${res.statusCode} as ${res.headers['content-type']}`;
  const code = (JSON.parse(res.body) as { code?: string }).code;
  if (!code || !CODES.has(code)) return `answered ${res.statusCode} with the unknown code ${code}`;
  return null;
}

/** A refusal of a bad field that does not say which field it was (a form could not show it there). */
function unnamed(res: { statusCode: number; body: string }, field: string | undefined): string | null {
  if (field === undefined || res.statusCode === 404 || res.statusCode === 403) return null;
  const fields = ((JSON.parse(res.body) as { errors?: { field: string }[] }).errors ?? []).map(
    (e) => e.field,
  );
  return fields.includes(field) ? null : `answered ${res.statusCode} without naming ${field}`;
}

async function send(request: BadRequest) {
  return world.t.app.inject({
    method: request.method as 'POST',
    url: request.url,
    headers: request.headers,
    ...(request.payload !== undefined ? { payload: request.payload } : {}),
  });
}

describe('bad input never reaches a 500 and writes nothing', () => {
  it('covers every operation of the OpenAPI description', () => {
    expect(operations.length).toBeGreaterThanOrEqual(86);
    expect(operations.filter((o) => !policies.has(`${o.method} ${o.path}`)).map((o) => o.path)).toEqual([]);
  });

  for (const mutationClass of CLASSES) {
    it(`${mutationClass}`, async () => {
      // Each class its own stream, so one class's sample does not depend on the others'.
      const rng = new Rng(SEED ^ ((CLASSES.indexOf(mutationClass) + 1) * 0x9e3779b1));
      const faults: string[] = [];
      for (const operation of operations) {
        const caller = await world.callerFor(policies.get(`${operation.method} ${operation.path}`));
        const all = candidates(operation, valid.get(operation) as ValidRequest, caller.headers)[
          mutationClass
        ];
        if (all.length === 0) continue;
        const before = await world.rowCounts();
        for (const candidate of rng.sample(all, SAMPLES)) {
          const request = candidate.build();
          const res = await send(request);
          sent.set(mutationClass, (sent.get(mutationClass) ?? 0) + 1);
          const wrong = fault(res, caller.name !== 'anonymous') ?? unnamed(res, request.field);
          if (wrong)
            faults.push(
              `${operation.method} ${operation.path} — ${request.description}: ${wrong} ${res.body.slice(0, 300)}`,
            );
        }
        const after = await world.rowCounts();
        const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
        if (changed.length > 0)
          faults.push(
            `${operation.method} ${operation.path} — ${mutationClass}: rows written to ${changed.map((t) => `${t} (${before[t]} → ${after[t]})`).join(', ')}`,
          );
      }
      expect(faults, `seed ${SEED}`).toEqual([]);
    }, 600_000);
  }
});
