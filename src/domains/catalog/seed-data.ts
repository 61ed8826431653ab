import type { ServiceRules, TerritoryRule } from './rules.ts';

/**
 * The catalog as the program's public page gives it (SPEC.md, "Plans"). Values the page does not
 * give are marked `illustrative: true` and say so wherever they are shown. This is data: adding a
 * service or a plan version here (or through the admin API) needs no code change.
 */

export interface SeedService {
  code: string;
  category: 'medical' | 'roadside' | 'financial' | 'legal' | 'home';
  /** How a case for it is fulfilled. */
  fulfilment: 'dispatch' | 'appointment' | 'remote' | 'reimbursement';
  nameEs: string;
  nameEn: string;
  descriptionEs: string;
  descriptionEn: string;
}

export interface SeedPlanService {
  service: string;
  rules: ServiceRules;
  illustrative?: boolean;
}

export interface SeedPlanVersion {
  version: number;
  priceTotalCentavos: number;
  onlineTrialMonths: number;
  illustrative: boolean;
  /** Mexico City wall-clock time the version starts to apply to new contracts. */
  effectiveFrom: string;
  summaryEs: string;
  summaryEn: string;
  services: SeedPlanService[];
}

export interface SeedPlan {
  code: string;
  name: string;
  versions: SeedPlanVersion[];
}

export const SERVICES: SeedService[] = [
  {
    code: 'online-doctor',
    category: 'medical',
    fulfilment: 'remote',
    nameEs: 'Médico online',
    nameEn: 'Online doctor',
    descriptionEs: 'Consulta médica en línea las 24 horas.',
    descriptionEn: 'Online medical consultation, 24 hours a day.',
  },
  {
    code: 'home-nurse',
    category: 'medical',
    fulfilment: 'appointment',
    nameEs: 'Enfermera a domicilio',
    nameEn: 'Home nurse',
    descriptionEs: 'Una enfermera te atiende en casa.',
    descriptionEn: 'A nurse cares for you at home.',
  },
  {
    code: 'medical-equipment-rental',
    category: 'medical',
    fulfilment: 'appointment',
    nameEs: 'Renta de equipo médico',
    nameEn: 'Medical equipment rental',
    descriptionEs: 'Renta de silla de ruedas, muletas, cama de hospital y otro equipo.',
    descriptionEn: 'Rental of a wheelchair, crutches, a hospital bed and other equipment.',
  },
  {
    code: 'land-ambulance',
    category: 'medical',
    fulfilment: 'dispatch',
    nameEs: 'Ambulancia terrestre en México',
    nameEn: 'Land ambulance in Mexico',
    descriptionEs: 'Traslado en ambulancia terrestre dentro de México.',
    descriptionEn: 'Land ambulance transport inside Mexico.',
  },
  {
    code: 'specialist-consultation',
    category: 'medical',
    fulfilment: 'appointment',
    nameEs: 'Consulta en hospitales de prestigio con médicos especialistas',
    nameEn: 'Specialist consultation at a prestige hospital',
    descriptionEs: 'Consulta con un médico especialista en un hospital de prestigio.',
    descriptionEn: 'A consultation with a specialist doctor at a prestige hospital.',
  },
  {
    code: 'tow-truck',
    category: 'roadside',
    fulfilment: 'dispatch',
    nameEs: 'Envío de grúa',
    nameEn: 'Tow truck',
    descriptionEs:
      'Arrastre de tu auto. Los arrastres carreteros pueden tener un costo excedente (traslado de la grúa, casetas, abanderamientos, maniobras) que pagas tú y aceptas antes del envío.',
    descriptionEn:
      'Towing of your car. Highway tows may cost extra (the truck’s travel, tolls, flagging, manoeuvres); you pay and accept it before dispatch.',
  },
  {
    code: 'atm-robbery-protection',
    category: 'financial',
    fulfilment: 'reimbursement',
    nameEs: 'Retiros protegidos en ATM por robo',
    nameEn: 'Protected ATM withdrawal after robbery',
    descriptionEs: 'Reembolso de lo que te roben al retirar en un cajero automático.',
    descriptionEn: 'Reimbursement of what is stolen from you at an ATM withdrawal.',
  },
  {
    code: 'legal-advice',
    category: 'legal',
    fulfilment: 'remote',
    nameEs: 'Asesoría legal',
    nameEn: 'Legal advice',
    descriptionEs: 'Abogados que te ayudan las 24 h, los 365 días del año.',
    descriptionEn: 'Lawyers who help you 24 hours a day, 365 days a year.',
  },
  {
    code: 'home-plumbing',
    category: 'home',
    fulfilment: 'dispatch',
    nameEs: 'Plomería',
    nameEn: 'Plumbing',
    descriptionEs: 'Un plomero llega a tu casa en caso de fuga o tubería dañada.',
    descriptionEn: 'A plumber comes to your home for a leak or a broken pipe.',
  },
  {
    code: 'home-locksmith',
    category: 'home',
    fulfilment: 'dispatch',
    nameEs: 'Cerrajería',
    nameEn: 'Locksmith',
    descriptionEs: 'Un cerrajero abre tu puerta si te quedas fuera.',
    descriptionEn: 'A locksmith opens your door if you are locked out.',
  },
  {
    code: 'home-electrician',
    category: 'home',
    fulfilment: 'dispatch',
    nameEs: 'Electricista',
    nameEn: 'Electrician',
    descriptionEs: 'Un electricista atiende una falla eléctrica en tu casa.',
    descriptionEn: 'An electrician fixes an electrical fault at your home.',
  },
  {
    code: 'home-glazier',
    category: 'home',
    fulfilment: 'dispatch',
    nameEs: 'Vidriería',
    nameEn: 'Glazier',
    descriptionEs: 'Reposición de vidrios rotos que dejan tu casa expuesta.',
    descriptionEn: 'Replacement of broken windows that leave your home exposed.',
  },
  {
    code: 'medical-discounts',
    category: 'medical',
    fulfilment: 'remote',
    nameEs: 'Descuentos médicos',
    nameEn: 'Medical discounts',
    descriptionEs: 'Descuentos en laboratorios, farmacias y consultas de la red médica.',
    descriptionEn: 'Discounts at laboratories, pharmacies and consultations in the medical network.',
  },
];

const NO_COST = { kind: 'no_cost' } as const;
const ANYWHERE = { kind: 'anywhere' } as const;
const MEXICO_ONLY: TerritoryRule = { kind: 'countries', countries: ['MX'] };
const UNLIMITED = { kind: 'unlimited' } as const;
const perYear = (count: number) => ({ kind: 'per_year', count }) as const;
const cap = (centavos: number, acceptedBeforeDispatch: boolean) =>
  ({
    kind: 'amount_cap',
    capCentavos: centavos,
    excessPaidBy: 'customer',
    excessAcceptedBeforeDispatch: acceptedBeforeDispatch,
  }) as const;

/** Home trades and medical discounts have no limits on the page: 2 a year, $1,500.00 each (SPEC). */
const ILLUSTRATIVE_HOME_AND_DISCOUNTS: SeedPlanService[] = [
  'home-plumbing',
  'home-locksmith',
  'home-electrician',
  'home-glazier',
  'medical-discounts',
].map((service) => ({
  service,
  rules: { limit: perYear(2), perEvent: cap(150_000, false), territory: ANYWHERE },
  illustrative: true,
}));

export const PLANS: SeedPlan[] = [
  {
    code: 'libra-plus',
    name: 'Libra Plus',
    versions: [
      {
        version: 1,
        priceTotalCentavos: 21_800,
        onlineTrialMonths: 2,
        illustrative: false,
        effectiveFrom: '2024-01-01T00:00',
        summaryEs:
          'Tienes acceso a consultas online y con especialistas en hospitales de prestigio sin costo, descuentos médicos y ambulancia sin costo.',
        summaryEn:
          'Online consultations and specialists at prestige hospitals at no cost, medical discounts and an ambulance at no cost.',
        services: [
          { service: 'online-doctor', rules: { limit: UNLIMITED, perEvent: NO_COST, territory: ANYWHERE } },
          { service: 'home-nurse', rules: { limit: perYear(1), perEvent: NO_COST, territory: ANYWHERE } },
          {
            service: 'medical-equipment-rental',
            rules: { limit: perYear(1), perEvent: NO_COST, territory: ANYWHERE },
          },
          {
            service: 'land-ambulance',
            rules: { limit: UNLIMITED, perEvent: NO_COST, territory: MEXICO_ONLY },
          },
          {
            service: 'specialist-consultation',
            rules: {
              limit: { kind: 'per_year_per_key', count: 4, perKey: 1, key: 'specialty' },
              perEvent: NO_COST,
              territory: ANYWHERE,
            },
          },
          {
            service: 'tow-truck',
            rules: { limit: UNLIMITED, perEvent: cap(100_000, true), territory: ANYWHERE },
          },
          {
            service: 'atm-robbery-protection',
            rules: { limit: perYear(1), perEvent: { kind: 'card_daily_atm_maximum' }, territory: ANYWHERE },
          },
          { service: 'legal-advice', rules: { limit: UNLIMITED, perEvent: NO_COST, territory: ANYWHERE } },
          ...ILLUSTRATIVE_HOME_AND_DISCOUNTS,
        ],
      },
    ],
  },
  {
    // The page names Libra One but gives neither its price nor its limits: all illustrative.
    code: 'libra-one',
    name: 'Libra One',
    versions: [
      {
        version: 1,
        priceTotalCentavos: 14_900,
        onlineTrialMonths: 2,
        illustrative: true,
        effectiveFrom: '2024-01-01T00:00',
        summaryEs: 'Asistencia médica, vial, financiera y en el hogar, sin asesoría legal.',
        summaryEn: 'Medical, roadside, financial and home assistance, without legal advice.',
        services: (
          [
            { service: 'online-doctor', rules: { limit: UNLIMITED, perEvent: NO_COST, territory: ANYWHERE } },
            { service: 'home-nurse', rules: { limit: perYear(1), perEvent: NO_COST, territory: ANYWHERE } },
            {
              service: 'medical-equipment-rental',
              rules: { limit: perYear(1), perEvent: NO_COST, territory: ANYWHERE },
            },
            {
              service: 'land-ambulance',
              rules: { limit: perYear(2), perEvent: NO_COST, territory: MEXICO_ONLY },
            },
            {
              service: 'specialist-consultation',
              rules: {
                limit: { kind: 'per_year_per_key', count: 2, perKey: 1, key: 'specialty' },
                perEvent: NO_COST,
                territory: ANYWHERE,
              },
            },
            {
              service: 'tow-truck',
              rules: { limit: perYear(3), perEvent: cap(75_000, true), territory: ANYWHERE },
            },
            {
              service: 'atm-robbery-protection',
              rules: { limit: perYear(1), perEvent: { kind: 'card_daily_atm_maximum' }, territory: ANYWHERE },
            },
            ...ILLUSTRATIVE_HOME_AND_DISCOUNTS,
          ] satisfies SeedPlanService[]
        ).map((s) => ({ ...s, illustrative: true })),
      },
    ],
  },
];
