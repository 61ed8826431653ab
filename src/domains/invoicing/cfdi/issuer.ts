/**
 * The operator as issuer, checked once at start: its RFC (check digit), a regime that applies to
 * its kind of person, the expedition postal code, and its CSD (loadCsd: same RFC, valid now, key
 * matches). An issuer sealing with the SAT's public test CSD is a demo: every document it makes
 * must say "sin validez fiscal".
 */
import type { Clock } from '../../../lib/clock.ts';
import { type Csd, type CsdSource, loadCsd } from './csd.ts';
import { CfdiError } from './errors.ts';
import { regimeApplies } from './fiscal-data.ts';
import type { Issuer } from './model.ts';
import { checkRfc } from './rfc.ts';
import { attributeText } from './text.ts';

/** The SAT's public test certificate (EKU9003173C9): documents sealed with it have no fiscal validity. */
export const SAT_TEST_CERTIFICATE_NUMBER = '30001000000500003416';

export interface PreparedIssuer {
  issuer: Issuer;
  csd: Csd;
  /** True when sealing with a test CSD: the documents are not valid before the SAT. */
  demo: boolean;
}

export function prepareIssuer(issuer: Issuer, source: CsdSource, clock: Clock): PreparedIssuer {
  const rfc = checkRfc(issuer.rfc);
  if (!rfc.ok || rfc.generic || !rfc.personType) {
    throw new CfdiError(
      'CFDI_FISCAL_DATA_INVALID',
      `El RFC del emisor (${issuer.rfc}) no es válido`,
      'issuer.rfc',
    );
  }
  if (!regimeApplies(issuer.fiscalRegime, rfc.personType)) {
    throw new CfdiError(
      'CFDI_FISCAL_DATA_INVALID',
      `El régimen fiscal del emisor (${issuer.fiscalRegime}) no aplica a su RFC`,
      'issuer.fiscalRegime',
    );
  }
  if (!/^\d{5}$/.test(issuer.postalCode)) {
    throw new CfdiError(
      'CFDI_FISCAL_DATA_INVALID',
      'El código postal de expedición tiene 5 dígitos',
      'issuer.postalCode',
    );
  }
  const prepared: Issuer = { ...issuer, rfc: rfc.rfc, name: attributeText(issuer.name, 'issuer.name', 300) };
  const csd = loadCsd(source, { rfc: prepared.rfc, clock });
  return { issuer: prepared, csd, demo: csd.noCertificado === SAT_TEST_CERTIFICATE_NUMBER };
}
