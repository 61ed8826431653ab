/** Requesting assistance, following a case live, complaints and cancellation (portal). */
export const es = {
  'assistance.heading': 'Solicitar asistencia',
};

export const en: Record<keyof typeof es, string> = {
  'assistance.heading': 'Request assistance',
};
