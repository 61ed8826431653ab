/**
 * Validation of a customer's fiscal data before an invoice is made: RFC with its check digit, the
 * name, a fiscal regime that applies to the RFC's kind of person, the fiscal postal code, and a
 * CFDI use the SAT allows for that regime (c_UsoCFDI's "Régimen Fiscal Receptor" column). Every
 * problem names its field and says, in Spanish first, what to fix.
 */
import { CFDI_USES, FISCAL_REGIMES } from './catalogues.ts';
import type { FiscalData } from './model.ts';
import { checkRfc, normalizeRfc } from './rfc.ts';
import { collapse } from './text.ts';

export type FiscalField = keyof FiscalData;

export interface FiscalIssue {
  field: FiscalField;
  code: string;
  es: string;
  en: string;
}

const issue = (field: FiscalField, code: string, es: string, en: string): FiscalIssue => ({
  field,
  code,
  es,
  en,
});

/** Trims and upper-cases what the SAT compares that way; the name keeps its spelling. */
export function normalizeFiscalData(data: FiscalData): FiscalData {
  return {
    rfc: normalizeRfc(data.rfc),
    name: collapse(data.name).toUpperCase(),
    fiscalRegime: data.fiscalRegime.trim(),
    postalCode: data.postalCode.trim(),
    cfdiUse: data.cfdiUse.trim().toUpperCase(),
  };
}

export function validateFiscalData(input: FiscalData): FiscalIssue[] {
  const data = normalizeFiscalData(input);
  const issues: FiscalIssue[] = [];
  const rfc = checkRfc(data.rfc);
  if (rfc.generic) {
    issues.push(
      issue(
        'rfc',
        'RFC_GENERIC',
        'Escribe tu propio RFC. Sin RFC, el cargo se incluye en la factura global al público en general.',
        'Enter your own RFC. Without one, the charge goes into the global invoice to the general public.',
      ),
    );
  } else if (!rfc.ok) {
    const [es, en] =
      rfc.problem === 'check-digit'
        ? [
            'El RFC no es válido: su dígito verificador no corresponde. Revísalo en tu constancia de situación fiscal.',
            'The RFC is not valid: its check digit does not match. Check it on your tax status certificate.',
          ]
        : rfc.problem === 'date'
          ? [
              'El RFC no es válido: la fecha que contiene no existe.',
              'The RFC is not valid: the date in it does not exist.',
            ]
          : [
              'El RFC debe tener 13 caracteres (persona física) o 12 (persona moral), p. ej. GODE561231GR8.',
              'The RFC must have 13 characters (individual) or 12 (company), e.g. GODE561231GR8.',
            ];
    issues.push(issue('rfc', rfc.problem === 'check-digit' ? 'RFC_CHECK_DIGIT' : 'RFC_FORMAT', es, en));
  }
  if (data.name.length === 0 || data.name.length > 300 || data.name.includes('|')) {
    issues.push(
      issue(
        'name',
        'NAME_INVALID',
        'Escribe el nombre o razón social tal como aparece en tu constancia de situación fiscal (hasta 300 caracteres, sin "|").',
        'Enter the name exactly as on your tax status certificate (up to 300 characters, no "|").',
      ),
    );
  }
  const regime = FISCAL_REGIMES[data.fiscalRegime];
  if (!regime) {
    issues.push(
      issue(
        'fiscalRegime',
        'REGIME_UNKNOWN',
        'Elige un régimen fiscal del catálogo del SAT.',
        'Choose a fiscal regime from the SAT catalogue.',
      ),
    );
  } else if (rfc.personType && !rfc.generic && !regime[rfc.personType]) {
    issues.push(
      issue(
        'fiscalRegime',
        'REGIME_NOT_FOR_PERSON',
        rfc.personType === 'moral'
          ? `El régimen ${data.fiscalRegime} es para personas físicas y tu RFC es de persona moral.`
          : `El régimen ${data.fiscalRegime} es para personas morales y tu RFC es de persona física.`,
        rfc.personType === 'moral'
          ? `Regime ${data.fiscalRegime} is for individuals and the RFC is a company's.`
          : `Regime ${data.fiscalRegime} is for companies and the RFC is an individual's.`,
      ),
    );
  }
  if (!/^\d{5}$/.test(data.postalCode)) {
    issues.push(
      issue(
        'postalCode',
        'POSTAL_CODE_INVALID',
        'El código postal fiscal tiene 5 dígitos, como en tu constancia de situación fiscal.',
        'The fiscal postal code has 5 digits, as on your tax status certificate.',
      ),
    );
  }
  const use = CFDI_USES[data.cfdiUse];
  if (!use) {
    issues.push(
      issue(
        'cfdiUse',
        'USE_UNKNOWN',
        'Elige un uso de CFDI del catálogo del SAT.',
        'Choose a CFDI use from the SAT catalogue.',
      ),
    );
  } else if (regime && !use.regimes.includes(data.fiscalRegime)) {
    issues.push(
      issue(
        'cfdiUse',
        'USE_NOT_FOR_REGIME',
        `El uso de CFDI ${data.cfdiUse} no está permitido para el régimen ${data.fiscalRegime}. Usos permitidos: ${allowedUses(data.fiscalRegime, rfc.personType).join(', ')}.`,
        `CFDI use ${data.cfdiUse} is not allowed for regime ${data.fiscalRegime}. Allowed: ${allowedUses(data.fiscalRegime, rfc.personType).join(', ')}.`,
      ),
    );
  } else if (rfc.personType && !use[rfc.personType]) {
    issues.push(
      issue(
        'cfdiUse',
        'USE_NOT_FOR_PERSON',
        `El uso de CFDI ${data.cfdiUse} es solo para personas físicas.`,
        `CFDI use ${data.cfdiUse} is for individuals only.`,
      ),
    );
  }
  return issues;
}

/** The CFDI uses the SAT allows for a regime (and kind of person, when known), in catalogue order. */
export function allowedUses(fiscalRegime: string, personType?: 'fisica' | 'moral'): string[] {
  return Object.entries(CFDI_USES)
    .filter(([, u]) => u.regimes.includes(fiscalRegime) && (!personType || u[personType]))
    .map(([code]) => code);
}

/** A regime's applicability to a kind of person. */
export function regimeApplies(fiscalRegime: string, personType: 'fisica' | 'moral'): boolean {
  return FISCAL_REGIMES[fiscalRegime]?.[personType] ?? false;
}
