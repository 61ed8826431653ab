import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMoney, parsePesos, splitIva } from './money.ts';

/** |IVA − exact base × 0.16| ≤ ½ centavo, in integers: |116·IVA − 16·total| ≤ 58. */
function ivaWithinHalfCentavo(total: number): boolean {
  const { base, iva } = splitIva(total);
  return base + iva === total && Math.abs(116 * iva - 16 * total) <= 58 && base >= 0 && iva >= 0;
}

describe('splitIva', () => {
  it('splits the plan price as the SPEC says: 218.00 → 187.93 + 30.07', () => {
    expect(splitIva(21_800)).toEqual({ total: 21_800, base: 18_793, iva: 3_007 });
  });

  it('splits small and round totals', () => {
    expect(splitIva(0)).toEqual({ total: 0, base: 0, iva: 0 });
    expect(splitIva(116)).toEqual({ total: 116, base: 100, iva: 16 });
    expect(splitIva(100_000)).toEqual({ total: 100_000, base: 86_207, iva: 13_793 });
    expect(splitIva(11)).toEqual({ total: 11, base: 9, iva: 2 });
  });

  it('property: base + IVA = total and IVA is within half a centavo of the exact IVA (0…10,000,000)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (total) => ivaWithinHalfCentavo(total)),
      { numRuns: 20_000 },
    );
  });

  it('holds for every total from 0 to 10,000,000 centavos, exhaustively', () => {
    let failures = 0;
    for (let total = 0; total <= 10_000_000; total++) if (!ivaWithinHalfCentavo(total)) failures++;
    expect(failures).toBe(0);
  });

  it('refuses fractions and negatives', () => {
    expect(() => splitIva(1.5)).toThrow(RangeError);
    expect(() => splitIva(-1)).toThrow(RangeError);
  });
});

describe('formatMoney', () => {
  it('formats as the UI guide says', () => {
    expect(formatMoney(100_000)).toBe('$1,000.00');
    expect(formatMoney(21_800, { withCurrency: true })).toBe('$218.00 MXN');
    expect(formatMoney(5)).toBe('$0.05');
  });
});

describe('parsePesos', () => {
  it('reads amounts people write', () => {
    expect(parsePesos('218.00')).toBe(21_800);
    expect(parsePesos('$1,000')).toBe(100_000);
    expect(parsePesos('0.5')).toBe(50);
  });
  it('refuses more than two decimals or words', () => {
    expect(() => parsePesos('1.005')).toThrow(RangeError);
    expect(() => parsePesos('mil')).toThrow(RangeError);
  });
});
