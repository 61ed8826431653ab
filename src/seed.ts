import { createHmac } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Services } from './app.ts';
import { PLANS, SERVICES } from './domains/catalog/seed-data.ts';
import {
  DEMO_PROVIDER_ACCOUNT_PROVIDER,
  DEMO_PROVIDERS,
  DEMO_SLOT_DAYS,
  DEMO_SLOTS,
} from './domains/dispatch/seed-data.ts';
import { usageKey } from './domains/entitlements/decide.ts';
import { SCOPES_BY_KIND } from './domains/identity/api-keys.ts';
import { CURRENT_PRIVACY_NOTICE, CURRENT_TERMS } from './domains/members/legal.ts';
import type { BeneficiaryInput, ContractInput } from './domains/members/service.ts';
import { mexicoCityDate, mexicoCityTime } from './lib/clock.ts';
import { type Actor, type Principal, SYSTEM_ACTOR, type UserRole } from './platform/principal.ts';

// Names as people are called: the screens add the role themselves ("Grúas Reforma · Proveedor").
export const DEMO_ACCOUNTS: { email: string; name: string; role: UserRole }[] = [
  { email: 'cliente@demo.libra.mx', name: 'María Fernanda López Ruiz', role: 'customer' },
  { email: 'agente@demo.libra.mx', name: 'Jorge Ramírez', role: 'agent' },
  { email: 'supervisor@demo.libra.mx', name: 'Ana Sofía Herrera', role: 'supervisor' },
  { email: 'finanzas@demo.libra.mx', name: 'Luis Mendoza', role: 'finance' },
  { email: 'admin@demo.libra.mx', name: 'Administración Libra', role: 'admin' },
  { email: 'proveedor@demo.libra.mx', name: 'Grúas Reforma', role: 'provider' },
  { email: 'medico@demo.libra.mx', name: 'Dra. Carmen Villaseñor', role: 'doctor' },
  { email: 'abogado@demo.libra.mx', name: 'Lic. Andrés Fuentes', role: 'lawyer' },
  {
    email: 'supervision.medica@demo.libra.mx',
    name: 'Dr. Tomás Ibarra',
    role: 'medical_supervisor',
  },
  { email: 'privacidad@demo.libra.mx', name: 'Mtra. Laura Ortiz (protección de datos)', role: 'privacy' },
];

export const DEMO_API_KEY_NAME = 'Demo partner (banco)';

export interface DemoOptions {
  password: string;
  /** A fixed partner key; when absent the key is derived from the demo password. */
  apiKey?: string | undefined;
}

/**
 * The demo partner key when LIBRA_DEMO_API_KEY does not fix one: derived from the demo password, so
 * every start and every process on one database print the same working key (a new random key at
 * each start would revoke the one another process had just printed). Demo data only.
 */
export function demoApiKeyFor(password: string): string {
  const derive = (what: string) => createHmac('sha256', password).update(`libra demo partner key: ${what}`);
  const prefix = derive('prefix').digest('hex').slice(0, 12);
  const secret = derive('secret').digest('base64url');
  return `lbr_${prefix}_${secret}`;
}

export interface SeedReport {
  catalog: { services: number; versionsAdded: number };
  demo: {
    accounts: { email: string; role: UserRole }[];
    apiKey: string;
    families: number;
    providers: number;
  } | null;
}

/**
 * The plan catalog is product data and is loaded on every database; demo data only where the
 * configuration allows it (never in production). Every demo item is made only if it is missing,
 * found by a stable key (a provider's name, an account's email, a titular's email, a slot's start, a
 * request's idempotency key), so a start killed at any point is completed by the next one and
 * nothing is ever made twice. Needs the jobs started: the demo tow sends its offer's expiry job.
 */
export async function seed(
  services: Services,
  options: { demo: DemoOptions | false; progress?: (step: string) => void },
): Promise<SeedReport> {
  const progress = options.progress ?? (() => {});
  progress('plan catalog');
  const catalog = await services.catalog.seed(SERVICES, PLANS);
  if (!options.demo) return { catalog, demo: null };
  const { password } = options.demo;
  progress('demo providers and their slots');

  const providerIds = new Map<string, string>();
  for (const provider of DEMO_PROVIDERS) {
    const { id } = await services.dispatch.ensure(SYSTEM_ACTOR, provider);
    providerIds.set(provider.name, id);
  }
  await seedDemoSlots(services, providerIds);

  progress('demo accounts');
  for (const account of DEMO_ACCOUNTS) {
    const existing = await services.identity.userByEmail(account.email);
    // 'demo': the demo password is published, so the password policy would refuse it (see IdentityService).
    if (existing) await services.identity.setPassword(SYSTEM_ACTOR, existing.id, password, 'demo');
    else {
      // The demo provider account works for one provider of the demo network.
      const providerId =
        account.role === 'provider' ? providerIds.get(DEMO_PROVIDER_ACCOUNT_PROVIDER) : undefined;
      await services.identity.createUser(SYSTEM_ACTOR, { ...account, password, providerId }, 'demo');
    }
  }

  const key = options.demo.apiKey ?? demoApiKeyFor(password);
  if (!(await services.apiKeys.apiKeyIsLive(key))) {
    await services.apiKeys.revokeApiKeysNamed(SYSTEM_ACTOR, DEMO_API_KEY_NAME);
    await services.apiKeys.createApiKey(SYSTEM_ACTOR, {
      name: DEMO_API_KEY_NAME,
      kind: 'partner',
      scopes: [...SCOPES_BY_KIND.partner],
      key,
    });
  }
  progress('demo families');
  const families = await seedDemoFamilies(services);
  progress('demo activity (charges, a tow, a doctor call, a complaint)');
  await seedDemoActivity(services, families);
  return {
    catalog,
    demo: {
      accounts: DEMO_ACCOUNTS.map(({ email, role }) => ({ email, role })),
      apiKey: key,
      families: families.created,
      providers: providerIds.size,
    },
  };
}

/**
 * A week of consultation slots ahead for the demo hospitals: each slot of the week that the
 * hospital has not published yet (full or not), so a start cut short in the middle is completed.
 */
async function seedDemoSlots(services: Services, providerIds: Map<string, string>): Promise<void> {
  const today = mexicoCityDate(services.clock.now());
  const dayStart = (day: number) =>
    mexicoCityTime(`${DateTime.fromISO(today).plus({ days: day }).toISODate() as string}T00:00`);
  for (const plan of DEMO_SLOTS) {
    const providerId = providerIds.get(plan.provider);
    if (!providerId) continue;
    const asProvider = actingAs({
      kind: 'api_key',
      apiKeyId: 'demo-seed',
      role: 'provider',
      name: plan.provider,
      scopes: ['provider:jobs'],
      providerId,
      rateLimitPerMinute: null,
    });
    const published = new Set(
      (await services.appointments.publishedSlots(providerId, dayStart(1), dayStart(DEMO_SLOT_DAYS + 1))).map(
        (slot) => `${slot.serviceCode}|${slot.specialty ?? ''}|${slot.startsAt.getTime()}`,
      ),
    );
    for (let day = 1; day <= DEMO_SLOT_DAYS; day++) {
      const date = DateTime.fromISO(today).plus({ days: day }).toISODate() as string;
      for (const hour of plan.hours)
        for (const specialty of plan.specialties) {
          const startsAt = mexicoCityTime(`${date}T${String(hour).padStart(2, '0')}:00`);
          if (
            published.has(`${plan.serviceCode}|${specialty ? usageKey(specialty) : ''}|${startsAt.getTime()}`)
          )
            continue;
          await services.appointments.publishSlot(asProvider, {
            serviceCode: plan.serviceCode,
            specialty,
            startsAt,
            durationMinutes: 45,
            capacity: 2,
          });
        }
    }
  }
}

interface DemoFamily {
  /** Who contracts: the demo customer online, the demo agent by phone, or the bank. */
  channel: 'online' | 'phone' | 'bank';
  plan: string;
  card: string;
  titular: ContractInput['titular'];
  beneficiaries: BeneficiaryInput[];
}

/** Covered families for the demo: one per sales channel, with spouses, children and cards. */
const DEMO_FAMILIES: DemoFamily[] = [
  {
    channel: 'online',
    plan: 'libra-plus',
    card: '4242424242424242',
    titular: {
      fullName: 'María Fernanda López Ruiz',
      email: 'cliente@demo.libra.mx',
      phone: '55 2345 6789',
      birthDate: '1984-06-09',
      rfc: 'LORM840609QX3',
    },
    beneficiaries: [
      { kind: 'spouse', fullName: 'Jorge Ramírez Soto', birthDate: '1982-01-20' },
      { kind: 'child', fullName: 'Diego Ramírez López', birthDate: '2012-05-12' },
      { kind: 'child', fullName: 'Sofía Ramírez López', birthDate: '2006-02-03' },
      { kind: 'additional_cardholder', fullName: 'Lucía López Ruiz', cardLast4: '1881' },
    ],
  },
  {
    channel: 'phone',
    plan: 'libra-one',
    card: '4000056655665556',
    titular: {
      fullName: 'Roberto Sánchez Aguilar',
      email: 'roberto.sanchez@demo.libra.mx',
      phone: '33 1234 9876',
      birthDate: '1970-11-02',
    },
    beneficiaries: [{ kind: 'spouse', fullName: 'Patricia Morales Vega', birthDate: '1973-04-18' }],
  },
  {
    channel: 'bank',
    plan: 'libra-plus',
    card: '5555555555554444',
    titular: {
      fullName: 'Guadalupe Hernández Cruz',
      email: 'guadalupe.hernandez@demo.libra.mx',
      phone: '81 8765 4321',
      birthDate: '1991-09-27',
    },
    beneficiaries: [{ kind: 'child', fullName: 'Emiliano Torres Hernández', birthDate: '2019-08-30' }],
  },
];

function actingAs(principal: Principal): Actor {
  return { principal, requestId: 'demo-seed', ip: null };
}

interface SeededFamilies {
  /** Families contracted by this run (the others were there already). */
  created: number;
  /** Membership ids of the demo families, by sales channel. */
  memberships: Record<DemoFamily['channel'], string>;
  actors: Record<DemoFamily['channel'], Actor>;
}

async function seedDemoFamilies(services: Services): Promise<SeededFamilies> {
  const customer = await services.identity.userByEmail('cliente@demo.libra.mx');
  const agent = await services.identity.userByEmail('agente@demo.libra.mx');
  if (!customer || !agent) throw new Error('demo accounts must exist before demo families');
  const far = new Date('2100-01-01T00:00:00Z');
  const asUser = (user: typeof customer, role: 'customer' | 'agent'): Actor =>
    actingAs({
      kind: 'user',
      userId: user.id,
      role,
      email: user.email,
      name: user.name,
      providerId: null,
      sessionId: 'demo-seed',
      sessionExpiresAt: far,
    });
  const actors: Record<DemoFamily['channel'], Actor> = {
    online: asUser(customer, 'customer'),
    phone: asUser(agent, 'agent'),
    bank: actingAs({
      kind: 'api_key',
      apiKeyId: 'demo-seed',
      role: 'partner',
      name: DEMO_API_KEY_NAME,
      scopes: ['memberships:write'],
      providerId: null,
      rateLimitPerMinute: null,
    }),
  };
  let created = 0;
  const memberships: Partial<SeededFamilies['memberships']> = {};
  for (const family of DEMO_FAMILIES) {
    const actor = actors[family.channel];
    // The titular's email is the family's key: a family made before (even cancelled since) stays.
    const email = family.titular.email;
    if (!email) throw new Error('a demo titular needs an email');
    let membershipId = await services.members.newestMembershipIdOfTitularEmail(email);
    if (!membershipId) {
      const card = await services.payments.tokenize({
        number: family.card,
        expMonth: 12,
        expYear: 2030,
        cvv: '123',
      });
      const contracted = await services.contracting.contract(
        actor,
        {
          planCode: family.plan,
          titular: family.titular,
          cardToken: card.token,
          consent: {
            termsVersion: CURRENT_TERMS.version,
            privacyNoticeVersion: CURRENT_PRIVACY_NOTICE.version,
          },
        },
        undefined,
      );
      membershipId = contracted.body.id;
      created++;
    }
    memberships[family.channel] = membershipId;
    // Each beneficiary by name, removed ones included: one the demo user removed is not missing.
    const present = new Set(
      (await services.beneficiaries.listBeneficiaries(SYSTEM_ACTOR, membershipId, true)).map(
        (b) => b.fullName,
      ),
    );
    const missing = family.beneficiaries.filter((b) => !present.has(b.fullName));
    // A start resumed long after the agent contracted: the agent's identity check has lapsed.
    if (missing.length > 0 && family.channel === 'phone')
      await services.verifications.verify(actor, membershipId, { skipReason: 'Datos de demostración' });
    for (const beneficiary of missing)
      await services.beneficiaries.addBeneficiary(actor, membershipId, beneficiary);
  }
  const { online, phone, bank } = memberships;
  if (!online || !phone || !bank) throw new Error('a demo family is missing');
  return { created, memberships: { online, phone, bank }, actors };
}

/**
 * Something for each role to find on a first start: the month's charges of the families that pay
 * from the start (a billing run), an open tow case in Mexico City offered to the nearest tow company
 * (Grúas Reforma's account sees the offer while it lasts), a call to the online doctor in the remote
 * queue, and a complaint in the queue. Made through the services, as people would. Each request
 * carries a fixed idempotency key: once it has been made, asking again replays it and makes nothing.
 */
async function seedDemoActivity(services: Services, families: SeededFamilies): Promise<void> {
  const { online, phone, bank } = families.memberships;
  // A billing run charges each period once, whatever runs before: it runs only while a paying
  // family has never been charged, so the demo's own start does not add billing runs.
  const charged = async (id: string) =>
    (await services.billing.chargesOfMembership(SYSTEM_ACTOR, id)).length > 0;
  if (!(await charged(phone)) || !(await charged(bank)))
    await services.billing.run({ at: services.clock.now(), trigger: 'cli' });
  await services.cases.request(
    families.actors.phone,
    {
      membershipId: online,
      personId: 'titular',
      serviceCode: 'tow-truck',
      place: {
        address: 'Paseo de la Reforma 222, Juárez, CDMX',
        lat: 19.4284,
        lng: -99.1624,
        stateCode: 'CMX',
      },
      description: 'Se ponchó una llanta y no trae refacción; necesita grúa al taller más cercano.',
      details: {
        vehicle: { make: 'Mazda', model: '3', year: 2020, plates: 'NKP-482-B', color: 'gris' },
        callbackPhone: '55 2345 6789',
      },
    },
    'demo-seed-tow',
  );
  await services.complaints.file(
    families.actors.online,
    {
      membershipId: online,
      category: 'service_quality',
      text: 'La grúa de mi último servicio llegó 40 minutos después de la hora que me dijeron.',
    },
    'demo-seed-complaint',
  );
  await services.cases.request(
    families.actors.phone,
    {
      membershipId: phone,
      personId: 'titular',
      serviceCode: 'online-doctor',
      place: {
        address: 'Av. Chapultepec 480, Guadalajara, Jal.',
        lat: 20.6736,
        lng: -103.3704,
        stateCode: 'JAL',
      },
      description: 'Dolor de garganta y fiebre de 38 °C desde ayer.',
      details: { callbackPhone: '33 1234 9876' },
    },
    'demo-seed-doctor',
  );
}
