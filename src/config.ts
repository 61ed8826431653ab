import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { CfdiError, type CsdSource, type Issuer, prepareIssuer } from './domains/invoicing/cfdi/index.ts';
import type { PacSettings } from './domains/invoicing/cfdi/pacs.ts';
import { SAT_FILES } from './domains/invoicing/cfdi/sat-files.ts';
import { parseSmppUrl, senderAddressOf } from './domains/notifications/smpp.ts';
import { systemClock } from './lib/clock.ts';
import { isStorableText } from './lib/text.ts';
import { API_KEY_RATE_LIMIT_RANGE } from './platform/principal.ts';

/**
 * Every setting comes from the environment and is validated once, at start. A bad value stops the
 * process with one sentence naming the variable and what it must be — never a stack trace.
 */
export interface Config {
  nodeEnv: 'development' | 'test' | 'production';
  host: string;
  port: number;
  /** postgres://… for PostgreSQL; undefined means the embedded PGlite database in `dataDir`. */
  databaseUrl: string | undefined;
  /**
   * A streaming replica of DATABASE_URL for heavy reads (the supervisor's report, finance exports);
   * undefined: they read the primary.
   */
  databaseReplicaUrl: string | undefined;
  /** Connections this process keeps to DATABASE_URL at most (PostgreSQL only). */
  databasePoolSize: number;
  /** How far behind the replica may be before those reads go to the primary instead. */
  replicaMaxLagSeconds: number;
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Largest request body accepted, in bytes. */
  bodyLimitBytes: number;
  /** Load the demo data at start (embedded database only; never in production). */
  seedDemo: boolean;
  /** Requests a minute per client address, for callers without a session or an API key. */
  publicRateLimitPerMinute: number;
  /** Requests a minute per API key that was not given a figure of its own. */
  partnerRateLimitPerMinute: number;
  /** Requests a minute per signed-in person, whatever address or device they call from. */
  userRateLimitPerMinute: number;
  /** Origins allowed by CORS; empty means CORS stays closed. */
  corsOrigins: string[];
  /**
   * The load balancers and proxies in front (addresses, CIDR ranges or proxy-addr's names) whose
   * X-Forwarded-For is believed: the client's address is then the first one none of them is.
   * Empty: the connection's own address, whatever a header claims.
   */
  trustProxy: string[];
  /** The public base URL people use to reach this server, for links printed at start. */
  publicUrl: string | undefined;
  /** Password of every demo account. */
  demoPassword: string;
  /** A fixed demo partner API key; when unset a new one is made (and printed) at each start. */
  demoApiKey: string | undefined;
  /** The card processor behind charges and refunds; `sandbox` is a processor's test mode. */
  paymentGateway: 'sandbox';
  /**
   * Test clocks (docs/test-clocks.md): partners move a sandbox membership's time. Only with the
   * sandbox gateway and never in production; TEST_CLOCKS=false turns them off anywhere.
   */
  testClocks: boolean;
  /** How long a provider has to accept an offered case before it goes to the next one. */
  offerTimeoutSeconds: number;
  /** Run the background job workers (offer expiry…) in this process. */
  jobWorkers: boolean;
  /** How often an idle job worker looks for due jobs. */
  jobPollSeconds: number;
  /** Days after a charge's first decline on which it is tried again; then the membership is suspended. */
  billingRetryDays: number[];
  /** When the daily billing run starts: a cron expression in Mexico City time. */
  billingSchedule: string;
  /** Memberships or charges one billing statement takes at a time. */
  billingBatchSize: number;
  /** Processor calls in flight at once during a billing run. */
  billingConcurrency: number;
  /** Charges and notices a billing run takes a second; 0: as fast as it can (docs/operations.md). */
  billingRunPace: number;
  /** The longest a claim holds charges before another run may take them (a dead run's: at once). */
  billingClaimSeconds: number;
  /** How often a billing run writes its heartbeat; silent for three of them, it is dead. */
  billingHeartbeatSeconds: number;
  /**
   * How debit-card memberships pay: `gateway` (the processor charges the card, like credit cards) or
   * `file` (domiciliación: the charges go to the bank in the day's collection file and its answer
   * file settles them).
   */
  directDebit: 'gateway' | 'file';
  /** Sandbox only: milliseconds every processor call waits, as a real processor's network would. */
  sandboxLatencyMs: number;
  /** Business days (Monday–Friday, Mexico City) staff have to resolve a complaint before it escalates. */
  complaintSlaBusinessDays: number;
  /**
   * Rest days besides the official ones (LFT art. 74): election days the electoral laws set, or a
   * day the authorities declare; the ARCO term does not count them.
   */
  extraHolidays: string[];
  /** The SMTP server email goes through (`smtp://user:pass@host:port`); undefined: email is not sent. */
  smtpUrl: string | undefined;
  /** The From of every email. */
  mailFrom: string;
  /** The SMSC SMS go through (`smpp://system_id:password@host:2775`); undefined: SMS are not sent. */
  smppUrl: string | undefined;
  /** Who SMS say they are from: an alphanumeric name, a short code or an E.164 number. */
  smsSenderId: string;
  /** A self-hosted Nominatim (http/https) that places addresses; undefined: the bundled data alone. */
  geocoderUrl: string | undefined;
  /** A self-hosted OSRM (http/https) for road distances and times; undefined: the straight-line estimate. */
  routingUrl: string | undefined;
  /**
   * The MapLibre style (a style JSON, http or https) the case pages draw their maps with; undefined:
   * no map anywhere, the cards show distance and ETA only (docs/places-maps.md).
   */
  mapStyleUrl: string | undefined;
  /** Origins, beside the style's own, the browser may fetch the map's tiles, glyphs and sprites from. */
  mapConnectSrc: string[];
  /** Text credited on every map beside the style's own attribution (e.g. © OpenStreetMap contributors). */
  mapAttribution: string | undefined;
  /** The PAC that stamps and cancels CFDI (docs/invoicing.md). */
  pac: PacSettings;
  /**
   * Webhook endpoints may be on loopback or a private network (tests, a developer's machine);
   * never in production, where only public https addresses receive them (docs/webhooks.md).
   */
  webhookAllowPrivateUrls: boolean;
  /** How long one webhook delivery may take, connection to the end of the answer. */
  webhookTimeoutSeconds: number;
  /**
   * The operator as CFDI issuer and its seal certificate (CSD), checked at start with
   * `prepareIssuer`. `demo`: the SAT's test taxpayer and CSD (EKU9003173C9), every document
   * "sin validez fiscal".
   */
  invoicing: { issuer: Issuer; csd: CsdSource; demo: boolean };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function retryDays(env: Env): number[] {
  const raw = read(env, 'BILLING_RETRY_DAYS') ?? '1,3,7';
  const days = raw.split(',').map((d) => Number(d.trim()));
  if (days.some((d, i) => !Number.isInteger(d) || d < 1 || d > 60 || (i > 0 && d <= (days[i - 1] ?? 0)))) {
    throw new ConfigError(
      `BILLING_RETRY_DAYS must be increasing whole days between 1 and 60, comma-separated (like 1,3,7), got "${raw}"`,
    );
  }
  return days;
}

function extraHolidays(env: Env): string[] {
  const raw = read(env, 'EXTRA_HOLIDAYS');
  if (!raw) return [];
  const days = raw.split(',').map((d) => d.trim());
  if (days.some((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(`${d}T12:00:00Z`))))
    throw new ConfigError(
      `EXTRA_HOLIDAYS must be dates YYYY-MM-DD, comma-separated (like 2027-06-07), got "${raw}"`,
    );
  return days;
}

function cron(env: Env, name: string, fallback: string): string {
  const value = read(env, name) ?? fallback;
  if (!/^(\S+\s+){4}\S+$/.test(value)) {
    throw new ConfigError(`${name} must be a cron expression of 5 fields (like "5 0 * * *"), got "${value}"`);
  }
  return value;
}

function integerBetween(env: Env, name: string, fallback: number, min: number, max: number, unit: string) {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(
      `${name} must be a whole number of ${unit} between ${min} and ${max}, got "${raw}"`,
    );
  }
  return value;
}

function nonNegativeInteger(env: Env, name: string, fallback: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value)) {
    throw new ConfigError(`${name} must be a whole number 0 or more, got "${raw}"`);
  }
  return value;
}

function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function port(env: Env, name: string, fallback: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > 65_535) {
    throw new ConfigError(`${name} must be a port number (1–65535), got "${raw}"`);
  }
  return value;
}

function positiveInteger(env: Env, name: string, fallback: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw new ConfigError(`${name} must be a positive whole number, got "${raw}"`);
  }
  return Number(raw);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL (${protocols.join(' or ')}), got "${redact(raw)}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(
      `${name} must be a URL starting with ${protocols.join(' or ')}, got "${redact(raw)}"`,
    );
  }
  return raw;
}

/** Database URLs carry passwords: never echo them back in full. */
function redact(raw: string): string {
  return raw.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

function demoPassword(env: Env): string {
  const value = env.LIBRA_DEMO_PASSWORD ?? 'libra-demo-2026';
  if ([...value].length < 12) throw new ConfigError('LIBRA_DEMO_PASSWORD must be at least 12 characters');
  return value;
}

function demoApiKey(env: Env): string | undefined {
  const raw = read(env, 'LIBRA_DEMO_API_KEY');
  if (raw === undefined) return undefined;
  if (!/^lbr_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/.test(raw)) {
    throw new ConfigError(
      'LIBRA_DEMO_API_KEY must look like lbr_<12 lower-case letters or digits>_<43 base64url characters>',
    );
  }
  return raw;
}

function mailFrom(env: Env): string {
  const raw = read(env, 'MAIL_FROM') ?? 'Asistencia Libra Plus <avisos@libra.invalid>';
  if (!/^([^<>@]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/.test(raw)) {
    throw new ConfigError(`MAIL_FROM must be an email address, alone or as "Name <address>", got "${raw}"`);
  }
  return raw;
}

function smppUrl(env: Env): string | undefined {
  const raw = read(env, 'SMPP_URL');
  if (raw === undefined) return undefined;
  try {
    parseSmppUrl(raw);
  } catch (error) {
    throw new ConfigError(`SMPP_URL ${(error as Error).message}, got "${redact(raw)}"`);
  }
  return raw;
}

function smsSenderId(env: Env): string {
  const raw = read(env, 'SMS_SENDER_ID') ?? 'LIBRA';
  try {
    senderAddressOf(raw);
  } catch (error) {
    throw new ConfigError(`SMS_SENDER_ID ${(error as Error).message}, got "${raw}"`);
  }
  return raw;
}

/** Origins like https://tiles.libra.mx, comma-separated (CORS_ORIGINS, MAP_CONNECT_SRC). */
function origins(env: Env, name: string, example: string): string[] {
  const raw = read(env, name);
  const list = raw ? raw.split(',').map((o) => o.trim()) : [];
  for (const origin of list) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(
        `${name} must be a comma-separated list of origins like ${example}, got "${origin}"`,
      );
    }
  }
  return list;
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * TRUST_PROXY: the proxies whose X-Forwarded-For is believed, comma-separated. Only named ones:
 * trusting any sender (`true`, `*`) would let every caller choose its own address, and with it
 * its rate-limit budget.
 */
function trustedProxies(env: Env): string[] {
  const raw = read(env, 'TRUST_PROXY');
  if (raw === undefined) return [];
  const list = raw.split(',').map((entry) => entry.trim());
  for (const entry of list) {
    const [address, prefix, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    const prefixOk =
      prefix === undefined ||
      (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 6 ? 128 : 32) && rest.length === 0);
    if (!PROXY_NAMES.includes(entry) && !(family !== 0 && prefixOk)) {
      throw new ConfigError(
        `TRUST_PROXY must be a comma-separated list of proxy addresses or ranges (10.0.0.0/8, 2001:db8::/32) or ${PROXY_NAMES.join(', ')}; got "${entry}"`,
      );
    }
  }
  return list;
}

interface MapSettings {
  mapStyleUrl: string | undefined;
  mapConnectSrc: string[];
  mapAttribution: string | undefined;
}

/**
 * The map's style is handed to every browser, so it carries no credentials; what only makes sense
 * with a style (more origins, an attribution) is refused without one rather than silently ignored.
 */
function mapSettings(env: Env): MapSettings {
  const mapStyleUrl = url(env, 'MAP_STYLE_URL', ['http:', 'https:']);
  if (mapStyleUrl !== undefined) {
    const parsed = new URL(mapStyleUrl);
    if (parsed.username || parsed.password)
      throw new ConfigError(
        `MAP_STYLE_URL is sent to every browser: it must not carry a user or password, got "${redact(mapStyleUrl)}"`,
      );
  }
  const mapConnectSrc = origins(env, 'MAP_CONNECT_SRC', 'https://tiles.libra.mx');
  const mapAttribution = read(env, 'MAP_ATTRIBUTION');
  if (
    mapAttribution !== undefined &&
    (mapAttribution.length > 300 || !isStorableText(mapAttribution) || /[<>\t\r\n]/.test(mapAttribution))
  )
    throw new ConfigError('MAP_ATTRIBUTION must be plain text of up to 300 characters (no < or >)');
  for (const [name, given] of [
    ['MAP_CONNECT_SRC', mapConnectSrc.length > 0],
    ['MAP_ATTRIBUTION', mapAttribution !== undefined],
  ] as const) {
    if (given && mapStyleUrl === undefined)
      throw new ConfigError(`${name} needs MAP_STYLE_URL: without a style there is no map`);
  }
  return { mapStyleUrl, mapConnectSrc, mapAttribution };
}

/** A real PAC needs its URL and credentials; they are refused with the sandbox rather than ignored. */
function pacSettings(env: Env): PacSettings {
  const name = oneOf(env, 'PAC', ['sandbox', 'sw'] as const, 'sandbox');
  const pacUrl = url(env, 'PAC_URL', ['http:', 'https:']);
  const token = read(env, 'PAC_TOKEN');
  const user = read(env, 'PAC_USER');
  const password = read(env, 'PAC_PASSWORD');
  const timeoutMs = integerBetween(env, 'PAC_TIMEOUT_SECONDS', 30, 1, 120, 'seconds') * 1000;
  if (name === 'sandbox') {
    for (const [variable, given] of [
      ['PAC_URL', pacUrl],
      ['PAC_TOKEN', token],
      ['PAC_USER', user],
      ['PAC_PASSWORD', password],
    ] as const) {
      if (given !== undefined)
        throw new ConfigError(`${variable} needs PAC=sw: the sandbox PAC takes no URL or credentials`);
    }
    return { name };
  }
  if (pacUrl === undefined) {
    throw new ConfigError(
      'PAC=sw needs PAC_URL (https://services.test.sw.com.mx or https://services.sw.com.mx)',
    );
  }
  if (token !== undefined && (user !== undefined || password !== undefined)) {
    throw new ConfigError('PAC_TOKEN and PAC_USER/PAC_PASSWORD are exclusive: give one of them');
  }
  if (token === undefined && (user === undefined || password === undefined)) {
    throw new ConfigError('PAC=sw needs PAC_TOKEN, or both PAC_USER and PAC_PASSWORD');
  }
  return {
    name,
    url: pacUrl,
    timeoutMs,
    ...(token !== undefined ? { token } : { user, password }),
  };
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'test', 'production'] as const, 'development');
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const databaseReplicaUrl = url(env, 'DATABASE_REPLICA_URL', ['postgres:', 'postgresql:']);
  if (databaseReplicaUrl && !databaseUrl) {
    throw new ConfigError(
      'DATABASE_REPLICA_URL needs DATABASE_URL: the embedded database has no replica (unset it, or set DATABASE_URL to its primary)',
    );
  }
  const seedDemoDefault = nodeEnv !== 'production' && databaseUrl === undefined;
  const seedDemo = boolean(env, 'LIBRA_SEED_DEMO', seedDemoDefault);
  if (seedDemo && nodeEnv === 'production') {
    throw new ConfigError(
      'LIBRA_SEED_DEMO cannot be true when NODE_ENV=production: demo accounts have known passwords',
    );
  }
  const corsOrigins = origins(env, 'CORS_ORIGINS', 'https://libra.mx');
  const webhookAllowPrivateUrls = boolean(env, 'WEBHOOK_ALLOW_PRIVATE_URLS', nodeEnv !== 'production');
  if (webhookAllowPrivateUrls && nodeEnv === 'production') {
    throw new ConfigError(
      'WEBHOOK_ALLOW_PRIVATE_URLS cannot be true when NODE_ENV=production: a partner could make Libra call its own network',
    );
  }
  const paymentGateway = oneOf(env, 'PAYMENT_GATEWAY', ['sandbox'] as const, 'sandbox');
  const testClocksPossible = paymentGateway === 'sandbox' && nodeEnv !== 'production';
  const testClocks = boolean(env, 'TEST_CLOCKS', testClocksPossible);
  if (testClocks && !testClocksPossible) {
    throw new ConfigError(
      'TEST_CLOCKS cannot be true when NODE_ENV=production or with a real PAYMENT_GATEWAY: test clocks bill in a time of their own',
    );
  }
  return {
    nodeEnv,
    host: read(env, 'HOST') ?? 'localhost',
    port: port(env, 'PORT', 3000),
    databaseUrl,
    databaseReplicaUrl,
    databasePoolSize: integerBetween(env, 'DATABASE_POOL_SIZE', 10, 1, 1000, 'connections'),
    replicaMaxLagSeconds: positiveInteger(env, 'REPLICA_MAX_LAG_SECONDS', 30),
    dataDir: path.resolve(read(env, 'DATA_DIR') ?? './data'),
    logLevel: oneOf(
      env,
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      nodeEnv === 'test' ? 'silent' : 'info',
    ),
    bodyLimitBytes: positiveInteger(env, 'BODY_LIMIT_BYTES', 1_048_576),
    seedDemo,
    publicRateLimitPerMinute: positiveInteger(env, 'PUBLIC_RATE_LIMIT_PER_MINUTE', 300),
    partnerRateLimitPerMinute: integerBetween(
      env,
      'PARTNER_RATE_LIMIT_PER_MINUTE',
      6000,
      API_KEY_RATE_LIMIT_RANGE.min,
      API_KEY_RATE_LIMIT_RANGE.max,
      'requests a minute',
    ),
    userRateLimitPerMinute: positiveInteger(env, 'USER_RATE_LIMIT_PER_MINUTE', 600),
    corsOrigins,
    trustProxy: trustedProxies(env),
    publicUrl: url(env, 'PUBLIC_URL', ['http:', 'https:']),
    demoPassword: demoPassword(env),
    demoApiKey: demoApiKey(env),
    paymentGateway,
    testClocks,
    offerTimeoutSeconds: positiveInteger(env, 'OFFER_TIMEOUT_SECONDS', 120),
    jobWorkers: boolean(env, 'JOB_WORKERS', true),
    jobPollSeconds: positiveInteger(env, 'JOB_POLL_SECONDS', 2),
    billingRetryDays: retryDays(env),
    billingSchedule: cron(env, 'BILLING_SCHEDULE', '5 0 * * *'),
    billingBatchSize: positiveInteger(env, 'BILLING_BATCH_SIZE', 2000),
    billingConcurrency: positiveInteger(env, 'BILLING_CONCURRENCY', 256),
    billingRunPace: nonNegativeInteger(env, 'BILLING_RUN_PACE', 0),
    billingClaimSeconds: integerBetween(env, 'BILLING_CLAIM_SECONDS', 300, 10, 86_400, 'seconds'),
    billingHeartbeatSeconds: integerBetween(env, 'BILLING_HEARTBEAT_SECONDS', 5, 1, 60, 'seconds'),
    directDebit: oneOf(env, 'DIRECT_DEBIT', ['gateway', 'file'] as const, 'gateway'),
    sandboxLatencyMs: nonNegativeInteger(env, 'SANDBOX_LATENCY_MS', 0),
    complaintSlaBusinessDays: integerBetween(env, 'COMPLAINT_SLA_BUSINESS_DAYS', 5, 1, 60, 'business days'),
    extraHolidays: extraHolidays(env),
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: mailFrom(env),
    smppUrl: smppUrl(env),
    smsSenderId: smsSenderId(env),
    geocoderUrl: url(env, 'GEOCODER_URL', ['http:', 'https:']),
    routingUrl: url(env, 'ROUTING_URL', ['http:', 'https:']),
    ...mapSettings(env),
    pac: pacSettings(env),
    invoicing: invoicingSettings(env),
    webhookAllowPrivateUrls,
    webhookTimeoutSeconds: integerBetween(env, 'WEBHOOK_TIMEOUT_SECONDS', 10, 1, 60, 'seconds'),
  };
}

const ISSUER_VARIABLES = [
  'ISSUER_RFC',
  'ISSUER_NAME',
  'ISSUER_FISCAL_REGIME',
  'ISSUER_POSTAL_CODE',
  'CSD_CERTIFICATE_PATH',
  'CSD_KEY_PATH',
  'CSD_PASSWORD',
] as const;

/** The SAT's public test taxpayer: the embedded demo issuer. */
const DEMO_ISSUER: Issuer = {
  rfc: 'EKU9003173C9',
  name: 'ESCUELA KEMPER URGATE',
  fiscalRegime: '601',
  postalCode: '42501',
};

function readCsdFile(name: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch {
    throw new ConfigError(`${name} must name a readable file, got "${file}"`);
  }
}

/** The issuer: all of ISSUER_* and CSD_* or none (the demo, with the SAT's test CSD); checked now. */
export function invoicingSettings(env: Env): Config['invoicing'] {
  const given = ISSUER_VARIABLES.filter((name) => read(env, name) !== undefined);
  let issuer = DEMO_ISSUER;
  let csd: CsdSource = {
    certificate: readFileSync(SAT_FILES.testCsdCertificate, 'utf8'),
    key: readFileSync(SAT_FILES.testCsdKey, 'utf8'),
  };
  if (given.length > 0) {
    const missing = ISSUER_VARIABLES.filter((name) => read(env, name) === undefined);
    if (missing.length > 0) {
      throw new ConfigError(
        `The CFDI issuer needs all of ${ISSUER_VARIABLES.join(', ')}; missing ${missing.join(', ')}`,
      );
    }
    const value = (name: (typeof ISSUER_VARIABLES)[number]) => read(env, name) ?? '';
    issuer = {
      rfc: value('ISSUER_RFC'),
      name: value('ISSUER_NAME'),
      fiscalRegime: value('ISSUER_FISCAL_REGIME'),
      postalCode: value('ISSUER_POSTAL_CODE'),
    };
    csd = {
      certificate: readCsdFile('CSD_CERTIFICATE_PATH', value('CSD_CERTIFICATE_PATH')),
      key: readCsdFile('CSD_KEY_PATH', value('CSD_KEY_PATH')),
      password: value('CSD_PASSWORD'),
    };
  }
  try {
    const prepared = prepareIssuer(issuer, csd, systemClock);
    return { issuer: prepared.issuer, csd, demo: prepared.demo };
  } catch (error) {
    if (error instanceof CfdiError) {
      throw new ConfigError(
        `The CFDI issuer is not valid (${error.code}${error.field ? `, ${error.field}` : ''}): ${error.message}`,
      );
    }
    throw error;
  }
}

/** A description of every variable, used by the README and by `libra config`. */
export const CONFIG_DOCS: { name: string; default: string; description: string }[] = [
  { name: 'PORT', default: '3000', description: 'HTTP port.' },
  { name: 'HOST', default: 'localhost', description: 'Interface to listen on; `0.0.0.0` in containers.' },
  {
    name: 'DATABASE_URL',
    default: '(unset)',
    description: 'PostgreSQL URL (`postgres://…`). Unset: the embedded PGlite database in `DATA_DIR`.',
  },
  {
    name: 'DATABASE_POOL_SIZE',
    default: '10',
    description:
      'Connections each process keeps to DATABASE_URL at most. A billing run given fewer leaves more of the database to the 24/7 line (docs/operations.md).',
  },
  {
    name: 'DATABASE_REPLICA_URL',
    default: '(unset)',
    description:
      "A streaming replica of DATABASE_URL: the supervisor's report and finance's exports read from it (the primary when it is down or behind). Unset: they read the primary.",
  },
  {
    name: 'REPLICA_MAX_LAG_SECONDS',
    default: '30',
    description: 'How far behind the replica may be before those reads go to the primary instead.',
  },
  {
    name: 'DATA_DIR',
    default: './data',
    description: 'Where the embedded database lives; created if missing.',
  },
  { name: 'NODE_ENV', default: 'development', description: '`development`, `test` or `production`.' },
  {
    name: 'LOG_LEVEL',
    default: 'info',
    description: 'pino level: fatal, error, warn, info, debug, trace, silent.',
  },
  {
    name: 'BODY_LIMIT_BYTES',
    default: '1048576',
    description: 'Largest request body accepted (larger → 413).',
  },
  {
    name: 'LIBRA_SEED_DEMO',
    default: 'true on the embedded database',
    description: 'Load demo data at start. Refused when NODE_ENV=production.',
  },
  {
    name: 'PUBLIC_RATE_LIMIT_PER_MINUTE',
    default: '300',
    description:
      'Requests a minute per address for callers without a session or an API key (more → 429 with Retry-After).',
  },
  {
    name: 'PARTNER_RATE_LIMIT_PER_MINUTE',
    default: '6000',
    description:
      'Requests a minute per API key, from any address, for keys created without a limit of their own (1–1000000).',
  },
  {
    name: 'USER_RATE_LIMIT_PER_MINUTE',
    default: '600',
    description: 'Requests a minute per signed-in person, from any address or device.',
  },
  {
    name: 'CORS_ORIGINS',
    default: '(closed)',
    description: 'Comma-separated origins allowed to call the API.',
  },
  {
    name: 'TRUST_PROXY',
    default: '(none)',
    description:
      "Load balancers or proxies in front, comma-separated addresses or CIDR ranges (or loopback, linklocal, uniquelocal): their X-Forwarded-For gives the client's address (rate limits, sessions, audit). Unset: the connection's address.",
  },
  { name: 'PUBLIC_URL', default: 'http://localhost:PORT', description: 'Base URL printed at start.' },
  { name: 'LIBRA_DEMO_PASSWORD', default: 'libra-demo-2026', description: 'Password of every demo account.' },
  {
    name: 'LIBRA_DEMO_API_KEY',
    default: '(new at each start)',
    description: 'A fixed demo partner API key.',
  },
  {
    name: 'PAYMENT_GATEWAY',
    default: 'sandbox',
    description:
      'Card processor: `sandbox` (test cards only, kept in the database; serves `POST /v1/sandbox/card-tokens`).',
  },
  {
    name: 'OFFER_TIMEOUT_SECONDS',
    default: '120',
    description: 'Seconds a provider has to accept an offered case before it goes to the next nearest.',
  },
  {
    name: 'JOB_WORKERS',
    default: 'true',
    description: 'Run background jobs (offer expiry…) in this process; jobs live in PostgreSQL (pg-boss).',
  },
  { name: 'JOB_POLL_SECONDS', default: '2', description: 'How often an idle job worker looks for due jobs.' },
  {
    name: 'BILLING_RETRY_DAYS',
    default: '1,3,7',
    description:
      'Days after a charge is first declined on which it is retried (from 00:00 Mexico City); after the last, the membership is suspended.',
  },
  {
    name: 'BILLING_SCHEDULE',
    default: '5 0 * * *',
    description: 'Cron (Mexico City time) of the daily billing run, where JOB_WORKERS is true.',
  },
  {
    name: 'BILLING_BATCH_SIZE',
    default: '2000',
    description: 'Memberships or charges each billing statement takes at a time.',
  },
  {
    name: 'BILLING_CONCURRENCY',
    default: '256',
    description: 'Processor calls in flight at once during a billing run.',
  },
  {
    name: 'BILLING_RUN_PACE',
    default: '0',
    description:
      'Charges and notices a billing run takes per second, in small batches, so the 24/7 line keeps its speed while it runs; 0: as fast as the processor and the database allow.',
  },
  {
    name: 'BILLING_CLAIM_SECONDS',
    default: '300',
    description:
      'Longest time (10–86400 s) a claim holds charges before another billing run may take them; a run found dead lets go of its charges at once.',
  },
  {
    name: 'BILLING_HEARTBEAT_SECONDS',
    default: '5',
    description:
      'How often (1–60 s) a billing run writes its heartbeat; a run silent for three of them is dead: marked interrupted, its charges finished by the next run or the janitor job.',
  },
  {
    name: 'DIRECT_DEBIT',
    default: 'gateway',
    description:
      'How debit-card memberships pay: `gateway` (the processor charges the card) or `file` (domiciliación: due charges wait as `collecting` for the day’s collection file, `GET /v1/direct-debits/{date}/file`, and the bank’s answer file settles them; docs/bank-files.md).',
  },
  {
    name: 'SANDBOX_LATENCY_MS',
    default: '0',
    description:
      'Sandbox processor only: delay added to every charge, lookup and refund (benchmarks, tests).',
  },
  {
    name: 'COMPLAINT_SLA_BUSINESS_DAYS',
    default: '5',
    description:
      "Business days (Monday–Friday, Mexico City; 1–60) from filing to a complaint's due date; past it, the complaint escalates to supervisors.",
  },
  {
    name: 'EXTRA_HOLIDAYS',
    default: '(unset)',
    description:
      'Rest days besides the official ones (LFT art. 74) and the known election days, comma-separated YYYY-MM-DD (a local election day, a declared day); the ARCO 20-business-day term skips them.',
  },
  {
    name: 'WEBHOOK_ALLOW_PRIVATE_URLS',
    default: 'true (false in production)',
    description:
      'Let webhook endpoints be on loopback or private networks (receivers on this machine). Refused when NODE_ENV=production, where only public https URLs receive webhooks.',
  },
  {
    name: 'WEBHOOK_TIMEOUT_SECONDS',
    default: '10',
    description: 'Longest time (1–60 s) one webhook delivery may take, connecting to the end of the answer.',
  },
  {
    name: 'SMTP_URL',
    default: '(unset)',
    description:
      'SMTP server that delivers email (`smtp://user:pass@host:port`, or `smtps://`). Unset: email is kept, marked not sent (channel not configured).',
  },
  {
    name: 'MAIL_FROM',
    default: 'Asistencia Libra Plus <avisos@libra.invalid>',
    description: 'From address of every email; its domain also names the Message-IDs.',
  },
  {
    name: 'SMPP_URL',
    default: '(unset)',
    description:
      'SMSC or SMS aggregator that delivers SMS over SMPP 3.4 (`smpp://system_id:password@host:2775`; port 2775 when left out). Unset: SMS are kept, marked not sent (channel not configured).',
  },
  {
    name: 'SMS_SENDER_ID',
    default: 'LIBRA',
    description:
      'Who SMS are from: a name of up to 11 letters, digits or spaces (TON 5), a short code of 3–8 digits (TON 3) or an E.164 number `+52…` (TON 1, NPI 1), as the provider registered it.',
  },
  {
    name: 'GEOCODER_URL',
    default: '(unset)',
    description:
      'A self-hosted Nominatim (`http(s)://…`) that places typed addresses; when it is down or knows less, the bundled postal-code data answers. Unset: the bundled data alone (postal code, municipality or state precision).',
  },
  {
    name: 'ROUTING_URL',
    default: '(unset)',
    description:
      'A self-hosted OSRM (`http(s)://…`) for road distances and travel times; what it cannot answer is estimated. Unset: the straight-line estimate (docs/places-data.md).',
  },
  {
    name: 'MAP_STYLE_URL',
    default: '(unset)',
    description:
      "URL (http or https, no credentials) of a MapLibre style JSON: the console's and the customer's case pages show the case's place (and, to staff, the provider) on a map. Unset: no map, the cards show distance and ETA only.",
  },
  {
    name: 'MAP_CONNECT_SRC',
    default: '(none)',
    description:
      "Comma-separated origins, beside the style's own, where the style's tiles, glyphs and sprites are (added to the Content-Security-Policy's connect-src). Needs MAP_STYLE_URL.",
  },
  {
    name: 'MAP_ATTRIBUTION',
    default: '(unset)',
    description:
      "Plain text credited on every map beside the style's own attribution, e.g. `© OpenStreetMap contributors`. Needs MAP_STYLE_URL.",
  },
  {
    name: 'ISSUER_RFC',
    default: '(demo: EKU9003173C9)',
    description:
      'The operator\'s RFC as CFDI issuer. ISSUER_* and CSD_* go together; unset, the SAT\'s test taxpayer and test CSD: every document says "sin validez fiscal".',
  },
  {
    name: 'ISSUER_NAME',
    default: '(demo)',
    description: "The issuer's name as in its certificate of tax status, without the company type.",
  },
  {
    name: 'ISSUER_FISCAL_REGIME',
    default: '(demo: 601)',
    description: "The issuer's fiscal regime (c_RegimenFiscal), checked against its RFC.",
  },
  {
    name: 'ISSUER_POSTAL_CODE',
    default: '(demo: 42501)',
    description: 'Expedition postal code (LugarExpedicion).',
  },
  {
    name: 'CSD_CERTIFICATE_PATH',
    default: '(demo)',
    description:
      'The CSD certificate (.cer DER or PEM); checked at start: the RFC, valid now, the key matches.',
  },
  {
    name: 'CSD_KEY_PATH',
    default: '(demo)',
    description: 'The CSD private key (.key, PKCS#8 DER encrypted, or PEM).',
  },
  { name: 'CSD_PASSWORD', default: '(demo)', description: "The CSD key's password." },
  {
    name: 'PAC',
    default: 'sandbox',
    description:
      "Who stamps and cancels CFDI: `sandbox` (a local TimbreFiscalDigital signed by a test key, without fiscal validity) or `sw` (SW Sapien's REST API).",
  },
  {
    name: 'PAC_URL',
    default: '(unset)',
    description:
      'PAC=sw only: `https://services.test.sw.com.mx` (tests) or `https://services.sw.com.mx`. Required with PAC=sw.',
  },
  {
    name: 'PAC_TOKEN',
    default: '(unset)',
    description:
      'PAC=sw only: the account\'s fixed token ("token infinito"). Or PAC_USER and PAC_PASSWORD, not both.',
  },
  {
    name: 'PAC_USER',
    default: '(unset)',
    description:
      "PAC=sw only: the account's user (with PAC_PASSWORD), for two-hour tokens renewed as needed.",
  },
  { name: 'PAC_PASSWORD', default: '(unset)', description: 'PAC=sw only: the password of PAC_USER.' },
  {
    name: 'PAC_TIMEOUT_SECONDS',
    default: '30',
    description:
      'Longest wait (1–120 s) for one PAC call; past it the stamp is retried later with the same document id, never stamped twice.',
  },
];
