import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../lib/clock.ts';
import { amountInWords } from '../cfdi/amount-words.ts';
import { buildCreditNote, buildGlobalInvoice, buildInvoice } from '../cfdi/documents.ts';
import type { Comprobante } from '../cfdi/model.ts';
import { SandboxPac } from '../cfdi/sandbox-pac.ts';
import { sealComprobante } from '../cfdi/seal.ts';
import { COMPANY, charge, numbering, PERSON, TEST_ISSUER, testCsd } from '../cfdi/test-support.ts';
import { verificationUrl } from '../cfdi/verification.ts';
import {
  DEMO_LEGEND,
  PRINTED_LEGEND,
  RECEIPT_NOT_CFDI,
  type ReceiptPdfData,
  renderInvoicePdf,
  renderReceiptPdf,
} from './index.ts';
import { pdfPages, qrCodesOn, squeezed } from './pdf-text.ts';

const csd = testCsd();
const clock = new ManualClock('2026-11-30T18:05:00Z');
const sandbox = new SandboxPac({ clock });
let documents = 0;
const stamped = async (c: Comprobante) => {
  const sealed = sealComprobante(c, csd);
  return { sealed, stamp: await sandbox.stamp({ documentId: `doc-${++documents}`, xml: sealed.xml }) };
};

describe('the printed representation of a CFDI', () => {
  it('prints an invoice: parties, concept, amounts, words, UUID, seals, the original string and a QR that reads', async () => {
    const { sealed, stamp } = await stamped(
      buildInvoice({
        issuer: TEST_ISSUER,
        receiver: COMPANY,
        charges: [charge(21_800, '04')],
        numbering: numbering('F', 42),
      }),
    );
    const pdf = await renderInvoicePdf({ stamp }, { demo: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const pages = await pdfPages(pdf);
    expect(pages).toHaveLength(1);
    const text = pages.join('\n');
    for (const expected of [
      'Factura',
      'Serie F Folio 42',
      'ESCUELA KEMPER URGATE',
      'EKU9003173C9',
      'UNIVERSIDAD ROBOTICA ESPAÑOLA',
      'URE180429TM6',
      'G03 · Gastos en general.',
      stamp.uuid,
      'Membresía Libra Plus, mensualidad de',
      'LP-26-000101',
      '$187.93',
      '$30.07',
      '$218.00 MXN',
      'DOSCIENTOS DIECIOCHO PESOS 00/100 M.N.',
      '04 · Tarjeta de crédito',
      'PUE · Pago en una sola exhibición',
      DEMO_LEGEND,
      PRINTED_LEGEND,
    ]) {
      expect(text).toContain(expected);
    }
    // Long values wrap over lines: compared without spaces.
    expect(squeezed(text)).toContain(squeezed(stamp.originalString));
    expect(squeezed(text)).toContain(stamp.selloSat);
    expect(squeezed(text)).toContain(sealed.seal.sello);
    const url = verificationUrl({
      uuid: stamp.uuid,
      issuerRfc: TEST_ISSUER.rfc,
      receiverRfc: COMPANY.rfc,
      totalCentavos: 21_800,
      sello: sealed.seal.sello,
    });
    expect(squeezed(text)).toContain(url);
    expect(await qrCodesOn(pdf)).toEqual([url]);
  });

  it('without demo, says nothing about a test seal; the XML or the stamp give the same document', async () => {
    const { stamp } = await stamped(
      buildInvoice({
        issuer: TEST_ISSUER,
        receiver: PERSON,
        charges: [charge(123_456_78, '28')],
        numbering: numbering('F', 43),
      }),
    );
    const fromStamp = (await pdfPages(await renderInvoicePdf({ stamp }, { demo: false }))).join('\n');
    const fromXml = (await pdfPages(await renderInvoicePdf(stamp.xml, { demo: false }))).join('\n');
    expect(fromXml).toBe(fromStamp);
    expect(fromXml).not.toContain('SIN VALIDEZ FISCAL');
    expect(fromXml).toContain('JOSÉ ÑÚÑEZ "EL GÜERO" & HIJOS <PRUEBA>');
    expect(fromXml).toContain('$123,456.78 MXN');
    expect(squeezed(fromXml)).toContain(squeezed(amountInWords(123_456_78)));
    expect(fromXml).toContain('28 · Tarjeta de débito');
  });

  it('prints a global invoice over pages, every page marked, with the sum of its charges', async () => {
    const charges = Array.from({ length: 45 }, (_, i) =>
      charge(21_800 + i, i % 2 ? '28' : '04', `LP-26-${String(300 + i).padStart(6, '0')}`),
    );
    const { stamp } = await stamped(
      buildGlobalInvoice({
        issuer: TEST_ISSUER,
        charges,
        period: { year: 2026, month: 11 },
        numbering: numbering('G', 7),
      }),
    );
    const pages = await pdfPages(await renderInvoicePdf({ stamp }, { demo: true }));
    expect(pages.length).toBeGreaterThan(1);
    pages.forEach((page, i) => {
      expect(page).toContain(DEMO_LEGEND);
      expect(page).toContain(`Página ${i + 1} de ${pages.length}`);
    });
    const text = pages.join('\n');
    expect(text).toContain('Factura global');
    expect(text).toContain('PUBLICO EN GENERAL');
    expect(text).toContain('XAXX010101000');
    expect(text).toContain('Periodicidad 04 · Mensual, mes 11 (noviembre), año 2026');
    for (const c of charges) expect(text).toContain(c.reference);
    const total = charges.reduce((sum, c) => sum + c.total, 0);
    expect(text).toContain(`$${(total / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })} MXN`);
    expect(squeezed(text)).toContain(squeezed(amountInWords(total)));
  });

  it('prints a credit note with its relation to the invoice it corrects', async () => {
    const related = '5F6E1EA2-19BC-41F6-9B57-34F9CBC6E2D3';
    const { stamp } = await stamped(
      buildCreditNote({
        issuer: TEST_ISSUER,
        related: { kind: 'invoice', uuid: related, receiver: COMPANY },
        refund: {
          reference: 'LP-26-000101',
          description: 'Devolución parcial de la mensualidad',
          split: { base: 8_621, iva: 1_379, total: 10_000 },
          paymentForm: '04',
        },
        numbering: numbering('NC', 3),
      }),
    );
    const text = (await pdfPages(await renderInvoicePdf({ stamp }, { demo: true }))).join('\n');
    expect(text).toContain('Nota de crédito');
    expect(text).toContain('E · Egreso');
    expect(text).toContain('Tipo de relación 01 · Nota de crédito de los documentos relacionados');
    expect(text).toContain(related);
    expect(text).toContain('$100.00 MXN');
    expect(text).toContain('CIEN PESOS 00/100 M.N.');
    expect(text).toContain('G02 · Devoluciones, descuentos o bonificaciones.');
  });

  it('refuses a CFDI that is not stamped', async () => {
    const sealed = sealComprobante(
      buildInvoice({
        issuer: TEST_ISSUER,
        receiver: COMPANY,
        charges: [charge(21_800, '04')],
        numbering: numbering('F', 44),
      }),
      csd,
    );
    await expect(renderInvoicePdf(sealed.xml, { demo: true })).rejects.toThrow('not stamped');
  });
});

describe('the payment receipt', () => {
  const receipt: ReceiptPdfData = {
    operator: { name: 'Asistencia Libra Plus', rfc: 'EKU9003173C9' },
    folio: 'R-2026-000101',
    issuedAt: '2026-11-01T06:05:00Z',
    membershipNumber: 'LP-26-000101',
    titular: 'José Ñúñez Peña',
    description: 'Membresía Libra Plus, mensualidad de noviembre 2026',
    period: { startsAt: '2026-11-01T06:00:00Z', endsAt: '2026-12-01T06:00:00Z' },
    baseCentavos: 18_793,
    ivaCentavos: 3_007,
    totalCentavos: 21_800,
    ivaRatePercent: 16,
    card: { brand: 'visa', last4: '4242' },
    method: 'card',
    paidAt: '2026-11-01T06:05:03Z',
  };

  it('shows the charge in Spanish with es-MX money, and says it is not a CFDI yet', async () => {
    const text = (await pdfPages(await renderReceiptPdf(receipt))).join('\n');
    for (const expected of [
      'Recibo de pago',
      'Asistencia Libra Plus',
      'R-2026-000101',
      'LP-26-000101',
      'José Ñúñez Peña',
      'Membresía Libra Plus, mensualidad de noviembre 2026',
      'Del 1 de noviembre de 2026 al 30 de noviembre de 2026',
      '1 de noviembre de 2026, 00:05',
      '$187.93',
      'IVA 16 %',
      '$30.07',
      '$218.00 MXN',
      'VISA terminación 4242',
      'Cargo a tarjeta de crédito',
      'Aún no facturado',
      RECEIPT_NOT_CFDI,
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('Reembolsos');
  });

  it('names the invoice once issued, and lists refunds', async () => {
    const uuid = '5F6E1EA2-19BC-41F6-9B57-34F9CBC6E2D3';
    const text = (
      await pdfPages(
        await renderReceiptPdf({
          ...receipt,
          method: 'direct_debit',
          invoice: { uuid, serie: 'F', folio: '42' },
          refunds: [
            {
              amountCentavos: 10_000,
              status: 'succeeded',
              createdAt: '2026-11-10T17:00:00Z',
              completedAt: '2026-11-10T17:00:05Z',
            },
            { amountCentavos: 1_234_56, status: 'pending', createdAt: '2026-11-11T17:00:00Z' },
          ],
        }),
      )
    ).join('\n');
    expect(text).toContain(`folio fiscal (UUID) ${uuid}`);
    expect(text).toContain('serie F folio 42');
    expect(text).not.toContain('Aún no facturado');
    expect(text).toContain('Domiciliación (tarjeta de débito)');
    expect(text).toContain('$100.00 — reembolsado (10 de noviembre de 2026)');
    expect(text).toContain('$1,234.56 — en proceso (11 de noviembre de 2026)');
  });
});
