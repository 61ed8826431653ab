import { randomBytes } from 'node:crypto';
import { CURRENT_PRIVACY_NOTICE, CURRENT_TERMS } from '../domains/members/legal.ts';
import { type Actor, SYSTEM_ACTOR } from '../platform/principal.ts';
import { person, pickCity } from './people.ts';
import { type HistoryContext, later, type SalesChannel, type SimMember } from './timeline.ts';

/** Sandbox cards (docs/api.md): most pay; some decline every charge until they are replaced. */
const PAYING_CARDS = ['4242424242424242', '5555555555554444', '4000056655665556'];
const DECLINING_CARDS = ['4000000000009995', '4000000000000341'];

const CHANNEL_WEIGHTS: Record<SalesChannel, number> = { online: 35, phone: 40, bank: 25 };
const PLAN_WEIGHTS = { 'libra-plus': 70, 'libra-one': 30 } as const;
/** A member's card declines from the start one time in ten. */
const DECLINING_SHARE = 0.1;
/** Of members whose charge was declined, how many give a new card within days. */
const RECOVERY_SHARE = 0.6;

async function tokenFor(ctx: HistoryContext, number: string): Promise<string> {
  const card = await ctx.services.payments.tokenize({ number, expMonth: 12, expYear: 2031, cvv: '123' });
  return card.token;
}

/** One membership contracted now, on its channel, as the portal, the phone line or the bank would. */
export async function contractMember(ctx: HistoryContext, index: number): Promise<SimMember> {
  const { random, services, actors } = ctx;
  const channel = random.weighted(CHANNEL_WEIGHTS);
  const plan = random.weighted(PLAN_WEIGHTS);
  const city = pickCity(random);
  const who = person(random, index, city);
  const declining = random.chance(DECLINING_SHARE);
  const token = await tokenFor(ctx, random.pick(declining ? DECLINING_CARDS : PAYING_CARDS));
  // Online: the person makes their account on the site and contracts signed in (a history's
  // account: demo data, its password random and never shown).
  const account =
    channel === 'online'
      ? await services.identity.createUser(
          SYSTEM_ACTOR,
          {
            email: who.email,
            name: who.fullName,
            role: 'customer',
            password: `${randomBytes(12).toString('base64url')}-${index}`,
          },
          'demo',
        )
      : null;
  const customer = account ? customerActor(account) : null;
  const contracted = await services.contracting.contract(
    customer ?? (channel === 'phone' ? actors.agent : actors.bank),
    {
      planCode: plan,
      titular: { fullName: who.fullName, email: who.email, phone: who.phone, birthDate: who.birthDate },
      cardToken: token,
      consent: { termsVersion: CURRENT_TERMS.version, privacyNoticeVersion: CURRENT_PRIVACY_NOTICE.version },
    },
    `seed-history-member-${index}`,
  );
  const member: SimMember = {
    id: contracted.body.id,
    number: contracted.body.number,
    index,
    channel,
    plan,
    city,
    person: who,
    contractedAt: ctx.clock.now(),
    declining,
    cancelled: false,
    customer,
  };
  ctx.members.push(member);
  ctx.stats.members[channel]++;
  ctx.stats.plans[plan] = (ctx.stats.plans[plan] ?? 0) + 1;
  // Online members pay nothing during their trial months: their first charge comes later.
  if (declining) scheduleRecovery(ctx, member, channel === 'online' ? 62 : 1);
  return member;
}

function customerActor(user: { id: string; email: string; name: string }): Actor {
  return {
    principal: {
      kind: 'user',
      userId: user.id,
      role: 'customer',
      email: user.email,
      name: user.name,
      providerId: null,
      sessionId: 'seed-history',
      sessionExpiresAt: new Date('2100-01-01T00:00:00Z'),
    },
    requestId: 'seed-history',
    ip: null,
  };
}

/** A few days after the first declined charge, most call in with a new card; it pays what was owed. */
function scheduleRecovery(ctx: HistoryContext, member: SimMember, firstChargeAfterDays: number): void {
  if (!ctx.random.chance(RECOVERY_SHARE)) return;
  const days = firstChargeAfterDays + ctx.random.int(1, 4);
  ctx.at(later(member.contractedAt, days * 1440 + ctx.random.int(0, 600)), async () => {
    if (member.cancelled) return;
    await verify(ctx, member);
    const token = await tokenFor(ctx, ctx.random.pick(PAYING_CARDS));
    const replaced = await ctx.services.members.replaceCard(ctx.actors.agent, member.id, token);
    member.declining = false;
    if (replaced.outstanding.some((o) => o.status === 'succeeded')) ctx.stats.billing.recovered++;
  });
}

/** The agent checks the caller before touching their file (birth date and membership number). */
export async function verify(ctx: HistoryContext, member: SimMember): Promise<void> {
  await ctx.services.verifications.verify(ctx.actors.agent, member.id, {
    birthDate: member.person.birthDate,
    membershipNumber: member.number,
  });
}

/** A member calls to cancel; within the refund window what they paid comes back. */
export async function cancelMember(ctx: HistoryContext, member: SimMember): Promise<void> {
  if (member.cancelled) return;
  await verify(ctx, member);
  const result = await ctx.services.cancellation.cancel(ctx.actors.agent, member.id, {
    reason: ctx.random.pick([
      'Ya no lo voy a usar',
      'Contraté otra asistencia con mi seguro',
      'El cargo mensual no me alcanza',
      'No sabía que tenía costo después de la prueba',
    ]),
  });
  member.cancelled = true;
  ctx.stats.cancellations.done++;
  if (result.refund.amountCentavos > 0) ctx.stats.cancellations.refunded++;
}

const COMPLAINTS = [
  { category: 'service_quality', text: 'La grúa llegó mucho después de la hora que me dijeron.' },
  { category: 'provider_conduct', text: 'El técnico fue grosero y dejó sucio el baño.' },
  { category: 'charge', text: 'Me llegó un cargo que no reconozco este mes, revisen por favor.' },
  { category: 'cancellation', text: 'Pedí cancelar y me siguen llegando avisos de cobro.' },
  { category: 'other', text: 'Nadie me regresó la llamada que me prometieron ayer.' },
] as const;

/** A member complains by phone; supervision takes most complaints and resolves them within days. */
export async function fileComplaint(ctx: HistoryContext, member: SimMember, index: number): Promise<void> {
  const { services, actors, random } = ctx;
  await verify(ctx, member);
  const complaint = random.pick(COMPLAINTS);
  const filed = await services.complaints.file(
    actors.agent,
    { membershipId: member.id, category: complaint.category, channel: 'phone', text: complaint.text },
    `seed-history-complaint-${index}`,
  );
  ctx.stats.complaints.filed++;
  if (!random.chance(0.75)) return;
  const id = filed.body.id;
  ctx.at(later(ctx.clock.now(), random.int(30, 600)), async () => {
    await services.complaints.take(actors.supervisor, id);
    ctx.at(later(ctx.clock.now(), random.int(60, 4 * 1440)), async () => {
      await services.complaints.resolve(
        actors.supervisor,
        id,
        'Se habló con el cliente, se revisó el caso con el área responsable y se le explicó la solución.',
      );
      ctx.stats.complaints.resolved++;
    });
  });
}
