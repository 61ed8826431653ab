/**
 * The SAT catalogues (Anexo 20, catCFDI) this project uses, copied from the SAT's catalogue
 * spreadsheet: c_RegimenFiscal with its persona física / moral columns and c_UsoCFDI with its
 * "Régimen Fiscal Receptor" column. sat/catCFDI.xsd enumerates the same values for the schema.
 */

export type PersonType = 'fisica' | 'moral';

export interface RegimeEntry {
  description: string;
  fisica: boolean;
  moral: boolean;
}

export const FISCAL_REGIMES: Readonly<Record<string, RegimeEntry>> = {
  '601': { description: 'General de Ley Personas Morales', fisica: false, moral: true },
  '603': { description: 'Personas Morales con Fines no Lucrativos', fisica: false, moral: true },
  '605': { description: 'Sueldos y Salarios e Ingresos Asimilados a Salarios', fisica: true, moral: false },
  '606': { description: 'Arrendamiento', fisica: true, moral: false },
  '607': { description: 'Régimen de Enajenación o Adquisición de Bienes', fisica: true, moral: false },
  '608': { description: 'Demás ingresos', fisica: true, moral: false },
  '610': {
    description: 'Residentes en el Extranjero sin Establecimiento Permanente en México',
    fisica: true,
    moral: true,
  },
  '611': { description: 'Ingresos por Dividendos (socios y accionistas)', fisica: true, moral: false },
  '612': {
    description: 'Personas Físicas con Actividades Empresariales y Profesionales',
    fisica: true,
    moral: false,
  },
  '614': { description: 'Ingresos por intereses', fisica: true, moral: false },
  '615': { description: 'Régimen de los ingresos por obtención de premios', fisica: true, moral: false },
  '616': { description: 'Sin obligaciones fiscales', fisica: true, moral: false },
  '620': {
    description: 'Sociedades Cooperativas de Producción que optan por diferir sus ingresos',
    fisica: false,
    moral: true,
  },
  '621': { description: 'Incorporación Fiscal', fisica: true, moral: false },
  '622': {
    description: 'Actividades Agrícolas, Ganaderas, Silvícolas y Pesqueras',
    fisica: false,
    moral: true,
  },
  '623': { description: 'Opcional para Grupos de Sociedades', fisica: false, moral: true },
  '624': { description: 'Coordinados', fisica: false, moral: true },
  '625': {
    description: 'Régimen de las Actividades Empresariales con ingresos a través de Plataformas Tecnológicas',
    fisica: true,
    moral: false,
  },
  '626': { description: 'Régimen Simplificado de Confianza', fisica: true, moral: true },
};

export interface UseEntry {
  description: string;
  fisica: boolean;
  moral: boolean;
  regimes: readonly string[];
}

const BUSINESS = ['601', '603', '606', '612', '620', '621', '622', '623', '624', '625', '626'];
const PERSONAL = ['605', '606', '608', '611', '612', '614', '607', '615', '625'];
const ANY = [
  '601',
  '603',
  '605',
  '606',
  '608',
  '610',
  '611',
  '612',
  '614',
  '616',
  '620',
  '621',
  '622',
  '623',
  '624',
  '607',
  '615',
  '625',
  '626',
];

const business = (description: string): UseEntry => ({
  description,
  fisica: true,
  moral: true,
  regimes: BUSINESS,
});
const personal = (description: string): UseEntry => ({
  description,
  fisica: true,
  moral: false,
  regimes: PERSONAL,
});

export const CFDI_USES: Readonly<Record<string, UseEntry>> = {
  G01: business('Adquisición de mercancías.'),
  G02: {
    description: 'Devoluciones, descuentos o bonificaciones.',
    fisica: true,
    moral: true,
    regimes: [...BUSINESS.slice(0, 4), '616', ...BUSINESS.slice(4)],
  },
  G03: business('Gastos en general.'),
  I01: business('Construcciones.'),
  I02: business('Mobiliario y equipo de oficina por inversiones.'),
  I03: business('Equipo de transporte.'),
  I04: business('Equipo de computo y accesorios.'),
  I05: business('Dados, troqueles, moldes, matrices y herramental.'),
  I06: business('Comunicaciones telefónicas.'),
  I07: business('Comunicaciones satelitales.'),
  I08: business('Otra maquinaria y equipo.'),
  D01: personal('Honorarios médicos, dentales y gastos hospitalarios.'),
  D02: personal('Gastos médicos por incapacidad o discapacidad.'),
  D03: personal('Gastos funerales.'),
  D04: personal('Donativos.'),
  D05: personal('Intereses reales efectivamente pagados por créditos hipotecarios (casa habitación).'),
  D06: personal('Aportaciones voluntarias al SAR.'),
  D07: personal('Primas por seguros de gastos médicos.'),
  D08: personal('Gastos de transportación escolar obligatoria.'),
  D09: personal('Depósitos en cuentas para el ahorro, primas que tengan como base planes de pensiones.'),
  D10: personal('Pagos por servicios educativos (colegiaturas).'),
  S01: { description: 'Sin efectos fiscales.', fisica: true, moral: true, regimes: ANY },
  CP01: { description: 'Pagos', fisica: true, moral: true, regimes: ANY },
  CN01: { description: 'Nómina', fisica: true, moral: false, regimes: ['605'] },
};

/** The generic RFCs (Anexo 20): domestic public in general, and foreign residents. */
export const RFC_PUBLIC = 'XAXX010101000';
export const RFC_FOREIGN = 'XEXX010101000';
/** The Receptor's name the SAT requires with RFC_PUBLIC (without accent, as the SAT writes it). */
export const PUBLIC_NAME = 'PUBLICO EN GENERAL';

/**
 * The product/service keys and units the documents carry (see docs/invoicing.md for the choice).
 * The global invoice and the credit note use the keys the SAT's filling guides prescribe.
 */
export const PRODUCT = {
  membership: { claveProdServ: '85101700', claveUnidad: 'E48', unidad: 'Unidad de servicio' },
  globalSale: { claveProdServ: '01010101', claveUnidad: 'ACT', descripcion: 'Venta' },
  creditNote: { claveProdServ: '84111506', claveUnidad: 'ACT', unidad: 'Actividad' },
} as const;

export const PAYMENT_FORMS = { '04': 'Tarjeta de crédito', '28': 'Tarjeta de débito' } as const;

export const CANCELLATION_REASONS = {
  '01': 'Comprobante emitido con errores con relación',
  '02': 'Comprobante emitido con errores sin relación',
  '03': 'No se llevó a cabo la operación',
  '04': 'Operación nominativa relacionada en una factura global',
} as const;
export type CancellationReason = keyof typeof CANCELLATION_REASONS;
