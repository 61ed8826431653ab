import { type CodesOf, defineErrors } from '../../lib/errors.ts';

export const IdentityErrors = defineErrors({
  /** No valid session or API key came with a request that needs one. */
  UNAUTHENTICATED: {
    status: 401,
    es: 'Inicia sesión para continuar.',
    en: 'Sign in to continue.',
  },
  /** The session ended: idle too long, past its maximum age, or signed out. */
  SESSION_EXPIRED: {
    status: 401,
    es: 'Tu sesión terminó. Inicia sesión de nuevo.',
    en: 'Your session has ended. Sign in again.',
  },
  /** The Authorization header holds no valid, unrevoked API key. */
  API_KEY_INVALID: {
    status: 401,
    es: 'La llave de API no es válida o fue revocada.',
    en: 'The API key is not valid or has been revoked.',
  },
  /** Email or password wrong (never says which), or the account is disabled. */
  INVALID_CREDENTIALS: {
    status: 401,
    es: 'El correo o la contraseña no son correctos.',
    en: 'The email or password is not correct.',
  },
  /**
   * Held back by the sign-in throttle (SIGN_IN_THROTTLE): too many failures of this account from
   * this address (the wait grows with each), or an attack on the account or from the address as a
   * whole. Retry-After and `retryAfterSeconds` say when to try again; staff can unlock an account.
   */
  LOGIN_THROTTLED: {
    status: 429,
    es: 'Demasiados intentos fallidos. Espera un momento e inténtalo de nuevo; cada intento fallido alarga la espera. Si no recuerdas tu contraseña, pide ayuda a Libra para desbloquear tu cuenta.',
    en: 'Too many failed attempts. Wait a moment and try again; each failed attempt makes the wait longer. If you do not remember your password, ask Libra to unlock your account.',
  },
  /** Changing the password: the current password given is not the account's. */
  PASSWORD_INCORRECT: {
    status: 422,
    es: 'Tu contraseña actual no es correcta. Escríbela de nuevo.',
    en: 'Your current password is not correct. Type it again.',
  },
  /** Too many wrong current passwords (counted with failed sign-ins, same throttle); Retry-After says when. */
  PASSWORD_CHANGE_THROTTLED: {
    status: 429,
    es: 'Demasiados intentos con una contraseña incorrecta. Espera un momento e inténtalo de nuevo; cada intento fallido alarga la espera.',
    en: 'Too many attempts with a wrong password. Wait a moment and try again; each failed attempt makes the wait longer.',
  },
  /** Signed in, but this role or key may not do this. */
  FORBIDDEN: {
    status: 403,
    es: 'No tienes permiso para hacer esto.',
    en: 'You are not allowed to do this.',
  },
  /** The route declares no access policy, so nobody may call it (deny by default; a bug to fix). */
  ROUTE_POLICY_MISSING: {
    status: 403,
    es: 'No tienes permiso para hacer esto.',
    en: 'You are not allowed to do this.',
  },
  /** A cookie-authenticated write came without the session's X-CSRF-Token, or with another's. */
  CSRF_TOKEN_INVALID: {
    status: 403,
    es: 'La solicitud no se pudo verificar. Recarga la página e inténtalo de nuevo.',
    en: 'The request could not be verified. Reload the page and try again.',
  },
  /**
   * A new password under 12 characters or over 256, on the list of common or published passwords,
   * made of the person's name or email, or too easy to guess (zxcvbn score under 3 for customers,
   * under 4 for staff and providers). `errors` says at the field which, with zxcvbn's advice.
   */
  PASSWORD_TOO_WEAK: {
    status: 422,
    es: 'Elige una contraseña más difícil de adivinar: de al menos 12 caracteres, que no sea común ni lleve tu nombre o tu correo. Una frase de varias palabras poco comunes funciona bien.',
    en: 'Choose a password that is harder to guess: at least 12 characters, not a common one, without your name or email. A phrase of several uncommon words works well.',
  },
  /** An account with this email already exists. */
  EMAIL_TAKEN: {
    status: 409,
    es: 'Ya existe una cuenta con ese correo.',
    en: 'An account with that email already exists.',
  },
  /** The provider a provider account or key is for is not in the network. */
  PROVIDER_UNKNOWN: {
    status: 422,
    es: 'Ese proveedor no está registrado en la red.',
    en: 'That provider is not registered in the network.',
  },
  /** No such user (or not one the caller may see). */
  USER_NOT_FOUND: {
    status: 404,
    es: 'No encontramos esa cuenta.',
    en: 'We could not find that account.',
  },
  /** No such session among the caller's own. */
  SESSION_NOT_FOUND: {
    status: 404,
    es: 'No encontramos esa sesión.',
    en: 'We could not find that session.',
  },
  /** No such API key. */
  API_KEY_NOT_FOUND: {
    status: 404,
    es: 'No encontramos esa llave de API.',
    en: 'We could not find that API key.',
  },
  /** A scope that does not exist, or one a key of this kind may not hold. */
  SCOPE_INVALID: {
    status: 422,
    es: 'Alguno de los permisos solicitados no existe o no aplica a este tipo de llave.',
    en: 'A requested scope does not exist or does not apply to this kind of key.',
  },
  /** Customers get their account when they contract; admins create staff and provider accounts. */
  ROLE_NOT_ASSIGNABLE: {
    status: 422,
    es: 'Ese rol no se puede asignar desde aquí.',
    en: 'That role cannot be assigned here.',
  },
});

declare module '../../lib/errors.ts' {
  interface ErrorCodes extends CodesOf<typeof IdentityErrors> {}
}
