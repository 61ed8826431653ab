import { type CodesOf, defineErrors } from '../../lib/errors.ts';

export const IdempotencyErrors = defineErrors({
  /** The Idempotency-Key was used before with a different request body. */
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    es: 'Esa clave de idempotencia ya se usó con otros datos. Usa una clave nueva para una solicitud nueva.',
    en: 'That Idempotency-Key was already used with a different request. Use a new key for a new request.',
  },
  /** The Idempotency-Key header is not 1–255 visible characters. */
  IDEMPOTENCY_KEY_INVALID: {
    status: 400,
    es: 'La clave de idempotencia no es válida: usa de 1 a 255 caracteres visibles.',
    en: 'The Idempotency-Key is not valid: use 1 to 255 visible characters.',
  },
});

declare module '../../lib/errors.ts' {
  interface ErrorCodes extends CodesOf<typeof IdempotencyErrors> {}
}
