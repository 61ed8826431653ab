import { PLANS, SERVICES } from '../domains/catalog/seed-data.ts';
import { inMexicoCity } from '../lib/clock.ts';
import { DESCRIPTIONS, placeIn, vehicle } from './people.ts';
import { type HistoryContext, later, type SimMember } from './timeline.ts';

/** How often each service is asked for, relative to the others (a tow or a doctor's call most). */
const SERVICE_WEIGHTS: Record<string, number> = {
  'tow-truck': 30,
  'online-doctor': 24,
  'home-plumbing': 7,
  'home-locksmith': 6,
  'legal-advice': 6,
  'land-ambulance': 5,
  'home-electrician': 5,
  'specialist-consultation': 4,
  'home-nurse': 3,
  'home-glazier': 2,
  'medical-equipment-rental': 2,
  'medical-discounts': 2,
  'atm-robbery-protection': 1,
};

const FULFILMENT = new Map(SERVICES.map((s) => [s.code, s.fulfilment]));
const CATEGORY = new Map(SERVICES.map((s) => [s.code, s.category]));
/** The services of each plan's newest version. */
const COVERED = new Map(
  PLANS.map((p) => [p.code, new Set(p.versions[p.versions.length - 1]?.services.map((s) => s.service))]),
);

/**
 * Requests by hour of the day in Mexico City, relative to the day's average: few at night, a
 * morning rise, the most in the afternoon and the evening rush.
 */
const HOURLY = [
  0.25, 0.18, 0.15, 0.12, 0.15, 0.3, 0.6, 1.1, 1.4, 1.4, 1.3, 1.3, 1.4, 1.4, 1.3, 1.3, 1.4, 1.6, 1.7, 1.5,
  1.2, 1.0, 0.7, 0.45,
];
const WEEKEND = 0.8;

/** Requests expected in the hour starting at `hour`, for the members active then. */
export function expectedRequests(hour: Date, activeMembers: number, perMemberYear: number): number {
  const local = inMexicoCity(hour);
  const weight = (HOURLY[local.hour] ?? 1) * (local.weekday >= 6 ? WEEKEND : 1);
  return (activeMembers * perMemberYear * weight) / (365 * 24);
}

/** One member asks for help now: the service they need, where, and what follows. */
export async function requestCase(ctx: HistoryContext, member: SimMember, index: number): Promise<void> {
  const { random, services, actors, stats } = ctx;
  const covered = COVERED.get(member.plan);
  const serviceCode = random.weighted(SERVICE_WEIGHTS);
  if (!covered?.has(serviceCode)) return;
  const place = placeIn(random, member.city);
  const details = detailsFor(ctx, serviceCode, member);
  const requested = await services.cases.request(
    actors.agent,
    {
      membershipId: member.id,
      personId: 'titular',
      serviceCode,
      place,
      description: random.pick(DESCRIPTIONS[serviceCode] ?? ['Solicitud de asistencia.']),
      details,
    },
    `seed-history-case-${index}`,
  );
  const kase = requested.body;
  stats.cases[serviceCode] = (stats.cases[serviceCode] ?? 0) + 1;
  const local = inMexicoCity(ctx.clock.now());
  stats.casesByHour[local.hour] = (stats.casesByHour[local.hour] ?? 0) + 1;
  if (local.weekday >= 6) stats.weekendCases++;
  if (kase.state === 'refused') stats.casesRefused++;
  if (kase.state !== 'requested') return;
  const fulfilment = FULFILMENT.get(serviceCode);
  if (fulfilment === 'dispatch') ctx.at(soon(ctx), () => answerOffer(ctx, kase.id, serviceCode, member));
  else if (fulfilment === 'remote') scheduleConsultation(ctx, kase.id, serviceCode);
  // Appointments wait for a slot and claims for their documents: some callers give up and cancel.
  else if (random.chance(0.3))
    ctx.at(later(ctx.clock.now(), random.int(60, 3 * 1440)), () =>
      cancelCase(ctx, kase.id, 'Ya no lo necesita; lo resolvió por su cuenta'),
    );
}

/** What the agent asks the caller, by service: the car for a tow, the withdrawal for an ATM robbery. */
function detailsFor(ctx: HistoryContext, serviceCode: string, member: SimMember) {
  const callbackPhone = member.person.phone;
  if (serviceCode === 'tow-truck') return { vehicle: vehicle(ctx.random), callbackPhone };
  if (serviceCode === 'atm-robbery-protection')
    return {
      callbackPhone,
      withdrawal: {
        amountCentavos: ctx.random.int(5, 60) * 100_00,
        at: later(ctx.clock.now(), -ctx.random.int(20, 180)).toISOString(),
        atm: `Cajero ${ctx.random.pick(['Banorte', 'BBVA', 'Santander'])} ${placeIn(ctx.random, member.city).address}`,
      },
      cardDailyAtmMaximumCentavos: 900_000,
    };
  return { callbackPhone };
}

/**
 * The provider offered the case answers: most accept (with a quote for capped services, now and
 * then over the cap), some decline, some let the offer expire; then the case goes to the next one.
 */
async function answerOffer(
  ctx: HistoryContext,
  caseId: string,
  serviceCode: string,
  member: SimMember,
): Promise<void> {
  const { services, random, stats } = ctx;
  const offers = await services.dispatch.offersOfJob(ctx.db, caseId);
  const offer = offers.find((o) => o.status === 'pending');
  if (!offer) return;
  const provider = ctx.actors.provider(offer.providerId);
  const roll = random.next();
  if (roll < 0.12) {
    await services.onsite.declineOffer(
      provider,
      offer.id,
      random.pick(['Sin unidades libres', 'Fuera de zona']),
    );
    stats.offers.declined++;
    ctx.at(soon(ctx), () => answerOffer(ctx, caseId, serviceCode, member));
    return;
  }
  if (roll < 0.22) {
    // Nobody answers: the offer-expiry job's work, at the offer's end.
    ctx.at(new Date(offer.expiresAt.getTime() + 1000), async () => {
      const before = await services.dispatch.offer(ctx.db, offer.id);
      await services.onsite.expireOffer(offer.id);
      const after = await services.dispatch.offer(ctx.db, offer.id);
      if (before?.status === 'pending' && after?.status === 'expired') stats.offers.expired++;
      ctx.at(soon(ctx), () => answerOffer(ctx, caseId, serviceCode, member));
    });
    return;
  }
  const overCap = serviceCode === 'tow-truck' && random.chance(0.18);
  const quoteCentavos = overCap ? random.int(110, 260) * 1000 : random.int(45, 95) * 1000;
  const view = await services.onsite.acceptOffer(provider, offer.id, {
    quoteCentavos,
    etaMinutes: random.int(15, 50),
  });
  stats.offers.accepted++;
  // A use over the plan's limit is refused when the provider takes it (home trades: two a year).
  if (view.state === 'refused') stats.casesRefused++;
  if (view.state === 'awaiting_excess_acceptance')
    ctx.at(later(ctx.clock.now(), random.int(3, 12)), async () => {
      const accept = random.chance(0.7);
      const answered = await services.onsite.answerExcess(ctx.actors.agent, caseId, {
        accept,
        note: accept ? 'El cliente acepta pagar el excedente' : 'El cliente no acepta el excedente',
      });
      stats.excesses[accept ? 'accepted' : 'declined']++;
      if (answered.state === 'dispatched') scheduleJob(ctx, caseId, offer.providerId, member);
    });
  else if (view.state === 'dispatched') scheduleJob(ctx, caseId, offer.providerId, member);
}

const LOW_RATING_COMMENTS = [
  'Llegó tarde y sin avisar.',
  'El técnico no traía las herramientas y tuvo que regresar.',
  'Muy mala actitud del operador.',
];

/** The provider on its way, there, and done; now and then the caller cancels before it arrives. */
function scheduleJob(ctx: HistoryContext, caseId: string, providerId: string, member: SimMember): void {
  const { random, services } = ctx;
  const provider = ctx.actors.provider(providerId);
  if (random.chance(0.06)) {
    ctx.at(later(ctx.clock.now(), random.int(5, 25)), () =>
      cancelCase(ctx, caseId, 'El cliente resolvió por su cuenta antes de que llegara la unidad'),
    );
    return;
  }
  let at = later(ctx.clock.now(), random.int(2, 8));
  ctx.at(at, async () => {
    await services.providerJobs.reportStatus(provider, caseId, { status: 'en_route' });
  });
  at = later(at, random.int(12, 55));
  ctx.at(at, async () => {
    await services.providerJobs.reportStatus(provider, caseId, { status: 'on_site' });
  });
  at = later(at, random.int(15, 90));
  ctx.at(at, async () => {
    await services.providerJobs.reportStatus(provider, caseId, { status: 'completed' });
    ctx.stats.casesCompleted++;
    const customer = member.customer;
    // Members with an account rate most services in the app, a little later.
    if (customer && random.chance(0.6))
      ctx.at(later(ctx.clock.now(), random.int(5, 240)), async () => {
        const score = Number(random.weighted({ 5: 50, 4: 25, 3: 10, 2: 8, 1: 7 }));
        await services.cases.rate(customer, caseId, {
          score,
          ...(score <= 2 ? { comment: random.pick(LOW_RATING_COMMENTS) } : {}),
        });
        ctx.stats.ratings++;
      });
  });
}

/** A doctor or a lawyer takes the consultation from the queue and closes it with a note. */
function scheduleConsultation(ctx: HistoryContext, caseId: string, serviceCode: string): void {
  const { random, services } = ctx;
  const who = CATEGORY.get(serviceCode) === 'legal' ? ctx.actors.lawyer : ctx.actors.doctor;
  const taken = later(ctx.clock.now(), random.int(3, 40));
  ctx.at(taken, async () => {
    await services.remote.take(who, caseId);
    ctx.at(later(ctx.clock.now(), random.int(10, 35)), async () => {
      await services.remote.close(who, caseId, 'Orientación dada; se explicaron los siguientes pasos.');
      ctx.stats.consultationsClosed++;
    });
  });
}

/** Within the offer's time (OFFER_TIMEOUT_SECONDS, 120 by default): a provider's app answers in seconds. */
function soon(ctx: HistoryContext): Date {
  return new Date(ctx.clock.now().getTime() + ctx.random.int(10, 70) * 1000);
}

async function cancelCase(ctx: HistoryContext, caseId: string, reason: string): Promise<void> {
  await ctx.services.cases.cancel(ctx.actors.agent, caseId, reason);
  ctx.stats.casesCancelled++;
}
