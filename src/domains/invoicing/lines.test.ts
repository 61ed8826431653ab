import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildGlobalInvoice, buildInvoice, ivaBounds, pesos, sealComprobante } from './cfdi/index.ts';
import { COMPANY, numbering, TEST_ISSUER, testCsd } from './cfdi/test-support.ts';
import { chargeLine } from './lines.ts';

/**
 * The app's charges become CFDI concepts through `chargeLine`: whatever split billing stored (the
 * plan's rounding today, another one tomorrow, as long as the SAT accepts its IVA for its base),
 * the invoice carries exactly that base, IVA and total — nothing is recomputed on the way.
 */

const csd = testCsd();

/** A stored charge: any base, any IVA the SAT accepts for it, total their sum, either payment form. */
const storedCharge = fc
  .integer({ min: 1, max: 50_000_000 })
  .chain((base) => {
    const { min, max } = ivaBounds(base);
    return fc.record({
      base: fc.constant(base),
      iva: fc.integer({ min, max }),
      debit: fc.boolean(),
      month: fc.integer({ min: 1, max: 12 }),
    });
  })
  .map(({ base, iva, debit, month }) => ({
    id: '01a211f5-0000-7000-8000-000000000000',
    membershipId: '01a211f5-0000-7000-8000-000000000001',
    periodKey: `2026-${String(month).padStart(2, '0')}`,
    amountCentavos: base + iva,
    baseCentavos: base,
    ivaCentavos: iva,
    status: 'succeeded',
    paidAt: new Date('2026-11-25T20:05:00Z'),
    paymentForm: debit ? '28' : '04',
    refundedCentavos: 0,
  }));

const attr = (xml: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(xml)?.[1];
/** The document-level traslado (after the concepts). */
const documentTraslado = (xml: string) =>
  /<cfdi:Traslado [^>]*>/.exec(xml.slice(xml.lastIndexOf('</cfdi:Conceptos>')))?.[0] ?? '';

describe('a stored charge on its invoice', () => {
  it('property: the invoice carries the stored base, IVA and total to the centavo, and its payment form', () => {
    fc.assert(
      fc.property(storedCharge, (charge) => {
        const { xml } = sealComprobante(
          buildInvoice({
            issuer: TEST_ISSUER,
            receiver: COMPANY,
            charges: [chargeLine(charge, 'LM-26-000001')],
            numbering: numbering('F', 1),
          }),
          csd,
        );
        expect(attr(xml, 'SubTotal')).toBe(pesos(charge.baseCentavos));
        expect(attr(xml, 'Total')).toBe(pesos(charge.amountCentavos));
        expect(attr(xml, 'TotalImpuestosTrasladados')).toBe(pesos(charge.ivaCentavos));
        expect(attr(xml, 'FormaPago')).toBe(charge.paymentForm);
        expect(attr(xml, 'ValorUnitario')).toBe(pesos(charge.baseCentavos));
        const traslado = documentTraslado(xml);
        expect(attr(traslado, 'Base')).toBe(pesos(charge.baseCentavos));
        expect(attr(traslado, 'Importe')).toBe(pesos(charge.ivaCentavos));
        expect(attr(traslado, 'TasaOCuota')).toBe('0.160000');
        expect(attr(xml, 'NoIdentificacion')).toBe(`LM-26-000001-${charge.periodKey}`);
      }),
      { numRuns: 300 },
    );
  });

  it('property: a global invoice of stored charges sums exactly their bases, IVA and totals', () => {
    fc.assert(
      fc.property(fc.array(storedCharge, { minLength: 1, maxLength: 25 }), (charges) => {
        const { xml } = sealComprobante(
          buildGlobalInvoice({
            issuer: TEST_ISSUER,
            charges: charges.map((c, i) => chargeLine(c, `LM-26-${String(i).padStart(6, '0')}`)),
            period: { year: 2026, month: 11 },
            numbering: numbering('G', 1),
          }),
          csd,
        );
        const sum = (k: 'baseCentavos' | 'ivaCentavos' | 'amountCentavos') =>
          charges.reduce((s, c) => s + c[k], 0);
        expect(attr(xml, 'SubTotal')).toBe(pesos(sum('baseCentavos')));
        expect(attr(xml, 'TotalImpuestosTrasladados')).toBe(pesos(sum('ivaCentavos')));
        expect(attr(xml, 'Total')).toBe(pesos(sum('amountCentavos')));
      }),
      { numRuns: 100 },
    );
  });
});
