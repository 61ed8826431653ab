import type { Random } from './random.ts';

/**
 * Made-up people, places and cars for the simulated history. Nobody here is real and no message
 * can reach anyone: emails are at example.com (reserved, RFC 2606) and phones are in the
 * `XX 0000 ….` blocks, which Mexico's numbering plan does not give to subscribers.
 */

const FIRST = [
  'María',
  'José',
  'Guadalupe',
  'Juan',
  'Fernanda',
  'Luis',
  'Alejandra',
  'Carlos',
  'Sofía',
  'Miguel',
  'Valeria',
  'Jorge',
  'Daniela',
  'Ricardo',
  'Gabriela',
  'Francisco',
  'Mariana',
  'Eduardo',
  'Paola',
  'Alberto',
  'Ximena',
  'Héctor',
  'Andrea',
  'Raúl',
  'Regina',
  'Arturo',
  'Camila',
  'Sergio',
  'Lucía',
  'Diego',
];
const LAST = [
  'Hernández',
  'García',
  'Martínez',
  'López',
  'González',
  'Rodríguez',
  'Pérez',
  'Sánchez',
  'Ramírez',
  'Cruz',
  'Flores',
  'Gómez',
  'Morales',
  'Vázquez',
  'Reyes',
  'Jiménez',
  'Torres',
  'Díaz',
  'Gutiérrez',
  'Ruiz',
  'Mendoza',
  'Aguilar',
  'Ortiz',
  'Moreno',
  'Castillo',
  'Romero',
  'Álvarez',
  'Méndez',
  'Chávez',
];

export interface City {
  key: 'cdmx' | 'gdl' | 'mty' | 'mer';
  stateCode: string;
  area: string;
  center: { lat: number; lng: number };
  streets: string[];
}

/** Where members live and ask for help; Mérida has no provider of the demo network (no offer goes out). */
export const CITIES: City[] = [
  {
    key: 'cdmx',
    stateCode: 'CMX',
    area: '55',
    center: { lat: 19.4326, lng: -99.1332 },
    streets: ['Av. Insurgentes Sur', 'Calz. de Tlalpan', 'Av. Universidad', 'Eje Central', 'Av. Revolución'],
  },
  {
    key: 'gdl',
    stateCode: 'JAL',
    area: '33',
    center: { lat: 20.6597, lng: -103.3496 },
    streets: ['Av. Vallarta', 'Av. López Mateos', 'Av. Chapultepec', 'Av. Patria'],
  },
  {
    key: 'mty',
    stateCode: 'NLE',
    area: '81',
    center: { lat: 25.6866, lng: -100.3161 },
    streets: ['Av. Constitución', 'Av. Garza Sada', 'Av. Gonzalitos', 'Av. Lázaro Cárdenas'],
  },
  {
    key: 'mer',
    stateCode: 'YUC',
    area: '999',
    center: { lat: 20.967, lng: -89.6237 },
    streets: ['Paseo de Montejo', 'Calle 60'],
  },
];

const CITY_WEIGHTS = { cdmx: 60, gdl: 20, mty: 17, mer: 3 } as const;

export function pickCity(random: Random): City {
  const key = random.weighted(CITY_WEIGHTS);
  return CITIES.find((c) => c.key === key) as City;
}

export interface Person {
  fullName: string;
  email: string;
  phone: string;
  birthDate: string;
}

/** The index makes each email unique; the history's first member is found by its email. */
export function person(random: Random, index: number, city: City): Person {
  const first = random.pick(FIRST);
  const last = `${random.pick(LAST)} ${random.pick(LAST)}`;
  const slug = `${first}.${last.split(' ')[0]}`
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
  const year = random.int(1950, 2004);
  const month = String(random.int(1, 12)).padStart(2, '0');
  const day = String(random.int(1, 28)).padStart(2, '0');
  const local = String(index % 10_000).padStart(4, '0');
  return {
    fullName: `${first} ${last}`,
    email: `${slug}.${index}@historia.example.com`,
    phone: city.area.length === 2 ? `${city.area} 0000 ${local}` : `${city.area} 000 ${local}`,
    birthDate: `${year}-${month}-${day}`,
  };
}

/** A point within a few kilometres of the city's centre, and an address that reads like one. */
export function placeIn(random: Random, city: City) {
  const lat = Math.round((city.center.lat + (random.next() - 0.5) * 0.12) * 1e5) / 1e5;
  const lng = Math.round((city.center.lng + (random.next() - 0.5) * 0.12) * 1e5) / 1e5;
  return {
    address: `${random.pick(city.streets)} ${random.int(10, 2999)}`,
    lat,
    lng,
    stateCode: city.stateCode,
  };
}

const CARS = [
  ['Nissan', 'Versa'],
  ['Volkswagen', 'Jetta'],
  ['Chevrolet', 'Aveo'],
  ['Toyota', 'Corolla'],
  ['Mazda', '3'],
  ['Kia', 'Rio'],
  ['Honda', 'CR-V'],
  ['Nissan', 'March'],
] as const;

export function vehicle(random: Random) {
  const [make, model] = random.pick(CARS);
  const letters = 'ABCDEFGHJKLMNPRSTUVWXYZ';
  const l = () => letters[random.int(0, letters.length - 1)];
  return {
    make,
    model,
    year: random.int(2008, 2025),
    plates: `${l()}${l()}${l()}-${random.int(100, 999)}-${l()}`,
    color: random.pick(['blanco', 'gris', 'negro', 'rojo', 'azul']),
  };
}

/** What people say when they call, by service. */
export const DESCRIPTIONS: Record<string, string[]> = {
  'tow-truck': [
    'El coche no arranca; necesito grúa al taller.',
    'Choque leve, el auto no puede circular.',
    'Se ponchó una llanta y no trae refacción.',
  ],
  'land-ambulance': [
    'Caída en casa, dolor fuerte en la cadera.',
    'Dificultad para respirar desde hace una hora.',
  ],
  'home-plumbing': ['Fuga de agua en la cocina.', 'El calentador gotea y no prende.'],
  'home-locksmith': [
    'Se quedaron las llaves dentro de la casa.',
    'La chapa de la puerta principal se atoró.',
  ],
  'home-electrician': [
    'Se fue la luz en media casa; el pastilla no sube.',
    'Huele a quemado en un contacto.',
  ],
  'home-glazier': ['Se rompió el vidrio de una ventana con el viento.'],
  'online-doctor': ['Dolor de garganta y fiebre desde ayer.', 'Dolor de estómago desde la mañana.'],
  'legal-advice': ['Me quieren cobrar un choque que no fue mi culpa.', 'Duda sobre un contrato de renta.'],
  'medical-discounts': ['Quiero saber qué descuentos tengo en laboratorios.'],
  'home-nurse': ['Necesito enfermera para curaciones después de una cirugía.'],
  'medical-equipment-rental': ['Necesito renta de silla de ruedas por dos semanas.'],
  'specialist-consultation': ['Quiero una cita con el cardiólogo.'],
  'atm-robbery-protection': ['Me asaltaron al salir del cajero; me quitaron el efectivo.'],
};
