import { defineErrors } from '../../lib/errors.ts';

export const CatalogErrors = defineErrors({
  /** No plan with that code, or none of its versions is in effect yet. */
  PLAN_NOT_FOUND: {
    status: 404,
    es: 'No encontramos ese plan. Consulta los planes disponibles.',
    en: 'We could not find that plan. See the available plans.',
  },
});
