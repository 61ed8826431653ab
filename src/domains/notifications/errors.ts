import { type CodesOf, defineErrors } from '../../lib/errors.ts';

export const NotificationErrors = defineErrors({
  /** No message to a member with that id, or one of a membership the caller may not reach. */
  MESSAGE_NOT_FOUND: {
    status: 404,
    es: 'No encontramos ese mensaje.',
    en: 'We could not find that message.',
  },
  /** Re-sending a message still waiting to go out (or being retried): it will be sent; nothing to repeat. */
  MESSAGE_NOT_SENT_YET: {
    status: 409,
    es: 'Ese mensaje todavía está por enviarse: no hace falta reenviarlo.',
    en: 'That message is still waiting to go out: there is no need to re-send it.',
  },
  /** Re-sending a message that was withdrawn (its appointment moved or cancelled, the membership cancelled). */
  MESSAGE_WITHDRAWN: {
    status: 409,
    es: 'Ese mensaje se retiró porque ya no aplicaba: no se puede reenviar.',
    en: 'That message was withdrawn because it no longer applied: it cannot be re-sent.',
  },
  /** A kind of message with no channel: every message today is transactional and cannot be turned off. */
  NOTIFICATION_CHANNEL_REQUIRED: {
    status: 422,
    es: 'Elige al menos un medio (correo o SMS) para cada aviso: estos avisos no se pueden desactivar.',
    en: 'Choose at least one channel (email or SMS) for each notice: these notices cannot be turned off.',
  },
  /** A kind of message the catalogue does not have for members. */
  NOTIFICATION_KIND_UNKNOWN: {
    status: 422,
    es: 'Ese tipo de aviso no existe.',
    en: 'That kind of notice does not exist.',
  },
});

declare module '../../lib/errors.ts' {
  interface ErrorCodes extends CodesOf<typeof NotificationErrors> {}
}
