import type { ProviderInput } from './service.ts';

/**
 * A demo provider network around Mexico City, Guadalajara and Monterrey: tow companies,
 * ambulances, nurses, equipment rental and home technicians, each with its coverage and a unit's
 * position. Names and phones are made up.
 */
const CITIES = {
  cdmx: { state: 'CMX', metro: ['CMX', 'MEX'], center: { lat: 19.4326, lng: -99.1332 }, phone: '55' },
  gdl: { state: 'JAL', metro: ['JAL'], center: { lat: 20.6597, lng: -103.3496 }, phone: '33' },
  mty: { state: 'NLE', metro: ['NLE'], center: { lat: 25.6866, lng: -100.3161 }, phone: '81' },
} as const;

type City = keyof typeof CITIES;

const HOME = ['home-plumbing', 'home-locksmith', 'home-electrician', 'home-glazier'];

function at(city: City, dLat: number, dLng: number) {
  const c = CITIES[city].center;
  return { lat: Math.round((c.lat + dLat) * 1e5) / 1e5, lng: Math.round((c.lng + dLng) * 1e5) / 1e5 };
}

function radius(city: City, km: number) {
  return { kind: 'radius' as const, center: CITIES[city].center, radiusKm: km };
}

export const DEMO_PROVIDER_ACCOUNT_PROVIDER = 'Grúas Reforma';

export const DEMO_PROVIDERS: ProviderInput[] = [
  // Mexico City and its metropolitan area.
  {
    name: 'Grúas Reforma',
    phone: '55 5201 1100',
    services: ['tow-truck'],
    coverage: radius('cdmx', 45),
    location: at('cdmx', 0.0, -0.03),
    capacity: 4,
  },
  {
    name: 'Grúas y Arrastres del Sur',
    phone: '55 5655 2200',
    services: ['tow-truck'],
    coverage: radius('cdmx', 60),
    location: at('cdmx', -0.12, -0.02),
    capacity: 6,
  },
  {
    name: 'Auxilio Vial Norte',
    phone: '55 5392 3300',
    services: ['tow-truck'],
    coverage: { kind: 'states', states: [...CITIES.cdmx.metro, 'HID'] },
    location: at('cdmx', 0.1, 0.01),
    capacity: 3,
  },
  {
    name: 'Ambulancias Cruz Azul Metropolitana',
    phone: '55 5111 4400',
    services: ['land-ambulance'],
    coverage: { kind: 'states', states: [...CITIES.cdmx.metro] },
    location: at('cdmx', 0.02, 0.01),
    capacity: 5,
  },
  {
    name: 'Traslados Médicos Coyoacán',
    phone: '55 5544 5500',
    services: ['land-ambulance'],
    coverage: radius('cdmx', 35),
    location: at('cdmx', -0.08, 0.0),
    capacity: 3,
  },
  {
    name: 'Enfermería en Casa CDMX',
    phone: '55 5280 6600',
    services: ['home-nurse', 'medical-equipment-rental'],
    coverage: radius('cdmx', 30),
    location: at('cdmx', 0.01, -0.05),
    capacity: 8,
  },
  {
    name: 'Servicios del Hogar Narvarte',
    phone: '55 5536 7700',
    services: HOME,
    coverage: radius('cdmx', 25),
    location: at('cdmx', -0.04, 0.0),
    capacity: 6,
  },
  {
    name: 'Cerrajería y Vidrios Polanco',
    phone: '55 5250 8800',
    services: ['home-locksmith', 'home-glazier'],
    coverage: radius('cdmx', 20),
    location: at('cdmx', 0.0, -0.06),
    capacity: 3,
  },
  {
    name: 'Hospital Metropolitano del Sur',
    phone: '55 5449 1000',
    services: ['specialist-consultation'],
    coverage: radius('cdmx', 40),
    location: at('cdmx', -0.13, -0.04),
    capacity: 50,
  },
  // Guadalajara.
  {
    name: 'Grúas Tapatías',
    phone: '33 3615 1100',
    services: ['tow-truck'],
    coverage: radius('gdl', 50),
    location: at('gdl', 0.01, 0.01),
    capacity: 4,
  },
  {
    name: 'Arrastres Zapopan',
    phone: '33 3833 2200',
    services: ['tow-truck'],
    coverage: { kind: 'states', states: ['JAL'] },
    location: at('gdl', 0.06, -0.05),
    capacity: 3,
  },
  {
    name: 'Ambulancias de Occidente',
    phone: '33 3120 3300',
    services: ['land-ambulance'],
    coverage: { kind: 'states', states: ['JAL'] },
    location: at('gdl', -0.01, 0.02),
    capacity: 4,
  },
  {
    name: 'Enfermeras a Domicilio Guadalajara',
    phone: '33 3641 4400',
    services: ['home-nurse', 'medical-equipment-rental'],
    coverage: radius('gdl', 30),
    location: at('gdl', 0.02, -0.02),
    capacity: 5,
  },
  {
    name: 'Hogar Seguro Jalisco',
    phone: '33 3810 5500',
    services: HOME,
    coverage: radius('gdl', 30),
    location: at('gdl', -0.03, 0.03),
    capacity: 5,
  },
  {
    name: 'Hospital Civil de Occidente (demo)',
    phone: '33 3614 5500',
    services: ['specialist-consultation'],
    coverage: radius('gdl', 40),
    location: at('gdl', 0.02, 0.0),
    capacity: 50,
  },
  // Monterrey.
  {
    name: 'Grúas Regias',
    phone: '81 8340 1100',
    services: ['tow-truck'],
    coverage: radius('mty', 55),
    location: at('mty', 0.0, 0.02),
    capacity: 5,
  },
  {
    name: 'Auxilio Carretero del Norte',
    phone: '81 8375 2200',
    services: ['tow-truck'],
    coverage: { kind: 'states', states: ['NLE', 'COA', 'TAM'] },
    location: at('mty', 0.08, -0.1),
    capacity: 4,
  },
  {
    name: 'Ambulancias San Pedro',
    phone: '81 8356 3300',
    services: ['land-ambulance'],
    coverage: radius('mty', 40),
    location: at('mty', -0.03, -0.05),
    capacity: 4,
  },
  {
    name: 'Cuidados en Casa Monterrey',
    phone: '81 8333 4400',
    services: ['home-nurse', 'medical-equipment-rental'],
    coverage: radius('mty', 35),
    location: at('mty', 0.01, 0.0),
    capacity: 5,
  },
  {
    name: 'Técnicos del Hogar Nuevo León',
    phone: '81 8989 5500',
    services: HOME,
    coverage: { kind: 'states', states: ['NLE'] },
    location: at('mty', 0.02, 0.03),
    capacity: 6,
  },
];

/** Hospitals publish consultations by specialty; nurse agencies, visits and equipment deliveries. */
export const DEMO_SLOTS: {
  provider: string;
  serviceCode: string;
  specialties: (string | undefined)[];
  hours: number[];
}[] = [
  {
    provider: 'Hospital Metropolitano del Sur',
    serviceCode: 'specialist-consultation',
    specialties: ['cardiología', 'dermatología', 'ginecología', 'traumatología'],
    hours: [10, 12, 17],
  },
  {
    provider: 'Hospital Civil de Occidente (demo)',
    serviceCode: 'specialist-consultation',
    specialties: ['cardiología', 'pediatría', 'oftalmología'],
    hours: [9, 13],
  },
  {
    provider: 'Enfermería en Casa CDMX',
    serviceCode: 'home-nurse',
    specialties: [undefined],
    hours: [9, 15],
  },
  {
    provider: 'Enfermería en Casa CDMX',
    serviceCode: 'medical-equipment-rental',
    specialties: [undefined],
    hours: [11],
  },
];

/** Days ahead the demo slots cover, from the day the demo data is loaded. */
export const DEMO_SLOT_DAYS = 7;
