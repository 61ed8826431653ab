import { readFileSync } from 'node:fs';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { type Config, invoicingSettings } from './config.ts';
import { type DatabaseHandle, listen } from './db/client.ts';
import { primaryReads, type ReadSource } from './db/read-replica.ts';
import { InvitationsService } from './domains/activation/invitations.ts';
import { InvitationsRepository } from './domains/activation/invitations-repository.ts';
import { invitationRoutes } from './domains/activation/invitations-routes.ts';
import { ActivationRepository } from './domains/activation/repository.ts';
import { activationRoutes } from './domains/activation/routes.ts';
import { ActivationService } from './domains/activation/service.ts';
import { AppointmentFulfilment } from './domains/appointments/fulfilment.ts';
import { AppointmentsRepository } from './domains/appointments/repository.ts';
import { appointmentsRoutes } from './domains/appointments/routes.ts';
import { AppointmentsService } from './domains/appointments/service.ts';
import { opposedPurposes } from './domains/arco/read-model.ts';
import { ArcoRepository } from './domains/arco/repository.ts';
import { arcoRoutes } from './domains/arco/routes.ts';
import { ArcoService } from './domains/arco/service.ts';
import { AuditRepository } from './domains/audit/repository.ts';
import { auditRoutes } from './domains/audit/routes.ts';
import { AuditService } from './domains/audit/service.ts';
import { directDebitRoutes } from './domains/billing/direct-debit-routes.ts';
import { BillingMessages } from './domains/billing/messages.ts';
import { BillingRepository } from './domains/billing/repository.ts';
import { billingRoutes } from './domains/billing/routes.ts';
import { closeSchedule, openSchedule, openSchedules } from './domains/billing/schedule-rows.ts';
import { BillingService } from './domains/billing/service.ts';
import { CancellationRepository } from './domains/cancellation/repository.ts';
import { cancellationRoutes } from './domains/cancellation/routes.ts';
import { CancellationService } from './domains/cancellation/service.ts';
import { CaseKernel } from './domains/cases/kernel.ts';
import { CaseEventsHub } from './domains/cases/live.ts';
import { LocationLinksService } from './domains/cases/location-links.ts';
import { LocationLinksRepository } from './domains/cases/location-links-repository.ts';
import { locationLinksRoutes } from './domains/cases/location-links-routes.ts';
import { CaseMessages } from './domains/cases/messages.ts';
import { CasesRepository } from './domains/cases/repository.ts';
import { casesRoutes } from './domains/cases/routes.ts';
import { CasesService } from './domains/cases/service.ts';
import { CatalogRepository } from './domains/catalog/repository.ts';
import { catalogRoutes } from './domains/catalog/routes.ts';
import { CatalogService } from './domains/catalog/service.ts';
import { ClaimFulfilment } from './domains/claims/fulfilment.ts';
import { ClaimsRepository } from './domains/claims/repository.ts';
import { claimsRoutes } from './domains/claims/routes.ts';
import { ClaimsService } from './domains/claims/service.ts';
import { ComplaintsRepository } from './domains/complaints/repository.ts';
import { complaintsRoutes } from './domains/complaints/routes.ts';
import { ComplaintsService } from './domains/complaints/service.ts';
import { providerExists } from './domains/dispatch/read-model.ts';
import { DispatchRepository } from './domains/dispatch/repository.ts';
import { dispatchRoutes } from './domains/dispatch/routes.ts';
import { DispatchService } from './domains/dispatch/service.ts';
import { EntitlementsRepository } from './domains/entitlements/repository.ts';
import { entitlementsRoutes } from './domains/entitlements/routes.ts';
import { EntitlementsService } from './domains/entitlements/service.ts';
import { EVENTS_CHANNEL, EventLog } from './domains/events/log.ts';
import { EventsRepository } from './domains/events/repository.ts';
import { eventsRoutes } from './domains/events/routes.ts';
import { EventsService } from './domains/events/service.ts';
import { WebhookDelivery } from './domains/events/webhook-delivery.ts';
import { WebhookEndpointsService } from './domains/events/webhook-endpoints.ts';
import { HttpWebhookSender, type WebhookSender } from './domains/events/webhook-http.ts';
import { WebhooksRepository } from './domains/events/webhooks-repository.ts';
import { ApiKeysService } from './domains/identity/api-keys.ts';
import { liveApiKeyIds } from './domains/identity/read-model.ts';
import { API_KEY_REVOKED_CHANNEL, IdentityRepository } from './domains/identity/repository.ts';
import { identityRoutes } from './domains/identity/routes.ts';
import { IdentityService } from './domains/identity/service.ts';
import { SessionsService } from './domains/identity/sessions.ts';
import { SignInThrottle } from './domains/identity/throttle.ts';
import { ImportsRepository } from './domains/imports/repository.ts';
import { importsRoutes } from './domains/imports/routes.ts';
import { ImportsService } from './domains/imports/service.ts';
import { createPac, type PacPort, type PacSettings, prepareIssuer } from './domains/invoicing/cfdi/index.ts';
import { InvoicingRepository } from './domains/invoicing/repository.ts';
import { invoicingRoutes } from './domains/invoicing/routes.ts';
import { SandboxPacRepository } from './domains/invoicing/sandbox-pac-repository.ts';
import { InvoicingService } from './domains/invoicing/service.ts';
import { BankSalesService } from './domains/members/bank-sales.ts';
import { BeneficiariesService } from './domains/members/beneficiaries.ts';
import { ContractingService } from './domains/members/contracting.ts';
import { PersonAccounts } from './domains/members/person-accounts.ts';
import { PersonAccountsRepository } from './domains/members/person-accounts-repository.ts';
import { PersonalDataService } from './domains/members/personal-data.ts';
import {
  consentsOf,
  membershipChannels,
  membershipCountsByPlanVersion,
} from './domains/members/read-model.ts';
import { MembershipRecords } from './domains/members/records.ts';
import { MembersRepository } from './domains/members/repository.ts';
import { membersRoutes } from './domains/members/routes.ts';
import { MembersService } from './domains/members/service.ts';
import { VerificationRepository } from './domains/members/verification-repository.ts';
import { VerificationsService } from './domains/members/verifications.ts';
import { type Channel, SmtpChannel } from './domains/notifications/channels.ts';
import { registerOutboxMetrics } from './domains/notifications/metrics.ts';
import { MessageLinks, Notifier } from './domains/notifications/notifier.ts';
import { OUTBOX_QUEUE, Outbox } from './domains/notifications/outbox.ts';
import { NotificationsRepository } from './domains/notifications/repository.ts';
import { notificationsRoutes } from './domains/notifications/routes.ts';
import { NotificationsService } from './domains/notifications/service.ts';
import { SmppChannel } from './domains/notifications/smpp.ts';
import { welcomeMessenger, welcomesMessenger } from './domains/notifications/welcome.ts';
import { OnsiteFulfilment } from './domains/onsite/fulfilment.ts';
import { ProviderJobsService } from './domains/onsite/provider-jobs.ts';
import { onsiteRoutes } from './domains/onsite/routes.ts';
import { OnsiteService } from './domains/onsite/service.ts';
import type { PaymentGateway } from './domains/payments/gateway.ts';
import { SandboxRepository } from './domains/payments/repository.ts';
import { sandboxRoutes } from './domains/payments/routes.ts';
import { SandboxGateway } from './domains/payments/sandbox.ts';
import type { Geocoder } from './domains/places/geocoder.ts';
import { FallbackGeocoder, NominatimGeocoder } from './domains/places/nominatim-geocoder.ts';
import { OfflineGeocoder } from './domains/places/offline-geocoder.ts';
import { placesRoutes } from './domains/places/routes.ts';
import { EstimateRouter, OsrmRouter, type Router } from './domains/places/routing.ts';
import { PlacesService } from './domains/places/service.ts';
import { remoteFulfilment } from './domains/remote/fulfilment.ts';
import { RemoteRepository } from './domains/remote/repository.ts';
import { remoteRoutes } from './domains/remote/routes.ts';
import { RemoteService } from './domains/remote/service.ts';
import { registerOperationsMetrics } from './domains/reports/metrics.ts';
import { ReportsRepository } from './domains/reports/repository.ts';
import { reportsRoutes } from './domains/reports/routes.ts';
import { ReportsService } from './domains/reports/service.ts';
import { clockedRecorder } from './domains/test-clocks/clocked.ts';
import { TestClocksRepository } from './domains/test-clocks/repository.ts';
import { testClocksRoutes } from './domains/test-clocks/routes.ts';
import { TestClocksService } from './domains/test-clocks/service.ts';
import { ELECTION_DAYS, mexicanHolidayCalendar } from './lib/business-days.ts';
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
import { IdempotencyRepository } from './platform/idempotency/repository.ts';
import { IdempotencyService } from './platform/idempotency/service.ts';
import { Jobs } from './platform/jobs.ts';
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
export interface Services {
  appointments: AppointmentsService;
  audit: AuditService;
  billing: BillingService;
  cancellation: CancellationService;
  cases: CasesService;
  /** "Comparte tu ubicación": one-time links that set a case's place from the caller's phone. */
  locationLinks: LocationLinksService;
  catalog: CatalogService;
  claims: ClaimsService;
  complaints: ComplaintsService;
  arco: ArcoService;
  dispatch: DispatchService;
  entitlements: EntitlementsService;
  /** People's accounts. */
  identity: IdentityService;
  /** "Activa tu cuenta": phone and bank members get the titular's account with a one-time code. */
  activation: ActivationService;
  invitations: InvitationsService;
  /** Signing in and out, sessions, the CSRF token, changing one's own password. */
  sessions: SessionsService;
  /** API keys: the key behind a bearer token; creating, listing and revoking keys. */
  apiKeys: ApiKeysService;
  members: MembersService;
  /** CFDI invoices, credit notes, the global invoice and the customer's fiscal data. */
  invoicing: InvoicingService;
  /** Contracting a membership, and checking a contracting request first. */
  contracting: ContractingService;
  /** Partner files: the bank's members file. */
  imports: ImportsService;
  /** The people a membership covers besides its titular. */
  beneficiaries: BeneficiariesService;
  /** Agents' identity checks of callers before a membership's details. */
  verifications: VerificationsService;
  payments: PaymentGateway;
  jobs: Jobs;
  /** Delivers the messages owed to people through the configured channels. */
  outbox: Outbox;
  /** Writes the messages owed to people, in the transaction of the change they tell about. */
  notifier: Notifier;
  /** A member's messages and their delivery, re-sending one, and the member's choices. */
  notifications: NotificationsService;
  /** The dispatch fulfilment: offers, the hand assignment, the excess. */
  onsite: OnsiteService;
  /** The provider's side of its cases: offers to decide, jobs, progress, position. */
  providerJobs: ProviderJobsService;
  remote: RemoteService;
  reports: ReportsService;
  /** Addresses → points with their precision: the bundled data, or Nominatim backed by it. */
  geocoder: Geocoder;
  /** Road distance and travel time: the straight-line estimate, or OSRM backed by it. */
  routing: Router;
  /** The places API: postal codes and addresses placed. */
  places: PlacesService;
  /** The event log's writer, handed to every domain that tells partners of its changes. */
  eventLog: EventLog;
  /** Reading the event log (`GET /v1/events`). */
  events: EventsService;
  /** A partner's webhook endpoints, their delivery log and replays. */
  webhooks: WebhookEndpointsService;
  /** Fans the log out to webhook endpoints and sends the deliveries. */
  webhookDelivery: WebhookDelivery;
  /** Sandbox: test clocks, their memberships' time and its advances. */
  testClocks: TestClocksService;
  /** The clock every service reads "now" from. */
  clock: Clock;
}

export interface ServiceOptions {
  offerTimeoutSeconds: number;
  /** Run job workers in this process (sending jobs needs none). */
  jobWorkers: boolean;
  jobPollSeconds: number;
  billing: {
    retryDays: number[];
    batchSize: number;
    concurrency: number;
    /** Cron (Mexico City) of the daily run. */
    schedule: string;
    /** The longest a claim holds charges (a dead run's are let go at once). */
    claimSeconds: number;
    /** How often a run writes its heartbeat. */
    heartbeatSeconds: number;
    /** Debit cards: charged through the processor, or collected by the bank's files. */
    directDebit?: 'gateway' | 'file';
  };
  /** Sandbox processor: delay of every call, in milliseconds. */
  sandboxLatencyMs: number;
  /** Test clocks are offered (config TEST_CLOCKS: sandbox gateway, not production); unset, not. */
  testClocks?: boolean;
  /** Business days from a complaint's filing to its due date. */
  complaintSlaBusinessDays: number;
  /** Rest days besides the official ones (election days), for the ARCO term. */
  extraHolidays: string[];
  /** Demo data is allowed (LIBRA_SEED_DEMO): the demo seed may give its accounts the demo password. */
  demoAccounts: boolean;
  /** Where heavy reads run: a streaming replica (ReplicaReads) or, when absent, the primary. */
  reads?: ReadSource;
  /** Email over SMTP; unset, no email channel (messages are kept, marked unconfigured). */
  smtp?: { url: string; from: string };
  /** SMS over SMPP; unset, no SMS channel (messages are kept, marked unconfigured). */
  smpp?: { url: string; senderId: string };
  /** The address people reach Libra at: the links in messages start with it. */
  publicUrl: string;
  /** A self-hosted Nominatim; unset, the bundled postal-code data alone places addresses. */
  geocoderUrl?: string;
  /** A self-hosted OSRM; unset, travel is estimated from the straight line. */
  routingUrl?: string;
  /** The CFDI issuer and its CSD (config); unset, the demo issuer with the SAT's test CSD. */
  invoicing?: Config['invoicing'];
  /** The PAC stamping documents; unset, the one `pacSettings` names (tests hand in one that times out). */
  pac?: PacPort;
  /** Which PAC (config PAC, PAC_URL…); unset, the sandbox. */
  pacSettings?: PacSettings;
  /** Webhook delivery; unset, no loopback or private endpoints and 10 s a delivery. */
  webhooks?: {
    /** Endpoints on loopback or private networks are allowed (never in production). */
    allowPrivate: boolean;
    /** Only https endpoints (production). */
    requireHttps: boolean;
    timeoutMs: number;
    /** How deliveries are posted; unset, over HTTP (tests may count or fail them). */
    sender?: WebhookSender;
    /** The clock `webhook-timestamp` is read from; unset, the system's (receivers check it against theirs). */
    signingClock?: Clock;
  };
}

const DEFAULT_SERVICE_OPTIONS: ServiceOptions = {
  offerTimeoutSeconds: 120,
  jobWorkers: false,
  jobPollSeconds: 2,
  billing: {
    retryDays: [1, 3, 7],
    batchSize: 2000,
    concurrency: 256,
    schedule: '5 0 * * *',
    claimSeconds: 300,
    heartbeatSeconds: 5,
  },
  sandboxLatencyMs: 0,
  complaintSlaBusinessDays: 5,
  extraHolidays: [],
  demoAccounts: false,
  publicUrl: 'http://localhost:3000',
};

const DEFAULT_WEBHOOKS: NonNullable<ServiceOptions['webhooks']> = {
  allowPrivate: false,
  requireHttps: false,
  timeoutMs: 10_000,
};

export function serviceOptionsOf(config: Config): ServiceOptions {
  return {
    offerTimeoutSeconds: config.offerTimeoutSeconds,
    jobWorkers: config.jobWorkers,
    jobPollSeconds: config.jobPollSeconds,
    billing: {
      retryDays: config.billingRetryDays,
      batchSize: config.billingBatchSize,
      concurrency: config.billingConcurrency,
      schedule: config.billingSchedule,
      claimSeconds: config.billingClaimSeconds,
      heartbeatSeconds: config.billingHeartbeatSeconds,
      directDebit: config.directDebit,
    },
    sandboxLatencyMs: config.sandboxLatencyMs,
    testClocks: config.testClocks,
    complaintSlaBusinessDays: config.complaintSlaBusinessDays,
    extraHolidays: config.extraHolidays,
    demoAccounts: config.seedDemo,
    publicUrl: config.publicUrl ?? `http://localhost:${config.port}`,
    ...(config.smtpUrl ? { smtp: { url: config.smtpUrl, from: config.mailFrom } } : {}),
    ...(config.smppUrl ? { smpp: { url: config.smppUrl, senderId: config.smsSenderId } } : {}),
    ...(config.geocoderUrl ? { geocoderUrl: config.geocoderUrl } : {}),
    ...(config.routingUrl ? { routingUrl: config.routingUrl } : {}),
    invoicing: config.invoicing,
    pacSettings: config.pac,
    webhooks: {
      allowPrivate: config.webhookAllowPrivateUrls,
      requireHttps: config.nodeEnv === 'production',
      timeoutMs: config.webhookTimeoutSeconds * 1000,
    },
  };
}

export function buildServices(
  database: DatabaseHandle,
  clock: Clock,
  options: ServiceOptions = DEFAULT_SERVICE_OPTIONS,
): Services {
  const db = database.db;
  // Heavy reads (the supervisor's report, finance's exports) go to the replica when there is one.
  const reads = options.reads ?? primaryReads(db);
  const audit = new AuditService(db, new AuditRepository(), clock);
  const catalogRepository = new CatalogRepository(membershipCountsByPlanVersion);
  const identityRepository = new IdentityRepository(providerExists);
  const identity = new IdentityService(db, identityRepository, audit, clock, {
    demoAccounts: options.demoAccounts,
  });
  const throttle = new SignInThrottle(db, identityRepository, audit);
  const sessions = new SessionsService(db, identityRepository, throttle, audit, clock);
  const apiKeys = new ApiKeysService(db, identityRepository, audit, clock);
  // The only adapter so far; PAYMENT_GATEWAY will choose here when a real processor arrives.
  const payments = new SandboxGateway(db, new SandboxRepository(), clock, {
    latencyMs: options.sandboxLatencyMs,
  });
  const idempotency = new IdempotencyService(new IdempotencyRepository(), clock);
  const membersRepository = new MembersRepository({
    open: openSchedule,
    openMany: openSchedules,
    close: closeSchedule,
  });
  const verificationRepository = new VerificationRepository();
  const membershipRecords = new MembershipRecords(membersRepository, audit, clock, verificationRepository);
  // The event log every domain writes through in its own transactions; it asks members for each
  // membership's sales channel (who may read the event).
  const eventsRepository = new EventsRepository();
  const eventLog = new EventLog(eventsRepository, clock, membershipChannels);
  const members = new MembersService(
    db,
    membersRepository,
    membershipRecords,
    payments,
    audit,
    clock,
    eventLog,
  );
  members.readExportsFrom(reads);
  const verifications = new VerificationsService(
    db,
    verificationRepository,
    membersRepository,
    membershipRecords,
    audit,
    clock,
  );
  // Messages owed to people are the notifications domain's: others write them through its Notifier.
  const jobs = new Jobs(database, { workers: options.jobWorkers, pollSeconds: options.jobPollSeconds });
  const notifications = new NotificationsRepository();
  const links = new MessageLinks(options.publicUrl);
  const notifier = new Notifier(notifications, clock, links, (executor, at) =>
    jobs.nudge(executor, OUTBOX_QUEUE, at),
  );
  /** Sandbox: a test clock's messages, written as `test` at the clock's time and never delivered. */
  const testNotifier = (at: Clock) => new Notifier(notifications, at, links, undefined, true);
  let testClocks: TestClocksService | undefined;
  const contracting = new ContractingService(
    db,
    membersRepository,
    membershipRecords,
    catalogRepository,
    identity,
    payments,
    audit,
    idempotency,
    clock,
    welcomeMessenger(notifier, notifications, clock, testNotifier(clock)),
    eventLog,
    // Sandbox: contracting on a test clock asks the clock's time (the service is made below).
    (executor, actor, testClockId) => {
      if (!testClocks) throw new Error('test clocks asked before they were made');
      return testClocks.timeForContract(executor, actor, testClockId);
    },
  );
  // The bank's members file: sales checked and written as contracting does, a batch at a time.
  const bankSales = new BankSalesService(
    db,
    membersRepository,
    catalogRepository,
    payments,
    audit,
    clock,
    eventLog,
    welcomesMessenger(notifier),
  );
  const imports = new ImportsService(db, new ImportsRepository(), bankSales, audit, clock);
  const beneficiaries = new BeneficiariesService(db, membersRepository, membershipRecords, audit, clock);
  // Beneficiaries' own accounts: invitations link them, entitlements and complaints ask who they stand for.
  const personAccounts = new PersonAccounts(new PersonAccountsRepository(), membershipRecords, audit, clock);
  const entitlements = new EntitlementsService(
    db,
    new EntitlementsRepository(),
    members,
    membersRepository,
    catalogRepository,
    audit,
    clock,
    personAccounts,
  );
  const channels: Channel[] = options.smtp ? [new SmtpChannel(options.smtp)] : [];
  if (options.smpp) {
    const sms = new SmppChannel(options.smpp, clock);
    // A process that delivers holds its bind from the start, so receipts arrive before it sends;
    // one that only sends jobs (a CLI command) binds only if it ever sends an SMS.
    if (options.jobWorkers) sms.open();
    channels.push(sms);
  }
  const outbox = new Outbox(db, notifications, channels, clock);
  const notificationsService = new NotificationsService(
    db,
    notifications,
    members,
    outbox,
    audit,
    idempotency,
    clock,
  );
  // The case kernel and the kinds of help plugged into it; dispatch is handed jobs, and asks the
  // kernel how many each provider holds.
  const casesRepository = new CasesRepository();
  // The bundled data is read on first use, not here: a start never waits for it.
  const offlineGeocoder = new OfflineGeocoder();
  const geocoder: Geocoder = options.geocoderUrl
    ? new FallbackGeocoder(new NominatimGeocoder(options.geocoderUrl), offlineGeocoder)
    : offlineGeocoder;
  // Ranking and ETAs use the routing port: a self-hosted router, or the road estimate.
  const routing: Router = options.routingUrl ? new OsrmRouter(options.routingUrl) : new EstimateRouter();
  const dispatch: DispatchService = new DispatchService(
    db,
    new DispatchRepository(),
    audit,
    jobs,
    clock,
    options.offerTimeoutSeconds,
    { activeJobs: (executor, providerIds) => kernel.activeJobs(executor, providerIds) },
    routing,
  );
  const kernel: CaseKernel = new CaseKernel(
    casesRepository,
    entitlements,
    audit,
    dispatch,
    clock,
    new CaseMessages(notifier, dispatch),
    eventLog,
  );
  const onsiteFulfilment = new OnsiteFulfilment(kernel, dispatch, clock);
  const appointmentsRepository = new AppointmentsRepository();
  const claimsRepository = new ClaimsRepository();
  kernel.register(onsiteFulfilment);
  kernel.register(new AppointmentFulfilment(appointmentsRepository, notifications));
  kernel.register(remoteFulfilment);
  kernel.register(new ClaimFulfilment(kernel, claimsRepository));
  const cases = new CasesService(
    db,
    kernel,
    casesRepository,
    entitlements,
    catalogRepository,
    audit,
    idempotency,
    clock,
    geocoder,
  );
  cases.readExportsFrom(reads);
  const locationLinks = new LocationLinksService(
    db,
    kernel,
    new LocationLinksRepository(),
    notifier,
    notificationsService,
    idempotency,
    clock,
    geocoder,
  );
  const onsite = new OnsiteService(db, kernel, onsiteFulfilment, dispatch, entitlements, clock);
  onsite.registerJobs(jobs);
  const providerJobs = new ProviderJobsService(db, kernel, dispatch, clock);
  const appointments = new AppointmentsService(
    db,
    kernel,
    appointmentsRepository,
    notifications,
    dispatch,
    catalogRepository,
    audit,
    clock,
  );
  const remote = new RemoteService(db, kernel, new RemoteRepository(), catalogRepository, audit, clock);
  const claims = new ClaimsService(db, kernel, claimsRepository, payments, clock);
  const billing = new BillingService(
    db,
    new BillingRepository(),
    members,
    payments,
    audit,
    clock,
    new BillingMessages(notifier),
    eventLog,
    { ...options.billing, reads },
  );
  // Sandbox: test clocks bill their memberships with a billing service of their own, in their time.
  testClocks = new TestClocksService(
    db,
    new TestClocksRepository(),
    clock,
    audit,
    members,
    billing,
    (testClockId, at) =>
      new BillingService(
        db,
        new BillingRepository(),
        members,
        payments,
        audit,
        at,
        new BillingMessages(testNotifier(at)),
        clockedRecorder(eventLog, testClockId, at),
        { ...options.billing, testClock: testClockId },
      ),
    { available: options.testClocks ?? false },
  );
  // A new card pays at once what the old one could not.
  members.onCardReplaced((actor, membershipId) => billing.retryAfterCardReplaced(actor, membershipId));
  billing.registerJobs(jobs, options.billing.schedule);
  const invoicingSetup = options.invoicing ?? invoicingSettings({});
  const invoicing = new InvoicingService(
    db,
    new InvoicingRepository(),
    billing,
    members,
    // The sandbox PAC keeps its stamps in the database: every process, and a restarted one, knows them.
    options.pac ??
      createPac(options.pacSettings ?? { name: 'sandbox' }, {
        clock,
        sandboxStore: new SandboxPacRepository(db),
      }),
    { prepared: prepareIssuer(invoicingSetup.issuer, invoicingSetup.csd, clock), jobs, events: eventLog },
    audit,
    clock,
  );
  // Every succeeded refund writes its credit note in the refund's transaction, in a savepoint: the
  // money went back already, so a credit note that cannot be made must not undo the refund's record.
  billing.onRefundSucceeded(async (tx, refund) => {
    try {
      await tx.transaction((savepoint) => invoicing.creditNoteFor(savepoint, refund));
    } catch (error) {
      process.emitWarning(`invoicing: no credit note for refund ${refund.id}: ${(error as Error).message}`);
    }
  });
  invoicing.registerJobs(jobs);
  // The payment email carries the receipt PDF, rendered by invoicing as of the message's writing.
  outbox.attachWith('charge_receipt', async (chargeId, asOf) => {
    const { pdf, fileName } = await invoicing.receipts.attachment(chargeId, asOf);
    return { filename: fileName, contentType: 'application/pdf', content: pdf };
  });
  const cancellation = new CancellationService(
    db,
    new CancellationRepository(),
    notifications,
    notifier,
    members,
    billing,
    audit,
    clock,
    notificationsService,
    eventLog,
  );
  cancellation.registerJobs(jobs);
  const complaints = new ComplaintsService(
    db,
    new ComplaintsRepository(),
    notifications,
    notifier,
    members,
    audit,
    idempotency,
    clock,
    eventLog,
    {
      slaBusinessDays: options.complaintSlaBusinessDays,
    },
  );
  complaints.registerJobs(jobs);
  const arcoRepository = new ArcoRepository();
  const arco: ArcoService = new ArcoService(
    db,
    arcoRepository,
    members,
    new PersonalDataService(membersRepository, membershipRecords, audit, clock),
    notifier,
    audit,
    idempotency,
    clock,
    mexicanHolidayCalendar([...ELECTION_DAYS, ...options.extraHolidays]),
    {
      membership: (actor, id) => members.get(actor, id),
      charges: (actor, id) => billing.chargesOfMembership(actor, id),
      cases: (actor, id) => cases.list(actor, { membershipId: id, limit: 1000 }),
      complaints: async (actor, id) => (await complaints.list(actor, { membershipId: id, limit: 500 })).data,
      messages: async (actor, id) => (await notificationsService.messagesOf(actor, id, 'es', 500)).data,
      consents: (id) => consentsOf(db, id),
      arcoRequests: (userId): Promise<unknown[]> => arco.ofUser(userId),
      oppositions: (id) => opposedPurposes(db, id),
    },
  );
  outbox.registerJobs(jobs);
  for (const channel of channels) channel.onReceipt?.((receipt) => outbox.recordReceipt(receipt));
  const webhookOptions = options.webhooks ?? DEFAULT_WEBHOOKS;
  const webhooksRepository = new WebhooksRepository();
  const webhooks = new WebhookEndpointsService(db, webhooksRepository, eventsRepository, audit, clock, {
    allowPrivate: webhookOptions.allowPrivate,
    requireHttps: webhookOptions.requireHttps,
  });
  webhooks.wakeWith(jobs);
  const webhookDelivery = new WebhookDelivery(
    db,
    webhooksRepository,
    eventsRepository,
    eventLog,
    audit,
    webhookOptions.sender ??
      new HttpWebhookSender({
        timeoutMs: webhookOptions.timeoutMs,
        allowPrivate: webhookOptions.allowPrivate,
      }),
    clock,
    webhookOptions.signingClock ?? systemClock,
    liveApiKeyIds,
  );
  webhookDelivery.registerJobs(jobs);
  return {
    notifier,
    notifications: notificationsService,
    appointments,
    audit,
    billing,
    cancellation,
    cases,
    locationLinks,
    catalog: new CatalogService(db, catalogRepository, clock, audit, idempotency),
    claims,
    complaints,
    arco,
    dispatch,
    entitlements,
    identity,
    activation: new ActivationService(
      db,
      new ActivationRepository(),
      members,
      identity,
      sessions,
      throttle,
      notifier,
      audit,
      clock,
    ),
    invitations: new InvitationsService(
      db,
      new InvitationsRepository(),
      personAccounts,
      identity,
      sessions,
      notifier,
      audit,
      clock,
    ),
    sessions,
    apiKeys,
    members,
    invoicing,
    contracting,
    imports,
    beneficiaries,
    verifications,
    payments,
    jobs,
    outbox,
    onsite,
    providerJobs,
    remote,
    reports: new ReportsService(reads, new ReportsRepository(), audit, clock),
    geocoder,
    routing,
    places: new PlacesService(geocoder),
    eventLog,
    events: new EventsService(db, eventsRepository, audit),
    webhooks,
    webhookDelivery,
    testClocks,
    clock,
  };
}

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
