import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitIva } from '../../../lib/money.ts';
import { ivaBounds, pesos, refundSplit, type Split, sumSplits } from './amounts.ts';
import { buildCreditNote, buildGlobalInvoice, buildInvoice } from './documents.ts';
import type { ChargeLine, Comprobante } from './model.ts';
import { SAT_FILES } from './sat-files.ts';
import { xmllintSchema } from './sat-tools.ts';
import { sealComprobante } from './seal.ts';
import { COMPANY, numbering, TEST_ISSUER, testCsd } from './test-support.ts';

const csd = testCsd();
const UUID = '5FB2822E-396D-4725-8521-CDC4BDD20CCF';

const centavos = (text: string) => {
  const [whole, cents = ''] = text.split('.');
  expect(cents).toHaveLength(2);
  return Number(whole) * 100 + Number(cents);
};
const attr = (xml: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(xml)?.[1] ?? '';
/** Every Base and Importe of the document-level traslado, read back from the XML. */
function totalsInXml(xml: string): Split & { subTotal: number } {
  const impuestos =
    /<cfdi:Impuestos TotalImpuestosTrasladados="[^"]*"><cfdi:Traslados><cfdi:Traslado [^>]*>/.exec(
      xml.slice(xml.lastIndexOf('</cfdi:Conceptos>')),
    )?.[0] ?? '';
  return {
    subTotal: centavos(attr(xml, 'SubTotal')),
    total: centavos(attr(xml, 'Total')),
    base: centavos(attr(impuestos, 'Base')),
    iva: centavos(attr(impuestos, 'TotalImpuestosTrasladados')),
  };
}

const chargeOf = (total: number, i = 0): ChargeLine => ({
  reference: `LP-26-${String(i).padStart(6, '0')}`,
  description: 'Membresía Libra Plus',
  ...splitIva(total),
  paymentForm: i % 2 === 0 ? '04' : '28',
});

const amount = fc.integer({ min: 1, max: 100_000_000 });

describe('amounts on the documents', () => {
  it('writes centavos with two decimals', () => {
    expect(pesos(0)).toBe('0.00');
    expect(pesos(5)).toBe('0.05');
    expect(pesos(21_800)).toBe('218.00');
    expect(pesos(123_456_789)).toBe('1234567.89');
  });

  it('property: every stored split lies within the SAT bounds for the IVA of its base', () => {
    fc.assert(
      fc.property(amount, (total) => {
        const { base, iva } = splitIva(total);
        const { min, max } = ivaBounds(base);
        return iva >= min && iva <= max;
      }),
      { numRuns: 20_000 },
    );
  });

  it("property: an invoice carries exactly the charge's stored base, IVA and total", () => {
    fc.assert(
      fc.property(amount, (total) => {
        const c = chargeOf(total);
        const doc = sealComprobante(
          buildInvoice({
            issuer: TEST_ISSUER,
            receiver: COMPANY,
            charges: [c],
            numbering: numbering('F', 1),
          }),
          csd,
        );
        const read = totalsInXml(doc.xml);
        expect(read).toEqual({ subTotal: c.base, base: c.base, iva: c.iva, total: c.total });
        expect(attr(doc.xml, 'ValorUnitario')).toBe(pesos(c.base));
      }),
      { numRuns: 300 },
    );
  });

  it('property: a global invoice sums exactly the charges it holds', () => {
    fc.assert(
      fc.property(fc.array(amount, { minLength: 1, maxLength: 40 }), (totals) => {
        const charges = totals.map(chargeOf);
        const doc = sealComprobante(
          buildGlobalInvoice({
            issuer: TEST_ISSUER,
            charges,
            period: { year: 2026, month: 11 },
            numbering: numbering('G', 1),
          }),
          csd,
        );
        const sum = sumSplits(charges);
        expect(totalsInXml(doc.xml)).toEqual({ subTotal: sum.base, ...sum });
        expect(doc.xml.match(/<cfdi:Concepto /g)).toHaveLength(charges.length);
      }),
      { numRuns: 200 },
    );
  });

  it('property: partial refunds carry the refunded amount with its IVA and sum to the invoice', () => {
    fc.assert(
      fc.property(
        amount,
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 6 }),
        (total, weights) => {
          const c = chargeOf(total);
          // Cut the total into refunds in the given proportions; the last one completes it.
          const sumW = weights.reduce((a, b) => a + b, 0);
          const amounts: number[] = [];
          let given = 0;
          for (const [i, w] of weights.entries()) {
            const a = i === weights.length - 1 ? total - given : Math.floor((total * w) / sumW);
            if (a > 0) amounts.push(a);
            given += a;
          }
          let refunded: Split = { base: 0, iva: 0, total: 0 };
          for (const a of amounts) {
            const split = refundSplit(c, refunded, a);
            expect(split.total).toBe(a);
            // Its IVA is the IVA of its own base, as the SAT checks it (16 % within its bounds).
            const bounds = ivaBounds(split.base);
            expect(split.iva).toBeGreaterThanOrEqual(bounds.min);
            expect(split.iva).toBeLessThanOrEqual(bounds.max);
            const note = buildCreditNote({
              issuer: TEST_ISSUER,
              related: { kind: 'invoice', uuid: UUID, receiver: COMPANY },
              refund: {
                reference: c.reference,
                description: 'Devolución',
                split,
                paymentForm: c.paymentForm,
              },
              numbering: numbering('NC', 1),
            });
            const read = totalsInXml(sealComprobante(note, csd).xml);
            expect(read).toEqual({ subTotal: split.base, ...split });
            refunded = sumSplits([refunded, split]);
          }
          // All credit notes of a charge together refund its total exactly; the base (and so the
          // IVA) is exact for a full refund and within one centavo for partial ones.
          expect(refunded.total).toBe(c.total);
          expect(Math.abs(refunded.base - c.base)).toBeLessThanOrEqual(amounts.length === 1 ? 0 : 1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a full refund equals the invoice exactly, and so does the usual partial refund then the rest', () => {
    const c = chargeOf(21_800);
    expect(refundSplit(c, { base: 0, iva: 0, total: 0 }, 21_800)).toEqual({
      base: 18_793,
      iva: 3_007,
      total: 21_800,
    });
    const first = refundSplit(c, { base: 0, iva: 0, total: 0 }, 10_000);
    expect(first).toEqual({ base: 8_621, iva: 1_379, total: 10_000 });
    expect(refundSplit(c, first, 11_800)).toEqual({
      base: 18_793 - 8_621,
      iva: 3_007 - 1_379,
      total: 11_800,
    });
  });

  it('refuses a refund larger than what is left of the charge', () => {
    const c = chargeOf(21_800);
    expect(() => refundSplit(c, { base: 0, iva: 0, total: 0 }, 21_801)).toThrow(/excede/);
    expect(() => refundSplit(c, splitIva(20_000), 1_801)).toThrow(/excede/);
  });

  it('ends within one centavo when the exact rest would break the SAT bounds (0.47 as 0.04 + 0.43)', () => {
    const c = chargeOf(47);
    const first = refundSplit(c, { base: 0, iva: 0, total: 0 }, 4);
    const rest = refundSplit(c, first, 43);
    for (const s of [first, rest]) {
      const { min, max } = ivaBounds(s.base);
      expect(s.iva >= min && s.iva <= max).toBe(true);
    }
    expect(first.total + rest.total).toBe(47);
    expect(first.base + rest.base).not.toBe(c.base);
    expect(Math.abs(first.base + rest.base - c.base)).toBeLessThanOrEqual(1);
  });

  it('a sample of random documents validates against the SAT schema', async () => {
    const samples = fc.sample(fc.array(amount, { minLength: 1, maxLength: 5 }), { numRuns: 12, seed: 24 });
    const docs: Comprobante[] = samples.flatMap((totals, i) => [
      buildInvoice({
        issuer: TEST_ISSUER,
        receiver: COMPANY,
        charges: [chargeOf(totals[0] ?? 1, i)],
        numbering: numbering('F', i + 1),
      }),
      buildGlobalInvoice({
        issuer: TEST_ISSUER,
        charges: totals.map(chargeOf),
        period: { year: 2026, month: 1 + (i % 12) },
        numbering: numbering('G', i + 1),
      }),
    ]);
    for (const doc of docs) {
      const result = await xmllintSchema(SAT_FILES.cfdiSchema, sealComprobante(doc, csd).xml);
      expect(result.messages).toMatch(/validates$/);
    }
  });
});
