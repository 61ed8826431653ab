import { describe, expect, it } from 'vitest';
import { formatPhone, normaliseMexicanPhone } from '../../lib/phone.ts';
import { normaliseCurp, normaliseFullName, normaliseRfc, searchable } from './identity-documents.ts';

describe('Mexican mobile phones, kept in E.164', () => {
  it.each([
    ['5554800900', '+525554800900'],
    ['55 5480 0900', '+525554800900'],
    ['+52 55 5480 0900', '+525554800900'],
    ['+52 1 55 5480 0900', '+525554800900'],
    ['(333) 123-4567', '+523331234567'],
  ])('accepts %s', (input, expected) => expect(normaliseMexicanPhone(input)).toBe(expected));

  it.each(['555480090', '55548009001', '0554800900', 'telefono', '+1 555 480 0900'])('refuses %s', (input) =>
    expect(normaliseMexicanPhone(input)).toBeNull(),
  );

  it('formats what is kept as the UI guide says', () => {
    expect(formatPhone('+525554800900')).toBe('55 5480 0900');
    expect(formatPhone('+524421234567')).toBe('442 123 4567');
  });
});

describe('RFC', () => {
  it('accepts personas físicas and morales', () => {
    expect(normaliseRfc('lora850315ab1')).toBe('LORA850315AB1');
    expect(normaliseRfc('ABC010101AB9')).toBe('ABC010101AB9');
  });
  it.each(['LORA851315AB1', 'LORA850230AB1', 'LO850315AB1', 'LORA850315AB'])('refuses %s', (rfc) =>
    expect(normaliseRfc(rfc)).toBeNull(),
  );
});

describe('CURP', () => {
  // A published CURP, and one whose check digit follows RENAPO's algorithm.
  it.each(['LOOA531113HTCPBN07', 'GODE561231HDFRRN00'])('accepts %s', (curp) =>
    expect(normaliseCurp(curp.toLowerCase())).toBe(curp),
  );
  it.each([
    ['wrong check digit', 'GODE561231HDFRRN09'],
    ['wrong check digit on a published CURP', 'LOOA531113HTCPBN08'],
    ['bad state', 'GODE561231HZZRRN09'],
    ['bad date', 'GODE561331HDFRRN09'],
    ['too short', 'GODE561231HDFRRN0'],
  ])('refuses %s', (_why, curp) => expect(normaliseCurp(curp)).toBeNull());
});

describe('names', () => {
  it('keeps accents and collapses spaces', () => {
    expect(normaliseFullName('  María   Fernanda López-Ruiz ')).toBe('María Fernanda López-Ruiz');
    expect(normaliseFullName("José D'Angelo")).toBe("José D'Angelo");
  });
  it.each(['Ma', 'Prince', 'R2 D2', '<script>x</script>'])('refuses %s', (name) =>
    expect(normaliseFullName(name)).toBeNull(),
  );
  it('searches without accents or case', () => {
    expect(searchable('María  LÓPEZ Ñandú')).toBe('maria lopez nandu');
  });
});
