import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { problemResponses } from '../../platform/openapi.ts';
import { STAFF_ROLES, USER_ROLES } from '../../platform/principal.ts';
import { AddressQuerySchema, GeocodeAnswer, PostalCodeInfoSchema, PostalCodeParams } from './schemas.ts';
import type { PlacesService } from './service.ts';

export const placesRoutes: FastifyPluginAsyncTypebox<{ places: PlacesService }> = async (app, { places }) => {
  app.get(
    '/v1/places/postal-codes/:cp',
    {
      // Address entry everywhere: the agent's call, the portal, the provider app, partners' forms.
      config: {
        policy: { allow: [...USER_ROLES, 'scope:cases:write', 'scope:memberships:write'], record: 'none' },
      },
      schema: {
        tags: ['places'],
        summary:
          'A Mexican postal code: its state, municipality, colonias to pick from and point, with the point’s precision',
        params: PostalCodeParams,
        response: { 200: PostalCodeInfoSchema, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => places.postalCode(request.params.cp),
  );

  app.post(
    '/v1/places/geocode',
    {
      config: { policy: { allow: [...STAFF_ROLES, 'customer', 'scope:cases:write'], record: 'none' } },
      schema: {
        tags: ['places'],
        summary:
          'Place an address: its point, how precise that point is (exact, street, postal code, municipality, state) and the address as understood; 422 ADDRESS_NOT_FOUND says why not',
        body: AddressQuerySchema,
        response: { 200: GeocodeAnswer, ...problemResponses(400, 401, 403, 422, 503) },
      },
    },
    async (request) => {
      const { point, precision, normalised } = await places.geocode(request.body);
      return { point, precision, normalised };
    },
  );
};
