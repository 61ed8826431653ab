import { type CodesOf, defineErrors } from '../../lib/errors.ts';

export const TestClockErrors = defineErrors({
  /**
   * Test clocks exist only with the sandbox payment gateway and never in production (or were
   * turned off with TEST_CLOCKS=false).
   */
  TEST_CLOCKS_UNAVAILABLE: {
    status: 404,
    es: 'Los relojes de prueba solo existen en el entorno de pruebas (sandbox).',
    en: 'Test clocks exist only in the sandbox.',
  },
  /** No test clock with that id among the caller's (deleted ones included). */
  TEST_CLOCK_NOT_FOUND: {
    status: 404,
    es: 'No encontramos ese reloj de prueba.',
    en: 'We could not find that test clock.',
  },
  /** Another advance of this clock is under way; read the clock until its status is `ready`. */
  TEST_CLOCK_ADVANCING: {
    status: 409,
    es: 'El reloj de prueba está avanzando; espera a que termine.',
    en: 'The test clock is advancing; wait until it is ready.',
  },
  /** A clock only moves forward: `to` is before its time. */
  TEST_CLOCK_BACKWARDS: {
    status: 422,
    es: 'Un reloj de prueba solo avanza: la nueva hora debe ser posterior a la suya.',
    en: 'A test clock only moves forward: the new time must be after its own.',
  },
  /** One advance moves a clock at most two years; advance again for more. */
  TEST_CLOCK_TOO_FAR: {
    status: 422,
    es: 'Un avance mueve el reloj a lo más dos años; avánzalo en varios pasos.',
    en: 'One advance moves the clock at most two years; advance it in several steps.',
  },
  /** A clock starts between 2020 and two years from now. */
  TEST_CLOCK_TIME_OUT_OF_RANGE: {
    status: 422,
    es: 'La hora inicial del reloj debe estar entre 2020 y dos años a partir de hoy.',
    en: 'The clock’s starting time must be between 2020 and two years from now.',
  },
  /** A clock holds at most this many memberships. */
  TEST_CLOCK_FULL: {
    status: 409,
    es: 'El reloj de prueba ya tiene el máximo de membresías; crea otro reloj.',
    en: 'The test clock already holds the most memberships it may; create another clock.',
  },
});

declare module '../../lib/errors.ts' {
  interface ErrorCodes extends CodesOf<typeof TestClockErrors> {}
}
