import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * A new endpoint secret as the Standard Webhooks specification writes them: `whsec_` and 32 random
 * bytes in base64, which is what the `standardwebhooks` libraries of every language take.
 */
export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * The Standard Webhooks headers of one attempt: the event's id (the same on every retry and
 * replay, so a receiver can drop what it already has), the signing time in whole seconds, and one
 * `v1,<HMAC-SHA256>` signature per secret in force, separated by spaces (during a rotation, the
 * new secret's and the previous one's).
 */
export function signatureHeaders(input: {
  id: string;
  body: string;
  at: Date;
  secrets: readonly string[];
}): Record<string, string> {
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(Math.floor(input.at.getTime() / 1000)),
    'webhook-signature': input.secrets
      .map((s) => new Webhook(s).sign(input.id, input.at, input.body))
      .join(' '),
  };
}
