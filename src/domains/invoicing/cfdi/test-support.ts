/** Shared fixtures for the CFDI core's tests: the SAT's test issuer and CSD, customers, charges. */
import { readFileSync } from 'node:fs';
import { ManualClock } from '../../../lib/clock.ts';
import { splitIva } from '../../../lib/money.ts';
import { type Csd, loadCsd } from './csd.ts';
import type { ChargeLine, FiscalData, Issuer, PaymentForm } from './model.ts';
import { SAT_FILES } from './sat-files.ts';

/** The SAT's test taxpayer, whose public test CSD is in sat/csd-test. */
export const TEST_ISSUER: Issuer = {
  rfc: 'EKU9003173C9',
  name: 'ESCUELA KEMPER URGATE',
  fiscalRegime: '601',
  postalCode: '42501',
};

export const clock = new ManualClock('2026-11-30T18:00:00Z');

export function testCsd(): Csd {
  return loadCsd(
    {
      certificate: readFileSync(SAT_FILES.testCsdCertificate, 'utf8'),
      key: readFileSync(SAT_FILES.testCsdKey, 'utf8'),
    },
    { rfc: TEST_ISSUER.rfc, clock },
  );
}

/** A persona física on wages (605): G02 is not allowed for that regime, so its credit notes use S01. */
export const PERSON: FiscalData = {
  rfc: 'GODE561231GR8',
  name: 'José Ñúñez "El Güero" & Hijos <Prueba>',
  fiscalRegime: '605',
  postalCode: '06600',
  cfdiUse: 'S01',
};

/** A persona física with business activity (612), deducting the fee as a general expense. */
export const PROFESSIONAL: FiscalData = {
  rfc: 'KICR630120NX3',
  name: 'ROSA MARÍA CALDERÓN URIBE',
  fiscalRegime: '612',
  postalCode: '44100',
  cfdiUse: 'G03',
};

/** A persona moral (601), the SAT's test receiver. */
export const COMPANY: FiscalData = {
  rfc: 'URE180429TM6',
  name: 'UNIVERSIDAD ROBOTICA ESPAÑOLA',
  fiscalRegime: '601',
  postalCode: '86991',
  cfdiUse: 'G03',
};

export function charge(total: number, paymentForm: PaymentForm, reference = 'LP-26-000101'): ChargeLine {
  const { base, iva } = splitIva(total);
  return {
    reference,
    description: 'Membresía Libra Plus, mensualidad de noviembre 2026',
    base,
    iva,
    total,
    paymentForm,
  };
}

export const numbering = (serie: string, folio: number) => ({
  serie,
  folio: String(folio),
  issuedAt: clock.now(),
});
