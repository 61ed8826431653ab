import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { PUBLIC } from './principal.ts';

export const WebConfigView = Type.Object({
  mapStyleUrl: Type.Union([Type.String({ format: 'uri' }), Type.Null()], {
    description: 'The MapLibre style the case pages draw their maps with; null: no map (MAP_STYLE_URL)',
  }),
  mapAttribution: Type.Union([Type.String(), Type.Null()], {
    description: "Plain text to credit on every map beside the style's own attribution (MAP_ATTRIBUTION)",
  }),
  paymentMode: Type.Union([Type.Literal('sandbox'), Type.Literal('live')], {
    description:
      'sandbox: the card processor takes test cards only (PAYMENT_GATEWAY=sandbox); contracting says so',
  }),
});

/** The answer's shape, for the web apps (a type-only import: src/web reads nothing else of here). */
export type WebConfig = Static<typeof WebConfigView>;

export interface WebSettings {
  mapStyleUrl: string | undefined;
  mapAttribution: string | undefined;
  paymentMode: 'sandbox' | 'live';
}

/**
 * `GET /v1/web-config`: the operator's settings the web apps need at run time, the same for
 * everyone (public, cached five minutes by browsers), so the built web stays one build for every
 * deployment. Today: whether there is a map, and with which style, and whether payments are the
 * processor's test mode (contracting then says test cards only).
 */
export async function webConfigRoutes(app: FastifyInstance, settings: WebSettings) {
  const answer = {
    mapStyleUrl: settings.mapStyleUrl ?? null,
    mapAttribution: settings.mapAttribution ?? null,
    paymentMode: settings.paymentMode,
  };
  app.get(
    '/v1/web-config',
    {
      schema: {
        tags: ['platform'],
        summary: "The web apps' run-time settings (the map's style, the payments' test mode)",
        response: { 200: WebConfigView },
      },
      config: { policy: PUBLIC },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return answer;
    },
  );
}
