import { type CodesOf, defineErrors } from '../../lib/errors.ts';

export const EventErrors = defineErrors({
  /** `after` is not a cursor this API gave (`<txid>_<position>`). */
  EVENT_CURSOR_INVALID: {
    status: 400,
    es: 'El cursor `after` no es válido: usa el `next` de una respuesta anterior.',
    en: 'The `after` cursor is not valid: use the `next` of an earlier answer.',
  },
  /** No webhook endpoint with that id among the caller's key's (deleted ones included). */
  WEBHOOK_ENDPOINT_NOT_FOUND: {
    status: 404,
    es: 'No encontramos ese webhook.',
    en: 'We could not find that webhook endpoint.',
  },
  /** No delivery with that id on that endpoint. */
  WEBHOOK_DELIVERY_NOT_FOUND: {
    status: 404,
    es: 'No encontramos esa entrega del webhook.',
    en: 'We could not find that webhook delivery.',
  },
  /**
   * The URL cannot receive webhooks: not http(s), with credentials in it, or (in production) an
   * address on this machine or a private network.
   */
  WEBHOOK_URL_NOT_ALLOWED: {
    status: 422,
    es: 'Esa URL no puede recibir webhooks: usa una dirección https pública, sin usuario ni contraseña.',
    en: 'That URL cannot receive webhooks: use a public https address, with no user or password in it.',
  },
  /** A disabled endpoint is enabled again before its deliveries are replayed. */
  WEBHOOK_ENDPOINT_DISABLED: {
    status: 409,
    es: 'El webhook está desactivado: actívalo de nuevo antes de reenviar entregas.',
    en: 'The webhook endpoint is disabled: enable it again before replaying deliveries.',
  },
  /** A key holds at most this many endpoints. */
  WEBHOOK_ENDPOINT_LIMIT: {
    status: 409,
    es: 'Llegaste al máximo de webhooks para esta llave; borra uno antes de crear otro.',
    en: 'This key has the most webhook endpoints it may have; delete one before adding another.',
  },
});

declare module '../../lib/errors.ts' {
  interface ErrorCodes extends CodesOf<typeof EventErrors> {}
}
