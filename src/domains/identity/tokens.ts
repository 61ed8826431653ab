import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, URL-safe. */
export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Tokens are high-entropy, so a fast hash is enough to make a stolen table useless. Every request
 * with an API key or a session hashes its token: the one-shot `hash` is the same SHA-256 at about
 * half the cost of a Hash object.
 */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

/**
 * The CSRF token is derived from the session token, so it needs no storage and is worthless with
 * any other session: a token from session A never validates a request carrying session B's cookie.
 */
export function csrfTokenFor(sessionToken: string): string {
  return hash('sha256', `libra-csrf:${sessionToken}`, 'base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** API keys read `lbr_<prefix>_<secret>`: the prefix finds the row, the secret is checked by hash. */
const API_KEY = /^lbr_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export function newApiKey(): { prefix: string; secret: string; key: string } {
  const prefix = randomBytes(9)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 12);
  const secret = newSecretToken();
  return { prefix, secret, key: `lbr_${prefix}_${secret}` };
}

export function parseApiKey(key: string): { prefix: string; secret: string } | null {
  const match = API_KEY.exec(key);
  return match ? { prefix: match[1] as string, secret: match[2] as string } : null;
}
