import fc from 'fast-check';
import { containsCardNumber } from '../../../src/lib/card-numbers.ts';
import { isStorableText } from '../../../src/lib/text.ts';

/**
 * JSON Schema as the OpenAPI description carries it, and what the bad-input suite needs of it: a
 * valid value to start from (sampleValid), the places in that value a mutation can hit
 * (locationsOf), and which JSON types a place accepts (acceptedTypes).
 */
export type JsonSchema = Record<string, unknown>;
export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'object' | 'array';

/** A seeded pseudo-random generator (mulberry32): the same seed, the same suite. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  /** Up to `n` distinct items, in a random order. */
  sample<T>(items: readonly T[], n: number): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy.slice(0, n);
  }
}

const branches = (schema: JsonSchema) => (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;

/** The JSON types a value at `schema` may have; null for a schema that takes anything. */
export function acceptedTypes(schema: JsonSchema): Set<JsonType> | null {
  const union = branches(schema);
  if (union) {
    const all = new Set<JsonType>();
    for (const branch of union) {
      const types = acceptedTypes(branch);
      if (types === null) return null;
      for (const type of types) all.add(type);
    }
    return all;
  }
  if (Array.isArray(schema.enum)) return new Set(schema.enum.map(jsonTypeOf));
  if ('const' in schema) return new Set([jsonTypeOf(schema.const)]);
  const type = schema.type;
  if (type === undefined) return null;
  const types = new Set((Array.isArray(type) ? type : [type]) as JsonType[]);
  if (types.has('integer')) types.add('number');
  return types;
}

export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

const FORMATS: Record<string, string> = {
  uuid: '01a211f5-0000-7000-8000-00000000b0d1',
  'date-time': '2026-11-25T20:05:00.000Z',
  date: '1990-01-01',
  email: 'entrada.mala@example.com',
  uri: 'https://example.com/',
};

/** A string for a pattern: generated to match it, printable, and holding no card number. */
function stringFor(schema: JsonSchema, rng: Rng): string {
  const min = (schema.minLength as number | undefined) ?? 0;
  const max = (schema.maxLength as number | undefined) ?? 1000;
  const fits = (s: string) =>
    s.length >= min && s.length <= max && isStorableText(s) && !containsCardNumber(s) && s.trim() === s;
  const example = (schema.examples as unknown[] | undefined)?.[0];
  if (typeof example === 'string' && fits(example)) return example;
  if (typeof schema.format === 'string' && FORMATS[schema.format]) return FORMATS[schema.format] as string;
  if (typeof schema.pattern === 'string') {
    const matching = fc.stringMatching(new RegExp(schema.pattern));
    for (let attempt = 0; attempt < 50; attempt++) {
      const [s] = fc.sample(matching, { seed: rng.int(2 ** 31), numRuns: 1 });
      if (typeof s === 'string' && fits(s)) return s;
    }
    throw new Error(`no printable value found for the pattern ${schema.pattern}`);
  }
  const words = 'Texto de prueba para la entrada mala';
  return words.length >= min ? words.slice(0, Math.max(min, Math.min(max, words.length))) : 'x'.repeat(min);
}

/** A value the schema accepts (the suite checks it with the app's own validator). */
export function sampleValid(schema: JsonSchema, rng: Rng): unknown {
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if ('const' in schema) return schema.const;
  const union = branches(schema);
  if (union) return sampleValid(rng.pick(union), rng);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return stringFor(schema, rng);
    case 'integer':
    case 'number': {
      const min = (schema.minimum as number | undefined) ?? (schema.exclusiveMinimum as number | undefined);
      const max = (schema.maximum as number | undefined) ?? 1000;
      const value = min === undefined ? Math.min(1, max) : min + (schema.exclusiveMinimum === min ? 1 : 0);
      return Math.min(value, max);
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const items = (schema.items ?? {}) as JsonSchema;
      const count = Math.max(1, (schema.minItems as number | undefined) ?? 1);
      return Array.from({ length: count }, () => sampleValid(items, rng));
    }
    case 'object': {
      const result: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(
        (schema.properties ?? {}) as Record<string, JsonSchema>,
      )) {
        result[name] = sampleValid(property, rng);
      }
      const pattern = schema.patternProperties as Record<string, JsonSchema> | undefined;
      const [entry] = Object.values(pattern ?? {});
      if (entry) result.clave = sampleValid(entry, rng);
      return result;
    }
    default:
      return 'valor';
  }
}

/**
 * A place in a value: its path, the schema it answers to, whether its parent requires it, and
 * whether the value has it (an optional field the valid value leaves out is a place too: a mutation
 * puts a bad value there).
 */
export interface Location {
  path: (string | number)[];
  schema: JsonSchema;
  required: boolean;
  present: boolean;
}

/** Whether `value` looks like an instance of `branch`: its type, required keys and fixed values. */
function fits(branch: JsonSchema, value: unknown): boolean {
  const types = acceptedTypes(branch);
  const type = jsonTypeOf(value);
  if (types !== null && !types.has(type) && !(type === 'integer' && types.has('number'))) return false;
  if (type !== 'object') return true;
  const object = value as Record<string, unknown>;
  if (((branch.required ?? []) as string[]).some((key) => !(key in object))) return false;
  return Object.entries((branch.properties ?? {}) as Record<string, JsonSchema>).every(([key, property]) => {
    if (!(key in object)) return true;
    if (Array.isArray(property.enum)) return property.enum.includes(object[key]);
    return !('const' in property) || property.const === object[key];
  });
}

/** The schema a value answers to, among a union's branches. */
function branchFor(schema: JsonSchema, value: unknown): JsonSchema {
  const union = branches(schema);
  if (!union) return schema;
  const fitting = union.find((b) => fits(b, value));
  return fitting ? branchFor(fitting, value) : schema;
}

/** Every place in `value` and every field its objects could have (the root excluded), with its schema. */
export function locationsOf(schema: JsonSchema, value: unknown): Location[] {
  const found: Location[] = [];
  const walk = (s: JsonSchema, v: unknown, path: (string | number)[]) => {
    const own = branchFor(s, v);
    if (Array.isArray(v)) {
      const items = (own.items ?? {}) as JsonSchema;
      v.forEach((item, i) => {
        found.push({ path: [...path, i], schema: items, required: false, present: true });
        walk(items, item, [...path, i]);
      });
    } else if (v !== null && typeof v === 'object') {
      const object = v as Record<string, unknown>;
      const properties = (own.properties ?? {}) as Record<string, JsonSchema>;
      const required = (own.required ?? []) as string[];
      const pattern = Object.values((own.patternProperties ?? {}) as Record<string, JsonSchema>)[0] ?? {};
      for (const key of new Set([...Object.keys(properties), ...Object.keys(object)])) {
        const childSchema = properties[key] ?? pattern;
        const present = key in object;
        found.push({ path: [...path, key], schema: childSchema, required: required.includes(key), present });
        if (present) walk(childSchema, object[key], [...path, key]);
      }
    }
  };
  walk(schema, value, []);
  return found;
}

/** A deep copy of `value` with the place at `path` replaced (or removed, for `undefined`). */
export function withValueAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (replacement === undefined) delete parent[last];
  else parent[last] = replacement;
  return copy;
}
