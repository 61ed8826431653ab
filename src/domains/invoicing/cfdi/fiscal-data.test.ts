import { describe, expect, it } from 'vitest';
import { CFDI_USES, FISCAL_REGIMES } from './catalogues.ts';
import { allowedUses, regimeApplies, validateFiscalData } from './fiscal-data.ts';
import { checkRfc, rfcCheckDigit } from './rfc.ts';
import { COMPANY, PROFESSIONAL } from './test-support.ts';

describe('RFC', () => {
  it.each([
    ['EKU9003173C9', 'moral'],
    ['URE180429TM6', 'moral'],
    ['IIA040805DZ4', 'moral'],
    ['EWE1709045U0', 'moral'],
    ['GODE561231GR8', 'fisica'],
    ['KICR630120NX3', 'fisica'],
    ['XOJI740919U48', 'fisica'],
    ['CACX7605101P8', 'fisica'],
  ])('accepts the SAT test RFC %s (%s) with its check digit', (rfc, personType) => {
    expect(checkRfc(rfc)).toEqual({ ok: true, rfc, personType });
  });

  it('computes the check digit, including the "A" and "0" cases', () => {
    expect(rfcCheckDigit('EKU9003173C')).toBe('9');
    expect(rfcCheckDigit('EWE1709045U')).toBe('0');
    // Some 12-character prefix whose digit is A: search, then check it round-trips.
    const withA = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE', 'FFF', 'GGG', 'HHH']
      .flatMap((p) => Array.from({ length: 90 }, (_, i) => `${p}0101${String(i + 10).slice(-2)}XX`))
      .find((p) => rfcCheckDigit(p) === 'A');
    expect(withA).toBeDefined();
    expect(checkRfc(`${withA}A`).ok).toBe(true);
  });

  it('refuses a wrong check digit, an impossible date and a bad shape', () => {
    expect(checkRfc('EKU9003173C8')).toMatchObject({ ok: false, problem: 'check-digit' });
    expect(checkRfc('GODE561331GR8')).toMatchObject({ ok: false, problem: 'date' });
    expect(checkRfc('GODE560230GR8')).toMatchObject({ ok: false, problem: 'date' });
    expect(checkRfc('GOD-561231GR8')).toMatchObject({ ok: false, problem: 'format' });
    expect(checkRfc('GODE561231GR')).toMatchObject({ ok: false });
  });

  it('normalises case and spaces, and recognises the generic RFCs', () => {
    expect(checkRfc(' eku9003173c9 ')).toMatchObject({ ok: true, rfc: 'EKU9003173C9' });
    expect(checkRfc('XAXX010101000')).toMatchObject({ ok: true, generic: 'public' });
    expect(checkRfc('XEXX010101000')).toMatchObject({ ok: true, generic: 'foreign' });
  });
});

describe('fiscal regime and CFDI use', () => {
  it('knows which regimes apply to personas físicas and morales', () => {
    expect(regimeApplies('601', 'moral')).toBe(true);
    expect(regimeApplies('601', 'fisica')).toBe(false);
    expect(regimeApplies('605', 'fisica')).toBe(true);
    expect(regimeApplies('626', 'fisica') && regimeApplies('626', 'moral')).toBe(true);
    expect(regimeApplies('999', 'fisica')).toBe(false);
  });

  it("allows the uses of c_UsoCFDI's regime column", () => {
    expect(allowedUses('605', 'fisica')).toEqual([
      'D01',
      'D02',
      'D03',
      'D04',
      'D05',
      'D06',
      'D07',
      'D08',
      'D09',
      'D10',
      'S01',
      'CP01',
      'CN01',
    ]);
    expect(allowedUses('616')).toEqual(['G02', 'S01', 'CP01']);
    expect(allowedUses('601', 'moral')).toContain('G03');
    expect(allowedUses('601', 'moral')).not.toContain('D01');
  });

  it('covers every regime with at least S01 and lists only known regimes', () => {
    for (const regime of Object.keys(FISCAL_REGIMES)) expect(allowedUses(regime)).toContain('S01');
    for (const use of Object.values(CFDI_USES)) {
      for (const r of use.regimes) expect(FISCAL_REGIMES[r]).toBeDefined();
    }
  });
});

describe('validateFiscalData', () => {
  it('accepts valid data', () => {
    expect(validateFiscalData(COMPANY)).toEqual([]);
    expect(validateFiscalData(PROFESSIONAL)).toEqual([]);
    expect(validateFiscalData({ ...PROFESSIONAL, rfc: 'kicr630120nx3', cfdiUse: 'd01' })).toEqual([]);
  });

  it('refuses a bad check digit at the rfc field, in Spanish and English', () => {
    const [issue, ...rest] = validateFiscalData({ ...COMPANY, rfc: 'URE180429TM7' });
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ field: 'rfc', code: 'RFC_CHECK_DIGIT' });
    expect(issue?.es).toBe(
      'El RFC no es válido: su dígito verificador no corresponde. Revísalo en tu constancia de situación fiscal.',
    );
    expect(issue?.en).toMatch(/check digit/);
  });

  it('refuses a CFDI use the regime does not allow, naming the allowed ones', () => {
    const issues = validateFiscalData({ ...PROFESSIONAL, fiscalRegime: '605', cfdiUse: 'G03' });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ field: 'cfdiUse', code: 'USE_NOT_FOR_REGIME' });
    expect(issues[0]?.es).toContain('El uso de CFDI G03 no está permitido para el régimen 605');
    expect(issues[0]?.es).toContain('D01');
  });

  it('refuses a regime for the other kind of person', () => {
    expect(validateFiscalData({ ...COMPANY, fiscalRegime: '605', cfdiUse: 'S01' })[0]).toMatchObject({
      field: 'fiscalRegime',
      code: 'REGIME_NOT_FOR_PERSON',
      es: 'El régimen 605 es para personas físicas y tu RFC es de persona moral.',
    });
    expect(validateFiscalData({ ...PROFESSIONAL, fiscalRegime: '601' })[0]).toMatchObject({
      field: 'fiscalRegime',
    });
  });

  it('refuses personal deductions (D01–D10) for a company even when the regime is shared', () => {
    const issues = validateFiscalData({ ...COMPANY, fiscalRegime: '626', cfdiUse: 'D01' });
    expect(issues.map((i) => i.field)).toEqual(['cfdiUse']);
  });

  it('reports every bad field at once, each at its field', () => {
    const issues = validateFiscalData({
      rfc: 'XYZ',
      name: ' ',
      fiscalRegime: '999',
      postalCode: '1234',
      cfdiUse: 'Z99',
    });
    expect(issues.map((i) => i.field)).toEqual(['rfc', 'name', 'fiscalRegime', 'postalCode', 'cfdiUse']);
    for (const i of issues) expect(i.es.length).toBeGreaterThan(10);
  });

  it('sends a customer without RFC to the global invoice instead of taking a generic RFC', () => {
    expect(
      validateFiscalData({ ...PROFESSIONAL, rfc: 'XAXX010101000', fiscalRegime: '616', cfdiUse: 'S01' })[0],
    ).toMatchObject({
      field: 'rfc',
      code: 'RFC_GENERIC',
    });
  });
});
