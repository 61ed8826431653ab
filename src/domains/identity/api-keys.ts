import type { Database } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import {
  type Actor,
  API_KEY_KINDS,
  API_KEY_RATE_LIMIT_RANGE,
  type ApiKeyKind,
  type Principal,
  SCOPES,
  type Scope,
} from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import './errors.ts';
import type { ApiKeyRecord, IdentityRepository } from './repository.ts';
import { hashToken, newApiKey, parseApiKey, safeEqual } from './tokens.ts';

/** How long a live API key is trusted from memory before it is read again. */
const API_KEY_CACHE_MS = 60_000;

/** Writing last-used on every request would make every read a write; once a minute is enough. */
const TOUCH_EVERY_MS = 60_000;

/** Scopes each kind of key may hold. */
export const SCOPES_BY_KIND: Record<ApiKeyKind, readonly Scope[]> = {
  partner: [
    'memberships:read',
    'memberships:write',
    'eligibility:read',
    'cases:read',
    'cases:write',
    'complaints:read',
    'complaints:write',
    'events:read',
  ],
  provider: ['provider:jobs'],
  metrics: ['metrics:read'],
};

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  kind: ApiKeyKind;
  scopes: Scope[];
  providerId: string | null;
  rateLimitPerMinute: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export function presentApiKey(key: ApiKeyRecord): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    kind: key.kind as ApiKeyKind,
    scopes: key.scopes as Scope[],
    providerId: key.providerId,
    rateLimitPerMinute: key.rateLimitPerMinute,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

/**
 * API keys (the bank, providers' systems, metrics): the key behind a bearer token, and creating,
 * listing and revoking keys.
 */
export class ApiKeysService {
  constructor(
    private readonly db: Database,
    private readonly repository: IdentityRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Live keys by prefix, so that a system calling many times a second does not cost a read each
   * time. Revocation reaches every process through a notification (`forgetApiKey`); entries also
   * expire after a minute, a bound should a notification ever be missed.
   */
  private readonly apiKeyCache = new Map<string, { record: ApiKeyRecord; cachedAt: number }>();

  forgetApiKey(prefix: string): void {
    this.apiKeyCache.delete(prefix);
  }

  async authenticateApiKey(key: string): Promise<Principal> {
    const parsed = parseApiKey(key);
    const now = this.clock.now();
    let record: ApiKeyRecord | undefined;
    if (parsed) {
      const cached = this.apiKeyCache.get(parsed.prefix);
      // The wall clock, not the injected one: this bounds a cache, it is not a business rule.
      if (cached && Date.now() - cached.cachedAt < API_KEY_CACHE_MS) record = cached.record;
      else {
        record = await this.repository.liveApiKeyByPrefix(this.db, parsed.prefix);
        if (record && !record.revokedAt)
          this.apiKeyCache.set(parsed.prefix, { record, cachedAt: Date.now() });
      }
    }
    if (!parsed || !record || record.revokedAt || !safeEqual(record.secretHash, hashToken(parsed.secret))) {
      throw new AppError('API_KEY_INVALID');
    }
    if (!record.lastUsedAt || now.getTime() - record.lastUsedAt.getTime() >= TOUCH_EVERY_MS) {
      await this.repository.touchApiKey(this.db, record.id, now);
      record.lastUsedAt = now;
    }
    return {
      kind: 'api_key',
      apiKeyId: record.id,
      role: record.kind as ApiKeyKind,
      name: record.name,
      scopes: record.scopes as Scope[],
      providerId: record.providerId,
      rateLimitPerMinute: record.rateLimitPerMinute,
    };
  }

  async createApiKey(
    actor: Actor,
    input: {
      name: string;
      kind: ApiKeyKind;
      scopes: string[];
      providerId?: string | null;
      key?: string;
      /** The key's own requests a minute; absent or null: the server's default for keys. */
      rateLimitPerMinute?: number | null | undefined;
    },
  ): Promise<{ apiKey: ApiKeyView; key: string }> {
    if (!API_KEY_KINDS.includes(input.kind)) throw new AppError('SCOPE_INVALID');
    const rateLimit = input.rateLimitPerMinute ?? null;
    // The API's schema checks it too; the CLI reaches here without one.
    if (
      rateLimit !== null &&
      !(
        Number.isInteger(rateLimit) &&
        rateLimit >= API_KEY_RATE_LIMIT_RANGE.min &&
        rateLimit <= API_KEY_RATE_LIMIT_RANGE.max
      )
    ) {
      throw new AppError('VALIDATION_FAILED', {
        errors: [
          {
            field: 'body/rateLimitPerMinute',
            message: `must be a whole number of requests a minute between ${API_KEY_RATE_LIMIT_RANGE.min} and ${API_KEY_RATE_LIMIT_RANGE.max}`,
            localised: {
              es: `Escribe un número entero de solicitudes por minuto entre ${API_KEY_RATE_LIMIT_RANGE.min} y ${API_KEY_RATE_LIMIT_RANGE.max.toLocaleString('es-MX')}.`,
              en: `Enter a whole number of requests a minute between ${API_KEY_RATE_LIMIT_RANGE.min} and ${API_KEY_RATE_LIMIT_RANGE.max.toLocaleString('en')}.`,
            },
          },
        ],
      });
    }
    const allowed = SCOPES_BY_KIND[input.kind];
    const invalid = input.scopes.filter((s) => !(s in SCOPES) || !allowed.includes(s as Scope));
    if (invalid.length > 0 || input.scopes.length === 0) {
      throw new AppError('SCOPE_INVALID', {
        errors: invalid.map((s) => ({
          field: 'body/scopes',
          message: `${s} is not a scope a ${input.kind} key may hold`,
        })),
        extensions: { allowedScopes: allowed },
      });
    }
    // A caller may supply the key (the demo key from LIBRA_DEMO_API_KEY); it must look like ours.
    const parsed = input.key ? parseApiKey(input.key) : null;
    if (input.key && !parsed) throw new Error('LIBRA_DEMO_API_KEY must look like lbr_<12 chars>_<43 chars>');
    const generated = parsed ? { ...parsed, key: input.key as string } : newApiKey();
    const now = this.clock.now();
    const id = newId();
    const createdBy = actor.principal?.kind === 'user' ? actor.principal.userId : null;
    return this.db.transaction(async (tx) => {
      if (input.providerId && !(await this.repository.providerExists(tx, input.providerId)))
        throw new AppError('PROVIDER_UNKNOWN');
      await this.repository.insertApiKey(tx, {
        id,
        name: input.name.trim(),
        prefix: generated.prefix,
        secretHash: hashToken(generated.secret),
        kind: input.kind,
        scopes: [...new Set(input.scopes)],
        providerId: input.providerId ?? null,
        rateLimitPerMinute: rateLimit,
        createdBy,
        createdAt: now,
      });
      await this.audit.record(tx, actor, {
        action: 'api_key.create',
        recordType: 'api_key',
        recordId: id,
        details: { kind: input.kind, scopes: input.scopes, rateLimitPerMinute: rateLimit },
      });
      const record = await this.repository.apiKeyByPrefix(tx, generated.prefix);
      if (!record) throw new Error('api key vanished after insert');
      return { apiKey: presentApiKey(record), key: generated.key };
    });
  }

  async listApiKeys(): Promise<ApiKeyView[]> {
    return (await this.repository.listApiKeys(this.db)).map(presentApiKey);
  }

  async revokeApiKey(actor: Actor, id: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const prefix = await this.repository.revokeApiKey(tx, id, this.clock.now());
      if (!prefix) throw new AppError('API_KEY_NOT_FOUND');
      await this.repository.notifyRevoked(tx, [prefix]);
      this.forgetApiKey(prefix);
      await this.audit.record(tx, actor, { action: 'api_key.revoke', recordType: 'api_key', recordId: id });
    });
  }

  /** Revokes every live key with this name (the demo key is replaced at each start). */
  async revokeApiKeysNamed(actor: Actor, name: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const prefixes = await this.repository.revokeApiKeysNamed(tx, name, this.clock.now());
      await this.repository.notifyRevoked(tx, prefixes);
      for (const prefix of prefixes) this.forgetApiKey(prefix);
      await this.audit.record(tx, actor, {
        action: 'api_key.revoke',
        recordType: 'api_key',
        details: { name },
      });
    });
  }

  /** True when this exact key exists and is live (a fixed demo key survives restarts). */
  async apiKeyIsLive(key: string): Promise<boolean> {
    try {
      await this.authenticateApiKey(key);
      return true;
    } catch {
      return false;
    }
  }
}
