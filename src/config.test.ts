import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('has working defaults: PGlite in ./data, port 3000, demo data on', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toBe(path.resolve('./data'));
    expect(config.seedDemo).toBe(true);
    expect(config.corsOrigins).toEqual([]);
    expect(config.complaintSlaBusinessDays).toBe(5);
    expect(config.publicRateLimitPerMinute).toBe(300);
    expect(config.partnerRateLimitPerMinute).toBe(6000);
    expect(config.userRateLimitPerMinute).toBe(600);
    expect(config.billingClaimSeconds).toBe(300);
    expect(config.billingHeartbeatSeconds).toBe(5);
    expect(config.smppUrl).toBeUndefined();
    expect(config.smsSenderId).toBe('LIBRA');
    expect(config.geocoderUrl).toBeUndefined();
    expect(config.routingUrl).toBeUndefined();
    expect(config.mapStyleUrl).toBeUndefined();
    expect(config.mapConnectSrc).toEqual([]);
    expect(config.mapAttribution).toBeUndefined();
  });

  it("reads the map's style, the origins of its tiles and its attribution", () => {
    const config = loadConfig({
      MAP_STYLE_URL: 'https://mapas.libra.mx/styles/libra.json',
      MAP_CONNECT_SRC: 'https://tiles.libra.mx, https://glyphs.libra.mx',
      MAP_ATTRIBUTION: '© OpenStreetMap contributors',
    });
    expect(config.mapStyleUrl).toBe('https://mapas.libra.mx/styles/libra.json');
    expect(config.mapConnectSrc).toEqual(['https://tiles.libra.mx', 'https://glyphs.libra.mx']);
    expect(config.mapAttribution).toBe('© OpenStreetMap contributors');
  });

  it('reads a reports replica only beside a PostgreSQL primary', () => {
    const primary = 'postgres://libra@db:5432/libra';
    const replica = 'postgres://libra@db-replica:5432/libra';
    const config = loadConfig({
      DATABASE_URL: primary,
      DATABASE_REPLICA_URL: replica,
      REPLICA_MAX_LAG_SECONDS: '5',
    });
    expect(config.databaseReplicaUrl).toBe(replica);
    expect(config.replicaMaxLagSeconds).toBe(5);
    expect(loadConfig({}).replicaMaxLagSeconds).toBe(30);
    expect(() => loadConfig({ DATABASE_REPLICA_URL: replica })).toThrow(
      /DATABASE_REPLICA_URL needs DATABASE_URL/,
    );
    expect(() => loadConfig({ DATABASE_URL: primary, DATABASE_REPLICA_URL: 'mysql://x' })).toThrow(
      ConfigError,
    );
  });

  it('sizes the database pool per process', () => {
    expect(loadConfig({}).databasePoolSize).toBe(10);
    expect(loadConfig({ DATABASE_POOL_SIZE: '2' }).databasePoolSize).toBe(2);
    for (const bad of ['0', '1.5', 'diez', '1001'])
      expect(() => loadConfig({ DATABASE_POOL_SIZE: bad }), bad).toThrow(
        `DATABASE_POOL_SIZE must be a whole number of connections between 1 and 1000, got "${bad}"`,
      );
  });

  it('trusts the named balancers only, never every sender', () => {
    expect(loadConfig({}).trustProxy).toEqual([]);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.0.2.10,2001:db8::/32,loopback' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '192.0.2.10',
      '2001:db8::/32',
      'loopback',
    ]);
    for (const bad of ['true', '*', '10.0.0.0/33', 'balancer.internal', '10.0.0.1/8/2', ''])
      expect(() => loadConfig({ TRUST_PROXY: `192.0.2.1,${bad}` }), bad).toThrow(/TRUST_PROXY must be/);
  });

  it('reads the SMSC and the SMS sender', () => {
    const config = loadConfig({ SMPP_URL: 'smpp://libra:secreto@smsc.example.mx', SMS_SENDER_ID: '24365' });
    expect(config.smppUrl).toBe('smpp://libra:secreto@smsc.example.mx');
    expect(config.smsSenderId).toBe('24365');
  });

  it('reads the geocoder and the router as http(s) URLs', () => {
    const config = loadConfig({
      GEOCODER_URL: 'http://nominatim:8080',
      ROUTING_URL: 'https://osrm.internal/',
    });
    expect(config.geocoderUrl).toBe('http://nominatim:8080');
    expect(config.routingUrl).toBe('https://osrm.internal/');
  });

  it('reads the billing claim and heartbeat in seconds', () => {
    const config = loadConfig({ BILLING_CLAIM_SECONDS: '60', BILLING_HEARTBEAT_SECONDS: '2' });
    expect(config.billingClaimSeconds).toBe(60);
    expect(config.billingHeartbeatSeconds).toBe(2);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be a port number (1–65535), got "abc"'],
    [{ PORT: '70000' }, 'PORT must be a port number'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL must be a URL starting with postgres: or postgresql:'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL must be a URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV must be one of development, test, production'],
    [{ BODY_LIMIT_BYTES: '-5' }, 'BODY_LIMIT_BYTES must be a positive whole number'],
    [{ LIBRA_SEED_DEMO: 'maybe' }, 'LIBRA_SEED_DEMO must be true or false'],
    [{ CORS_ORIGINS: 'libra.mx' }, 'CORS_ORIGINS must be a comma-separated list of origins'],
    [
      { COMPLAINT_SLA_BUSINESS_DAYS: '0' },
      'COMPLAINT_SLA_BUSINESS_DAYS must be a whole number of business days between 1 and 60, got "0"',
    ],
    [{ COMPLAINT_SLA_BUSINESS_DAYS: 'five' }, 'COMPLAINT_SLA_BUSINESS_DAYS must be a whole number'],
    [
      { PARTNER_RATE_LIMIT_PER_MINUTE: '0' },
      'PARTNER_RATE_LIMIT_PER_MINUTE must be a whole number of requests a minute between 1 and 1000000, got "0"',
    ],
    [{ USER_RATE_LIMIT_PER_MINUTE: 'many' }, 'USER_RATE_LIMIT_PER_MINUTE must be a positive whole number'],
    [{ GEOCODER_URL: 'nominatim:8080' }, 'GEOCODER_URL must be a URL starting with http: or https:'],
    [{ GEOCODER_URL: 'not a url' }, 'GEOCODER_URL must be a URL (http: or https:)'],
    [{ ROUTING_URL: 'ftp://osrm' }, 'ROUTING_URL must be a URL starting with http: or https:'],
    [
      { BILLING_CLAIM_SECONDS: '5' },
      'BILLING_CLAIM_SECONDS must be a whole number of seconds between 10 and 86400, got "5"',
    ],
    [{ BILLING_CLAIM_SECONDS: '5m' }, 'BILLING_CLAIM_SECONDS must be a whole number of seconds'],
    [
      { BILLING_HEARTBEAT_SECONDS: '0' },
      'BILLING_HEARTBEAT_SECONDS must be a whole number of seconds between 1 and 60, got "0"',
    ],
    [{ BILLING_HEARTBEAT_SECONDS: '1.5' }, 'BILLING_HEARTBEAT_SECONDS must be a whole number of seconds'],
    [
      { NODE_ENV: 'production', LIBRA_SEED_DEMO: 'true' },
      'LIBRA_SEED_DEMO cannot be true when NODE_ENV=production',
    ],
    [
      { NODE_ENV: 'production', WEBHOOK_ALLOW_PRIVATE_URLS: 'true' },
      'WEBHOOK_ALLOW_PRIVATE_URLS cannot be true when NODE_ENV=production',
    ],
    [
      { WEBHOOK_TIMEOUT_SECONDS: '0' },
      'WEBHOOK_TIMEOUT_SECONDS must be a whole number of seconds between 1 and 60, got "0"',
    ],
    [{ SMPP_URL: 'smtp://libra:secreto@smsc:2775' }, 'SMPP_URL must start with smpp://'],
    [
      { SMPP_URL: 'smpp://smsc.example.mx:2775' },
      'SMPP_URL must name the system_id and the password (smpp://system_id:password@host:2775), got "smpp://smsc.example.mx:2775"',
    ],
    [
      { SMPP_URL: 'smpp://libra:secreto@smsc:99999' },
      'SMPP_URL must be a URL like smpp://system_id:password@host:2775',
    ],
    [
      { MAP_STYLE_URL: 'ftp://mapas.libra.mx/style.json' },
      'MAP_STYLE_URL must be a URL starting with http: or https:',
    ],
    [{ MAP_STYLE_URL: 'estilo.json' }, 'MAP_STYLE_URL must be a URL (http: or https:)'],
    [
      { MAP_STYLE_URL: 'https://libra:clave@mapas.libra.mx/style.json' },
      'MAP_STYLE_URL is sent to every browser: it must not carry a user or password, got "https://libra:***@mapas.libra.mx/style.json"',
    ],
    [{ MAP_CONNECT_SRC: 'https://tiles.libra.mx' }, 'MAP_CONNECT_SRC needs MAP_STYLE_URL'],
    [
      { MAP_STYLE_URL: 'https://mapas.libra.mx/s.json', MAP_CONNECT_SRC: 'https://tiles.libra.mx/{z}' },
      'MAP_CONNECT_SRC must be a comma-separated list of origins like https://tiles.libra.mx',
    ],
    [{ MAP_ATTRIBUTION: '© OpenStreetMap' }, 'MAP_ATTRIBUTION needs MAP_STYLE_URL'],
    [
      { MAP_STYLE_URL: 'https://mapas.libra.mx/s.json', MAP_ATTRIBUTION: '<a href="x">OSM</a>' },
      'MAP_ATTRIBUTION must be plain text of up to 300 characters',
    ],
    [
      { SMS_SENDER_ID: 'ASISTENCIA LIBRA' },
      'SMS_SENDER_ID must be a name of up to 11 letters, digits or spaces',
    ],
  ])('refuses %j with a sentence naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never echoes a database password', () => {
    try {
      loadConfig({ DATABASE_URL: 'mysql://libra:s3cret@db/libra' });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain('s3cret');
    }
  });

  it('never echoes an SMPP password', () => {
    expect(() => loadConfig({ SMPP_URL: 'smpp://libra:s3cret@smsc:2775/x' })).toThrow(
      'SMPP_URL must not have a path after host:port, got "smpp://libra:***@smsc:2775/x"',
    );
  });

  it('stamps with the sandbox PAC by default; PAC=sw takes a URL and a token or a user and password', () => {
    expect(loadConfig({}).pac).toEqual({ name: 'sandbox' });
    expect(
      loadConfig({ PAC: 'sw', PAC_URL: 'https://services.test.sw.com.mx', PAC_TOKEN: 'T2lY' }).pac,
    ).toEqual({ name: 'sw', url: 'https://services.test.sw.com.mx', token: 'T2lY', timeoutMs: 30_000 });
    expect(
      loadConfig({
        PAC: 'sw',
        PAC_URL: 'https://services.sw.com.mx',
        PAC_USER: 'facturas@libra.mx',
        PAC_PASSWORD: 's3cret',
        PAC_TIMEOUT_SECONDS: '10',
      }).pac,
    ).toEqual({
      name: 'sw',
      url: 'https://services.sw.com.mx',
      user: 'facturas@libra.mx',
      password: 's3cret',
      timeoutMs: 10_000,
    });
  });

  it('refuses a PAC setting that cannot work, without echoing secrets', () => {
    const sw = { PAC: 'sw', PAC_URL: 'https://services.sw.com.mx' };
    expect(() => loadConfig({ PAC: 'finkok' })).toThrow('PAC must be one of sandbox, sw, got "finkok"');
    expect(() => loadConfig({ PAC: 'sw', PAC_TOKEN: 'x' })).toThrow('PAC=sw needs PAC_URL');
    expect(() => loadConfig(sw)).toThrow('PAC=sw needs PAC_TOKEN, or both PAC_USER and PAC_PASSWORD');
    expect(() => loadConfig({ ...sw, PAC_USER: 'u' })).toThrow('both PAC_USER and PAC_PASSWORD');
    expect(() => loadConfig({ ...sw, PAC_TOKEN: 't', PAC_PASSWORD: 's3cret' })).toThrow(
      'PAC_TOKEN and PAC_USER/PAC_PASSWORD are exclusive',
    );
    expect(() => loadConfig({ PAC_TOKEN: 's3cret' })).toThrow('PAC_TOKEN needs PAC=sw');
    expect(() => loadConfig({ ...sw, PAC_TOKEN: 't', PAC_TIMEOUT_SECONDS: '0' })).toThrow(
      'PAC_TIMEOUT_SECONDS must be a whole number of seconds between 1 and 120',
    );
    try {
      loadConfig({ ...sw, PAC_TOKEN: 's3cret', PAC_USER: 'u', PAC_PASSWORD: 's3cret' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect(String(error)).not.toContain('s3cret');
    }
  });

  it('keeps webhooks off private addresses in production, and allows them elsewhere by default', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).webhookAllowPrivateUrls).toBe(false);
    expect(loadConfig({ NODE_ENV: 'development' }).webhookAllowPrivateUrls).toBe(true);
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE_URLS: 'false' }).webhookAllowPrivateUrls).toBe(false);
  });

  it('does not load demo data in production or on PostgreSQL by default', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).seedDemo).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://localhost/libra' }).seedDemo).toBe(false);
  });
});

describe('libra serve with a bad setting', () => {
  it('exits with one clear line, not a stack trace', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
      env: { ...process.env, PORT: 'abc', NODE_ENV: 'development' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(78);
    expect(result.stderr.trim()).toBe('Configuration error: PORT must be a port number (1–65535), got "abc"');
    expect(result.stdout).toBe('');
  });
});

describe('the CFDI issuer', () => {
  const csd = (name: string) => path.resolve('src/domains/invoicing/sat/csd-test', name);
  const issuer = {
    ISSUER_RFC: 'EKU9003173C9',
    ISSUER_NAME: 'ESCUELA KEMPER URGATE',
    ISSUER_FISCAL_REGIME: '601',
    ISSUER_POSTAL_CODE: '42501',
    CSD_CERTIFICATE_PATH: csd('EKU9003173C9.cer'),
    CSD_KEY_PATH: csd('EKU9003173C9.key'),
    CSD_PASSWORD: '12345678a',
  };

  it('defaults to the SAT test taxpayer and its test CSD, marked as a demo, with the sandbox PAC', () => {
    const config = loadConfig({});
    expect(config.invoicing.issuer.rfc).toBe('EKU9003173C9');
    expect(config.invoicing.demo).toBe(true);
    expect(config.pac).toEqual({ name: 'sandbox' });
  });

  it('loads a CSD as the SAT ships it (.cer, encrypted .key, password) and checks it at start', () => {
    const config = loadConfig(issuer);
    expect(config.invoicing.issuer.name).toBe('ESCUELA KEMPER URGATE');
    expect(config.invoicing.demo).toBe(true);
  });

  it('refuses a partial issuer, a wrong password, a regime not for the RFC and an unreadable file', () => {
    const { CSD_PASSWORD: _password, ...partial } = issuer;
    expect(() => loadConfig(partial)).toThrow(/missing CSD_PASSWORD/);
    expect(() => loadConfig({ ...issuer, CSD_PASSWORD: 'otra' })).toThrow(/CSD_PASSWORD_WRONG/);
    expect(() => loadConfig({ ...issuer, ISSUER_FISCAL_REGIME: '605' })).toThrow(/issuer\.fiscalRegime/);
    expect(() => loadConfig({ ...issuer, CSD_KEY_PATH: '/nonexistent.key' })).toThrow(
      /CSD_KEY_PATH must name a readable file/,
    );
    expect(() => loadConfig({ ...issuer, ISSUER_RFC: 'GODE561231GR8' })).toThrow(ConfigError);
    expect(() => loadConfig({ PAC: 'otro' })).toThrow(/PAC/);
  });
});
