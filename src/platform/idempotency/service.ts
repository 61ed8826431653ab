import { createHash } from 'node:crypto';
import type { Transaction } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import type { Actor } from '../principal.ts';
import './errors.ts';
import type { IdempotencyRepository } from './repository.ts';

export interface IdempotentRequest {
  key: string | undefined;
  /** What the key is for, e.g. `POST /v1/memberships`: the same key on another operation is another key. */
  operation: string;
  body: unknown;
}

export interface Replayable<T> {
  status: number;
  body: T;
  /** True when this is the stored answer to an earlier request with the same key. */
  replayed: boolean;
}

/** Canonical JSON (sorted keys) so that the fingerprint does not depend on key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as Record<string, unknown>)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function scopeOf(actor: Actor): string {
  const p = actor.principal;
  if (!p) return 'anonymous';
  return p.kind === 'user' ? `user:${p.userId}` : `api_key:${p.apiKeyId}`;
}

/**
 * Stripe semantics for POSTs that create or charge: the same key and body replay the first answer;
 * the same key with a different body is refused. The key is claimed inside the caller's
 * transaction, so the work and its stored answer commit together — and on PostgreSQL a second
 * request with the same key waits for the first to finish, then replays it.
 */
export class IdempotencyService {
  constructor(
    private readonly repository: IdempotencyRepository,
    private readonly clock: Clock,
  ) {}

  async run<T>(
    tx: Transaction,
    actor: Actor,
    request: IdempotentRequest,
    work: () => Promise<{ status: number; body: T }>,
  ): Promise<Replayable<T>> {
    if (request.key === undefined) return { ...(await work()), replayed: false };
    if (!/^[\x21-\x7e]{1,255}$/.test(request.key)) throw new AppError('IDEMPOTENCY_KEY_INVALID');
    const scope = scopeOf(actor);
    const fingerprint = createHash('sha256').update(canonical(request.body)).digest('hex');
    const claimed = await this.repository.claim(tx, {
      scope,
      key: request.key,
      operation: request.operation,
      fingerprint,
      status: 0,
      response: {},
      createdAt: this.clock.now(),
    });
    if (!claimed) {
      const existing = await this.repository.find(tx, scope, request.key);
      if (!existing || existing.operation !== request.operation || existing.fingerprint !== fingerprint) {
        throw new AppError('IDEMPOTENCY_KEY_REUSED');
      }
      return { status: existing.status, body: existing.response as T, replayed: true };
    }
    const result = await work();
    await this.repository.complete(tx, scope, request.key, result.status, result.body);
    return { ...result, replayed: false };
  }
}
