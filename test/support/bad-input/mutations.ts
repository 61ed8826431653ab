import {
  acceptedTypes,
  type JsonSchema,
  type JsonType,
  type Location,
  locationsOf,
  withValueAt,
} from './schema.ts';

/**
 * The classes of bad input the suite sends, each a list of candidate requests built from an
 * operation of the OpenAPI description and a valid request to it; the suite samples a few of each.
 * Every one of them must be refused with a 4xx problem+json and write nothing.
 */
export const CLASSES = [
  'missing',
  'null',
  'wrongType',
  'control',
  'huge',
  'deep',
  'numbers',
  'badIds',
  'malformedJson',
  'contentType',
  'phones',
] as const;
export type MutationClass = (typeof CLASSES)[number];

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body?: JsonSchema;
}

/** A valid request to the operation, which each mutation changes in one place. */
export interface ValidRequest {
  path: Record<string, string>;
  query: Record<string, unknown>;
  body?: unknown;
}

export interface BadRequest {
  description: string;
  /** The field the refusal must name (`body/titular/phone`): a bad phone is told at its field. */
  field?: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

export type Candidate = { description: string; build: () => BadRequest };

const MB = 1_000_000;
const DEEP = 10_000;
/** Controls people never type, and what PostgreSQL cannot store (U+0000). */
const CONTROL_TEXT = ['a\u0000b', '\u0000', 'rojo\u001b[31m', 'fin\u007f', 'a\u0008b', 'tab\u000bvertical'];
/** Halves of surrogate pairs: only a JSON body can carry one (`"\ud800"`); a URL cannot. */
const LONE_SURROGATES = ['\ud800', 'a\udc00b'];
const MISSING_ID = '01a211f5-0000-7000-8000-0000000dead0';
const NOT_IDS = ['no-es-un-id', '0', '-1', 'null', '..%2F..%2Fetc', '01a211f5-0000-7000-8000-00000000000g'];
const HUGE_NUMBERS_JSON = ['1e309', '-1e309', '1e308', '-1e308', '18446744073709551616', '9007199254740993'];
const HUGE_NUMBERS_QUERY = [
  '1e309',
  '-1e309',
  'Infinity',
  '-Infinity',
  'NaN',
  '99999999999999999999',
  '1e308',
];
/** Not a Mexican phone: too short, too long, another country, a trunk 0, words (issue 23). */
const BAD_PHONES = ['12', '55 1234 567', '55-1234-5678-9', '+1 212 555 0100', '0554800900', 'teléfono'];
const MALFORMED_JSON = ['{"a":', '{', '{"a" 1}', "{'a': 1}", '[1,]', 'nul', '{"a":1}}', '"\\x"', ''];
const WRONG_CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json-patch+json',
];

/** JSON text in which the strings `__raw<n>__` stand for raw JSON (numbers JSON.stringify cannot write). */
function jsonWithRaw(value: unknown, raws: string[]): string {
  let text = JSON.stringify(value);
  raws.forEach((raw, i) => {
    text = text.replace(`"__raw${i}__"`, raw);
  });
  return text;
}

function queryString(query: Record<string, unknown>, raw: Record<string, string> = {}): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(item))}`);
    }
  }
  for (const [name, value] of Object.entries(raw)) parts.push(`${encodeURIComponent(name)}=${value}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

const pointer = (path: (string | number)[]) => `/${path.join('/')}`;

function valueAt(value: unknown, path: (string | number)[]): unknown {
  let here = value;
  for (const key of path) here = (here as Record<string | number, unknown> | undefined)?.[key];
  return here;
}

const acceptsType = (schema: JsonSchema, type: JsonType) => {
  const types = acceptedTypes(schema);
  return types === null || types.has(type) || (type === 'integer' && types.has('number'));
};

/** Values of each JSON type, to put where the schema expects another. */
const OF_TYPE: [JsonType, unknown][] = [
  ['string', 'texto'],
  ['integer', 12345],
  ['number', 1.5],
  ['boolean', true],
  ['object', {}],
  ['array', []],
];

export function candidates(
  operation: Operation,
  valid: ValidRequest,
  headers: Record<string, string>,
): Record<MutationClass, Candidate[]> {
  const out = Object.fromEntries(CLASSES.map((c) => [c, [] as Candidate[]])) as Record<
    MutationClass,
    Candidate[]
  >;
  const { method } = operation;
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const urlWith = (path: Record<string, string> = {}, query = valid.query, rawQuery = {}) =>
    operation.path.replace(
      /\{(\w+)\}/g,
      (_, name: string) => path[name] ?? encodeURIComponent(valid.path[name] ?? ''),
    ) + queryString(query, rawQuery);
  const jsonHeaders = { ...headers, 'content-type': 'application/json' };
  const validBodyText = valid.body === undefined ? undefined : JSON.stringify(valid.body);
  const request = (description: string, parts: Partial<BadRequest>): Candidate => ({
    description,
    build: () => ({
      description,
      method,
      url: parts.url ?? urlWith(),
      headers: parts.headers ?? (validBodyText === undefined ? headers : jsonHeaders),
      ...(parts.payload !== undefined
        ? { payload: parts.payload }
        : validBodyText !== undefined
          ? { payload: validBodyText }
          : {}),
    }),
  });
  const withBody = (description: string, build: () => string) => ({
    description,
    build: () => ({ description, method, url: urlWith(), headers: jsonHeaders, payload: build() }),
  });

  // --- The body, field by field ---
  if (operation.body && valid.body !== undefined) {
    const body = valid.body;
    const places: Location[] = locationsOf(operation.body, body);
    const at =
      (place: Location, value: unknown, raws: string[] = []) =>
      () =>
        jsonWithRaw(withValueAt(body, place.path, value), raws);
    out.missing.push(
      request('no body at all', { headers, payload: '' }),
      withBody('body: null', () => 'null'),
    );
    out.wrongType.push(
      withBody('body: an array', () => '[]'),
      withBody('body: a string', () => '"texto"'),
    );
    for (const place of places) {
      const where = `body${pointer(place.path)}`;
      if (place.required && place.present)
        out.missing.push(withBody(`${where} missing`, at(place, undefined)));
      if (!acceptsType(place.schema, 'null')) out.null.push(withBody(`${where}: null`, at(place, null)));
      for (const [type, value] of OF_TYPE) {
        if (!acceptsType(place.schema, type))
          out.wrongType.push(withBody(`${where}: ${JSON.stringify(value)}`, at(place, value)));
      }
      if (acceptsType(place.schema, 'string')) {
        for (const text of [...CONTROL_TEXT, ...LONE_SURROGATES])
          out.control.push(withBody(`${where}: ${JSON.stringify(text)}`, at(place, text)));
        out.huge.push(withBody(`${where}: 1 MB of text`, () => at(place, 'x'.repeat(MB))()));
        if (place.schema.format === 'uuid') {
          for (const id of [...NOT_IDS, MISSING_ID])
            out.badIds.push(withBody(`${where}: ${id}`, at(place, id)));
        }
      }
      if (acceptsType(place.schema, 'number')) {
        HUGE_NUMBERS_JSON.forEach((raw) => {
          out.numbers.push(withBody(`${where}: ${raw}`, at(place, '__raw0__', [raw])));
        });
        const minimum = place.schema.minimum as number | undefined;
        if (minimum !== undefined && minimum > -1) out.numbers.push(withBody(`${where}: -1`, at(place, -1)));
      }
      const name = place.path[place.path.length - 1];
      if (acceptsType(place.schema, 'string') && typeof name === 'string' && /phone/i.test(name)) {
        for (const phone of BAD_PHONES) {
          const candidate = withBody(`${where}: ${JSON.stringify(phone)}`, at(place, phone));
          out.phones.push({ ...candidate, build: () => ({ ...candidate.build(), field: where }) });
        }
      }
      if (acceptsType(place.schema, 'array')) {
        // Copies of the valid array's first item: only the array's length is wrong.
        const first = (valueAt(body, place.path) as unknown[] | undefined)?.[0] ?? 'x';
        const many = Array.from({ length: 50_000 }, () => first);
        out.huge.push(withBody(`${where}: 50,000 items`, at(place, many)));
      }
      if (acceptsType(place.schema, 'object')) {
        out.control.push(withBody(`${where}: a key with U+0000`, at(place, { 'a\u0000b': 'x' })));
      }
      out.deep.push(
        withBody(
          `${where}: ${DEEP} nested arrays`,
          at(place, '__raw0__', [`${'['.repeat(DEEP)}${']'.repeat(DEEP)}`]),
        ),
        withBody(
          `${where}: 100 nested objects`,
          at(place, '__raw0__', [`${'{"a":'.repeat(100)}1${'}'.repeat(100)}`]),
        ),
      );
    }
    out.control.push(
      withBody('body: a key with U+0000', () => JSON.stringify({ ...(body as object), 'k\u0000': 1 })),
    );
  }

  // --- Any body, declared or not: its syntax and its type ---
  if (hasBody) {
    out.deep.push(withBody(`body: ${DEEP} nested arrays`, () => `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`));
    out.deep.push(
      withBody(`body: ${DEEP} nested objects`, () => `${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}`),
    );
    for (const text of MALFORMED_JSON)
      out.malformedJson.push(withBody(`body: ${JSON.stringify(text)}`, () => text));
    for (const type of WRONG_CONTENT_TYPES) {
      out.contentType.push(
        request(`content-type: ${type}`, {
          headers: { ...headers, 'content-type': type },
          payload: validBodyText ?? 'a=1',
        }),
      );
    }
  }

  // --- The query string, parameter by parameter ---
  for (const parameter of operation.parameters.filter((p) => p.in === 'query')) {
    const where = `querystring/${parameter.name}`;
    const { schema } = parameter;
    const without = Object.fromEntries(Object.entries(valid.query).filter(([k]) => k !== parameter.name));
    const withRaw = (description: string, raw: string) =>
      request(description, { url: urlWith({}, without, { [parameter.name]: raw }) });
    const itemSchema = (schema.type === 'array' ? schema.items : schema) as JsonSchema;
    if (parameter.required) out.missing.push(request(`${where} missing`, { url: urlWith({}, without) }));
    const types = acceptedTypes(itemSchema);
    const isText = types?.has('string') && !itemSchema.enum && !itemSchema.anyOf && !itemSchema.format;
    if (!isText || (itemSchema.minLength as number | undefined)) out.null.push(withRaw(`${where} empty`, ''));
    if (types?.has('number') || types?.has('integer')) {
      for (const raw of ['abc', '1.5', 'true']) out.wrongType.push(withRaw(`${where}=${raw}`, raw));
      for (const raw of HUGE_NUMBERS_QUERY) out.numbers.push(withRaw(`${where}=${raw}`, raw));
      const minimum = itemSchema.minimum as number | undefined;
      if (minimum !== undefined && minimum > -1) out.numbers.push(withRaw(`${where}=-1`, '-1'));
      out.huge.push(withRaw(`${where}: 1,000 digits`, '9'.repeat(1000)));
    }
    if (types?.has('boolean'))
      for (const raw of ['maybe', '2']) out.wrongType.push(withRaw(`${where}=${raw}`, raw));
    if (itemSchema.enum || itemSchema.anyOf) out.wrongType.push(withRaw(`${where}=no-existe`, 'no-existe'));
    if (schema.type !== 'array' && types?.has('string'))
      out.wrongType.push(
        request(`${where} twice`, { url: urlWith({}, { ...without, [parameter.name]: ['a', 'b'] }) }),
      );
    if (types?.has('string')) {
      for (const text of CONTROL_TEXT)
        out.control.push(withRaw(`${where}: ${JSON.stringify(text)}`, encodeURIComponent(text)));
      out.huge.push(withRaw(`${where}: 1 MB of text`, 'x'.repeat(MB)));
      if (itemSchema.format === 'uuid')
        for (const id of NOT_IDS) out.badIds.push(withRaw(`${where}=${id}`, id));
    }
  }

  // --- Path parameters ---
  for (const parameter of operation.parameters.filter((p) => p.in === 'path')) {
    const where = `params/${parameter.name}`;
    const at = (description: string, raw: string) =>
      request(description, { url: urlWith({ [parameter.name]: raw }) });
    for (const text of CONTROL_TEXT)
      out.control.push(at(`${where}: ${JSON.stringify(text)}`, encodeURIComponent(text)));
    out.huge.push(at(`${where}: 1,000 characters`, 'x'.repeat(1000)), at(`${where}: 1 MB`, 'x'.repeat(MB)));
    out.numbers.push(at(`${where}: 1e309`, '1e309'), at(`${where}: -1`, '-1'));
    for (const id of [...NOT_IDS, '%E0%A4%A', '%ED%A0%80']) out.badIds.push(at(`${where}: ${id}`, id));
    out.badIds.push(
      at(
        `${where}: a record that does not exist`,
        parameter.schema.format === 'uuid' ? MISSING_ID : 'no-existe',
      ),
    );
  }

  // --- Headers the operation declares ---
  for (const parameter of operation.parameters.filter((p) => p.in === 'header')) {
    if (parameter.name === 'idempotency-key')
      out.huge.push(
        request('idempotency-key: 10,000 characters', {
          headers: { ...jsonHeaders, [parameter.name]: 'k'.repeat(10_000) },
        }),
      );
  }
  return out;
}
