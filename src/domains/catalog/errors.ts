import { type CodesOf, defineErrors } from '../../lib/errors.ts';

export const CatalogErrors = defineErrors({
  /** No plan with that code, or none of its versions is in effect yet. */
  PLAN_NOT_FOUND: {
    status: 404,
    es: 'No encontramos ese plan. Consulta los planes disponibles.',
    en: 'We could not find that plan. See the available plans.',
  },
  /** A new version names a service the catalog does not have (add the service first); `errors` says which. */
  CATALOG_SERVICE_UNKNOWN: {
    status: 422,
    es: 'La versión incluye un servicio que no existe en el catálogo. Revisa los servicios marcados.',
    en: 'The version includes a service the catalog does not have. Check the listed services.',
  },
  /** A new version lists the same service twice. */
  CATALOG_SERVICE_REPEATED: {
    status: 422,
    es: 'La versión incluye el mismo servicio más de una vez. Deja solo uno.',
    en: 'The version lists the same service more than once. Keep only one.',
  },
  /** A new version would start before now or before the plan's latest version (which would then never apply). */
  CATALOG_VERSION_DATE_INVALID: {
    status: 422,
    es: 'La nueva versión debe entrar en vigor a partir de ahora y no antes que la última versión del plan.',
    en: "The new version must take effect from now on, and not before the plan's latest version.",
  },
});

declare module '../../lib/errors.ts' {
  interface ErrorCodes extends CodesOf<typeof CatalogErrors> {}
}
