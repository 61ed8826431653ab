/**
 * The composition root's first half: every domain's service, wired once. `buildServices` hands each
 * only what it needs (its repository, the clock, the services it calls); `buildApp` (src/app.ts)
 * then registers their routes. `libra serve`, the CLI commands and the tests all build through it.
 */
import { type Config, invoicingSettings } from './config.ts';
import type { DatabaseHandle } from './db/client.ts';
import { primaryReads, type ReadSource } from './db/read-replica.ts';
import { InvitationsService } from './domains/activation/invitations.ts';
import { InvitationsRepository } from './domains/activation/invitations-repository.ts';
import { ActivationRepository } from './domains/activation/repository.ts';
import { ActivationService } from './domains/activation/service.ts';
import { AppointmentFulfilment } from './domains/appointments/fulfilment.ts';
import { AppointmentsRepository } from './domains/appointments/repository.ts';
import { AppointmentsService } from './domains/appointments/service.ts';
import { opposedPurposes } from './domains/arco/read-model.ts';
import { ArcoRepository } from './domains/arco/repository.ts';
import { ArcoService } from './domains/arco/service.ts';
import { AuditRepository } from './domains/audit/repository.ts';
import { AuditService } from './domains/audit/service.ts';
import { BillingMessages } from './domains/billing/messages.ts';
import { BillingRepository } from './domains/billing/repository.ts';
import { closeSchedule, openSchedule, openSchedules } from './domains/billing/schedule-rows.ts';
import { BillingService } from './domains/billing/service.ts';
import { CancellationRepository } from './domains/cancellation/repository.ts';
import { CancellationService } from './domains/cancellation/service.ts';
import { CaseKernel } from './domains/cases/kernel.ts';
import { LocationLinksService } from './domains/cases/location-links.ts';
import { LocationLinksRepository } from './domains/cases/location-links-repository.ts';
import { CaseMessages } from './domains/cases/messages.ts';
import { CasesRepository } from './domains/cases/repository.ts';
import { CasesService } from './domains/cases/service.ts';
import { CatalogRepository } from './domains/catalog/repository.ts';
import { CatalogService } from './domains/catalog/service.ts';
import { ClaimFulfilment } from './domains/claims/fulfilment.ts';
import { ClaimsRepository } from './domains/claims/repository.ts';
import { ClaimsService } from './domains/claims/service.ts';
import { ComplaintsRepository } from './domains/complaints/repository.ts';
import { ComplaintsService } from './domains/complaints/service.ts';
import { providerExists } from './domains/dispatch/read-model.ts';
import { DispatchRepository } from './domains/dispatch/repository.ts';
import { DispatchService } from './domains/dispatch/service.ts';
import { EntitlementsRepository } from './domains/entitlements/repository.ts';
import { EntitlementsService } from './domains/entitlements/service.ts';
import { EventLog } from './domains/events/log.ts';
import { EventsRepository } from './domains/events/repository.ts';
import { EventsService } from './domains/events/service.ts';
import { WebhookDelivery } from './domains/events/webhook-delivery.ts';
import { WebhookEndpointsService } from './domains/events/webhook-endpoints.ts';
import { HttpWebhookSender, type WebhookSender } from './domains/events/webhook-http.ts';
import { WebhooksRepository } from './domains/events/webhooks-repository.ts';
import { ApiKeysService } from './domains/identity/api-keys.ts';
import { liveApiKeyIds } from './domains/identity/read-model.ts';
import { IdentityRepository } from './domains/identity/repository.ts';
import { IdentityService } from './domains/identity/service.ts';
import { SessionsService } from './domains/identity/sessions.ts';
import { SignInThrottle } from './domains/identity/throttle.ts';
import { ImportsRepository } from './domains/imports/repository.ts';
import { ImportsService } from './domains/imports/service.ts';
import { createPac, type PacPort, type PacSettings, prepareIssuer } from './domains/invoicing/cfdi/index.ts';
import { InvoicingRepository } from './domains/invoicing/repository.ts';
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
import { MembersService } from './domains/members/service.ts';
import { VerificationRepository } from './domains/members/verification-repository.ts';
import { VerificationsService } from './domains/members/verifications.ts';
import { type Channel, SmtpChannel } from './domains/notifications/channels.ts';
import { MessageLinks, Notifier } from './domains/notifications/notifier.ts';
import { OUTBOX_QUEUE, Outbox } from './domains/notifications/outbox.ts';
import { NotificationsRepository } from './domains/notifications/repository.ts';
import { NotificationsService } from './domains/notifications/service.ts';
import { SmppChannel } from './domains/notifications/smpp.ts';
import { welcomeMessenger, welcomesMessenger } from './domains/notifications/welcome.ts';
import { OnsiteFulfilment } from './domains/onsite/fulfilment.ts';
import { ProviderJobsService } from './domains/onsite/provider-jobs.ts';
import { OnsiteService } from './domains/onsite/service.ts';
import type { PaymentGateway } from './domains/payments/gateway.ts';
import { SandboxRepository } from './domains/payments/repository.ts';
import { SandboxGateway } from './domains/payments/sandbox.ts';
import type { Geocoder } from './domains/places/geocoder.ts';
import { FallbackGeocoder, NominatimGeocoder } from './domains/places/nominatim-geocoder.ts';
import { OfflineGeocoder } from './domains/places/offline-geocoder.ts';
import { EstimateRouter, OsrmRouter, type Router } from './domains/places/routing.ts';
import { PlacesService } from './domains/places/service.ts';
import { remoteFulfilment } from './domains/remote/fulfilment.ts';
import { RemoteRepository } from './domains/remote/repository.ts';
import { RemoteService } from './domains/remote/service.ts';
import { ReportsRepository } from './domains/reports/repository.ts';
import { ReportsService } from './domains/reports/service.ts';
import { clockedRecorder } from './domains/test-clocks/clocked.ts';
import { TestClocksRepository } from './domains/test-clocks/repository.ts';
import { TestClocksService } from './domains/test-clocks/service.ts';
import { ELECTION_DAYS, mexicanHolidayCalendar } from './lib/business-days.ts';
import { type Clock, systemClock } from './lib/clock.ts';
import { IdempotencyRepository } from './platform/idempotency/repository.ts';
import { IdempotencyService } from './platform/idempotency/service.ts';
import { Jobs } from './platform/jobs.ts';

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
    /** Charges and notices a run takes a second; 0 or unset: unpaced. */
    pace?: number;
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

export const DEFAULT_SERVICE_OPTIONS: ServiceOptions = {
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
      pace: config.billingRunPace,
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
