import { AppError } from '../../lib/errors.ts';
import type { Actor } from '../../platform/principal.ts';
import './errors.ts';
import type { SalesChannel } from './recorder.ts';
import type { Audience } from './repository.ts';

/**
 * The sales channels a partner key sees. The model has one partner, the bank, and every partner key
 * is the bank's: its memberships are those sold through `bank` (docs/decisions-pending/events.md).
 * A second partner would give keys a channel of their own, and this would read it.
 */
export const PARTNER_CHANNELS: readonly SalesChannel[] = ['bank'];

/** What a partner key sees of the log: its channels' memberships and its own things. */
export function partnerAudience(apiKeyId: string): Audience {
  return { kind: 'partner', channels: PARTNER_CHANNELS, apiKeyId };
}

/** Staff (the route lets in finance and supervisors) read the whole log; a partner key, its part. */
export function audienceOf(actor: Actor): Audience {
  const p = actor.principal;
  if (p?.kind === 'api_key') {
    if (p.role !== 'partner') throw new AppError('FORBIDDEN');
    return partnerAudience(p.apiKeyId);
  }
  return { kind: 'all' };
}

/** The partner key acting (webhook endpoints belong to a key), or FORBIDDEN for anyone else. */
export function partnerKeyOf(actor: Actor): string {
  const p = actor.principal;
  if (p?.kind !== 'api_key' || p.role !== 'partner') throw new AppError('FORBIDDEN');
  return p.apiKeyId;
}
