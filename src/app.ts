import { readFileSync } from 'node:fs';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { type DatabaseHandle, listen } from './db/client.ts';
import { invitationRoutes } from './domains/activation/invitations-routes.ts';
import { activationRoutes } from './domains/activation/routes.ts';
import { appointmentsRoutes } from './domains/appointments/routes.ts';
import { arcoRoutes } from './domains/arco/routes.ts';
import { auditRoutes } from './domains/audit/routes.ts';
import { directDebitRoutes } from './domains/billing/direct-debit-routes.ts';
import { billingRoutes } from './domains/billing/routes.ts';
import { cancellationRoutes } from './domains/cancellation/routes.ts';
import { CaseEventsHub } from './domains/cases/live.ts';
import { locationLinksRoutes } from './domains/cases/location-links-routes.ts';
import { casesRoutes } from './domains/cases/routes.ts';
import { catalogRoutes } from './domains/catalog/routes.ts';
import { claimsRoutes } from './domains/claims/routes.ts';
import { complaintsRoutes } from './domains/complaints/routes.ts';
import { dispatchRoutes } from './domains/dispatch/routes.ts';
import { entitlementsRoutes } from './domains/entitlements/routes.ts';
import { EVENTS_CHANNEL } from './domains/events/log.ts';
import { eventsRoutes } from './domains/events/routes.ts';
import { API_KEY_REVOKED_CHANNEL } from './domains/identity/repository.ts';
import { identityRoutes } from './domains/identity/routes.ts';
import { importsRoutes } from './domains/imports/routes.ts';
import { invoicingRoutes } from './domains/invoicing/routes.ts';
import { membersRoutes } from './domains/members/routes.ts';
import { registerOutboxMetrics } from './domains/notifications/metrics.ts';
import { notificationsRoutes } from './domains/notifications/routes.ts';
import { onsiteRoutes } from './domains/onsite/routes.ts';
import { sandboxRoutes } from './domains/payments/routes.ts';
import { placesRoutes } from './domains/places/routes.ts';
import { remoteRoutes } from './domains/remote/routes.ts';
import { registerOperationsMetrics } from './domains/reports/metrics.ts';
import { reportsRoutes } from './domains/reports/routes.ts';
import { testClocksRoutes } from './domains/test-clocks/routes.ts';
import { containsCardNumber } from './lib/card-numbers.ts';
import { type Clock, systemClock } from './lib/clock.ts';
import { newId } from './lib/ids.ts';
import { authPlugin } from './platform/auth.ts';
import { cacheControlPlugin } from './platform/cache-control.ts';
import { cardGuardPlugin, serializeRequestWithoutCardNumbers } from './platform/card-guard.ts';
import { contentSecurityDirectives } from './platform/content-security.ts';
import { loggableError } from './platform/error-log.ts';
import { clientErrorHandler, frameworkErrors } from './platform/framework-errors.ts';
import { healthRoutes } from './platform/health.ts';
import { jsonBodyPlugin } from './platform/json-body.ts';
import { metricsPlugin } from './platform/metrics.ts';
import { openApiPlugin } from './platform/openapi.ts';
import { problemPlugin } from './platform/problem.ts';
import { rateLimitSettings } from './platform/rate-limits.ts';
import { textGuardPlugin } from './platform/text-guard.ts';
import { buildValidator } from './platform/validation.ts';
import { browserNotFound, webRoutes } from './platform/web.ts';
import { WEB_DIST_DIR } from './platform/web-build.ts';
import { webConfigRoutes } from './platform/web-config.ts';

export { buildServices, type ServiceOptions, type Services, serviceOptionsOf } from './services.ts';

import { buildServices, type Services, serviceOptionsOf } from './services.ts';

export const VERSION: string = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
).version;

export interface AppDependencies {
  config: Config;
  database: DatabaseHandle;
  clock?: Clock;
  /** Where log lines go instead of stdout (tests read them). */
  logStream?: { write(line: string): void };
  /** Services already built (tests share them with the app); built from the config otherwise. */
  services?: Services;
  /** The built customer web (index.html and assets/); dist/web unless a test gives its own. */
  webDir?: string;
}

/** The services every domain's routes are built from; one instance of each per app. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Builds the HTTP app: external plugins → platform plugins → domains. Nothing here listens or
 * migrates; `serve` does that, and tests inject requests straight into the returned instance.
 */
export async function buildApp({
  config,
  database,
  clock = systemClock,
  logStream,
  services: given,
  webDir = WEB_DIST_DIR,
}: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      serializers: { req: serializeRequestWithoutCardNumbers },
      ...(logStream ? { stream: logStream } : {}),
    },
    bodyLimit: config.bodyLimitBytes,
    // A caller's own request id is kept (so a partner can correlate), a missing or odd one replaced.
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      // A request id is in every log line: one that holds a card number is replaced too.
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) && !containsCardNumber(incoming)
        ? incoming
        : newId();
    },
    // Only the configured balancers' X-Forwarded-For is believed (TRUST_PROXY); none by default.
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
    // A JSON body is validated as sent; the query string and path parameters are coerced from text.
    schemaController: { compilersFactory: { buildValidator: buildValidator() } },
    // The router's and Node's HTTP parser's refusals answer problem+json like the rest.
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // External plugins.
  await app.register(helmet, {
    contentSecurityPolicy: {
      // A configured map opens connect-src to its style's hosts (src/platform/content-security.ts).
      directives: contentSecurityDirectives({
        styleUrl: config.mapStyleUrl,
        connectSrc: config.mapConnectSrc,
      }),
    },
  });
  if (config.corsOrigins.length > 0)
    await app.register(cors, { origin: config.corsOrigins, credentials: true });
  // Per API key, per signed-in person, per address for anyone else (src/platform/rate-limits.ts).
  await app.register(
    rateLimit,
    rateLimitSettings({
      publicPerMinute: config.publicRateLimitPerMinute,
      partnerPerMinute: config.partnerRateLimitPerMinute,
      userPerMinute: config.userRateLimitPerMinute,
    }),
  );

  // Platform plugins.
  const services = given ?? buildServices(database, clock, serviceOptionsOf(config));
  // Keys revoked by any process are forgotten here at once.
  const unlisten = await listen(database, API_KEY_REVOKED_CHANNEL, (prefix) =>
    services.apiKeys.forgetApiKey(prefix),
  );
  const hub = new CaseEventsHub();
  await hub.start(database);
  // Events committed by any process wake this one's webhook fan-out (where it has workers).
  const unlistenEvents = config.jobWorkers
    ? await listen(database, EVENTS_CHANNEL, () => services.webhookDelivery.wake())
    : async () => {};
  // Started before any request: jobs are sent inside requests' transactions, and PGlite's one
  // connection would be held by the transaction that waits for pg-boss to start. Jobs scheduled
  // before a restart (offer expiries) run once workers are back.
  await services.jobs.start();
  app.addHook('onClose', async () => {
    await unlisten();
    await unlistenEvents();
    await services.webhookDelivery.whenIdle();
    await hub.stop();
    await services.billing.drain();
    await services.jobs.stop();
    await services.outbox.close();
  });
  await app.register(problemPlugin, { browserNotFound: browserNotFound(webDir) });
  await app.register(cacheControlPlugin);
  await app.register(jsonBodyPlugin);
  await app.register(authPlugin, {
    identity: {
      authenticateApiKey: (key) => services.apiKeys.authenticateApiKey(key),
      authenticateSession: (token) => services.sessions.authenticateSession(token),
      verifyCsrf: (token, presented) => services.sessions.verifyCsrf(token, presented),
    },
  });
  await app.register(cardGuardPlugin);
  await app.register(textGuardPlugin);
  await app.register(metricsPlugin);
  registerOutboxMetrics(services.outbox, app.metrics);
  registerOperationsMetrics(app.metrics, {
    database,
    clock: services.clock,
    queues: () => services.jobs.queueNames(),
    streams: () => hub.streams(),
    onBillingRunFinished: (listener) => services.billing.onRunFinished(listener),
    onError: (family, error) =>
      app.log.warn({ err: loggableError(error), family }, 'metrics: a family could not be read'),
  });
  await app.register(openApiPlugin, { version: VERSION });
  await app.register(healthRoutes, { database, version: VERSION, jobs: services.jobs });
  await app.register(webConfigRoutes, {
    mapStyleUrl: config.mapStyleUrl,
    mapAttribution: config.mapAttribution,
    // Only the sandbox processor exists today; a real one (PAYMENT_GATEWAY) will answer 'live'.
    paymentMode: config.paymentGateway === 'sandbox' ? 'sandbox' : 'live',
  });

  // Domains.
  await app.register(catalogRoutes, { catalog: services.catalog });
  await app.register(identityRoutes, {
    identity: services.identity,
    sessions: services.sessions,
    apiKeys: services.apiKeys,
  });
  await app.register(activationRoutes, { activation: services.activation });
  await app.register(invitationRoutes, { invitations: services.invitations });
  await app.register(auditRoutes, { audit: services.audit });
  await app.register(membersRoutes, {
    members: services.members,
    contracting: services.contracting,
    beneficiaries: services.beneficiaries,
    verifications: services.verifications,
  });
  await app.register(entitlementsRoutes, { entitlements: services.entitlements });
  await app.register(casesRoutes, { cases: services.cases, hub });
  await app.register(locationLinksRoutes, { locationLinks: services.locationLinks });
  await app.register(claimsRoutes, { claims: services.claims });
  await app.register(billingRoutes, { billing: services.billing });
  await app.register(directDebitRoutes, { billing: services.billing });
  await app.register(importsRoutes, { imports: services.imports });
  await app.register(invoicingRoutes, { invoicing: services.invoicing });
  await app.register(cancellationRoutes, { cancellation: services.cancellation });
  await app.register(complaintsRoutes, { complaints: services.complaints });
  await app.register(arcoRoutes, { arco: services.arco });
  await app.register(notificationsRoutes, { notifications: services.notifications });
  await app.register(dispatchRoutes, { dispatch: services.dispatch });
  await app.register(onsiteRoutes, { onsite: services.onsite, jobs: services.providerJobs });
  await app.register(appointmentsRoutes, { appointments: services.appointments });
  await app.register(remoteRoutes, { remote: services.remote });
  await app.register(reportsRoutes, { reports: services.reports });
  await app.register(placesRoutes, { places: services.places });
  await app.register(eventsRoutes, { events: services.events, webhooks: services.webhooks });
  await app.register(testClocksRoutes, { testClocks: services.testClocks });
  if (config.paymentGateway === 'sandbox') await app.register(sandboxRoutes, { payments: services.payments });
  await app.register(webRoutes, {
    dir: webDir,
    // The plan page's data, as GET /v1/plans/{code} and GET /v1/plans answer it (JSON, as the app reads it).
    planPage: async (code: string) =>
      JSON.parse(
        JSON.stringify({
          plan: await services.catalog.getPlan(code),
          plans: await services.catalog.listPlans(),
        }),
      ),
  });

  return app;
}
