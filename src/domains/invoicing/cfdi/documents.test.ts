import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { certificateNumber } from './csd.ts';
import { buildCreditNote, buildGlobalInvoice, buildInvoice, cfdiDate } from './documents.ts';
import type { CfdiError } from './errors.ts';
import type { Comprobante, PaymentForm } from './model.ts';
import { originalString } from './original-string.ts';
import { attributeOf, SandboxPac } from './sandbox-pac.ts';
import { SAT_FILES } from './sat-files.ts';
import { xmllintSchema, xsltproc } from './sat-tools.ts';
import { type SealedDocument, sealComprobante, verifyText } from './seal.ts';
import { stampProblems } from './stamp-checks.ts';
import {
  COMPANY,
  charge,
  clock,
  numbering,
  PERSON,
  PROFESSIONAL,
  TEST_ISSUER,
  testCsd,
} from './test-support.ts';

const csd = testCsd();
const INVOICE_UUID = '5FB2822E-396D-4725-8521-CDC4BDD20CCF';

/** Every kind of document the project emits, with each payment form. */
function everyDocument(): Array<[string, Comprobante]> {
  const docs: Array<[string, Comprobante]> = [];
  for (const form of ['04', '28'] as PaymentForm[]) {
    docs.push([
      `invoice to a persona física (${form})`,
      buildInvoice({
        issuer: TEST_ISSUER,
        receiver: PERSON,
        charges: [charge(21_800, form)],
        numbering: numbering('F', 1),
      }),
    ]);
    docs.push([
      `invoice to a persona moral (${form})`,
      buildInvoice({
        issuer: TEST_ISSUER,
        receiver: COMPANY,
        charges: [charge(21_800, form)],
        numbering: numbering('F', 2),
      }),
    ]);
    docs.push([
      `global invoice (${form})`,
      buildGlobalInvoice({
        issuer: TEST_ISSUER,
        charges: [
          charge(21_800, form, 'LP-26-000201'),
          charge(14_900, form, 'LP-26-000202'),
          charge(1, form, 'LP-26-000203'),
        ],
        period: { year: 2026, month: 11 },
        numbering: numbering('G', 1),
      }),
    ]);
    docs.push([
      `substitute invoice, TipoRelacion 04 (${form})`,
      buildInvoice({
        issuer: TEST_ISSUER,
        receiver: PROFESSIONAL,
        charges: [charge(21_800, form)],
        numbering: numbering('F', 3),
        replaces: INVOICE_UUID.toLowerCase(),
      }),
    ]);
    docs.push([
      `substitute global invoice, TipoRelacion 04 (${form})`,
      buildGlobalInvoice({
        issuer: TEST_ISSUER,
        charges: [charge(21_800, form, 'LP-26-000201'), charge(14_900, form, 'LP-26-000202')],
        period: { year: 2026, month: 11 },
        numbering: numbering('G', 2),
        replaces: INVOICE_UUID,
      }),
    ]);
    docs.push([
      `credit note to an invoice, G02 (${form})`,
      buildCreditNote({
        issuer: TEST_ISSUER,
        related: { kind: 'invoice', uuid: INVOICE_UUID, receiver: PROFESSIONAL },
        refund: {
          reference: 'LP-26-000101',
          description: 'Devolución parcial de la mensualidad',
          split: { base: 8_621, iva: 1_379, total: 10_000 },
          paymentForm: form,
        },
        numbering: numbering('NC', 1),
      }),
    ]);
    docs.push([
      `credit note to an invoice, S01 (${form})`,
      buildCreditNote({
        issuer: TEST_ISSUER,
        related: { kind: 'invoice', uuid: INVOICE_UUID, receiver: PERSON },
        refund: {
          reference: 'LP-26-000101',
          description: 'Devolución de la mensualidad',
          split: { base: 18_793, iva: 3_007, total: 21_800 },
          paymentForm: form,
        },
        numbering: numbering('NC', 2),
      }),
    ]);
    docs.push([
      `credit note to a global invoice (${form})`,
      buildCreditNote({
        issuer: TEST_ISSUER,
        related: {
          kind: 'global-invoice',
          uuid: INVOICE_UUID.toLowerCase(),
          period: { year: 2026, month: 11 },
        },
        refund: {
          reference: 'LP-26-000202',
          description: 'Devolución de la mensualidad',
          split: { base: 12_845, iva: 2_055, total: 14_900 },
          paymentForm: form,
        },
        numbering: numbering('NC', 3),
      }),
    ]);
  }
  return docs;
}

const sealed: Array<[string, SealedDocument]> = everyDocument().map(([name, c]) => [
  name,
  sealComprobante(c, csd),
]);

describe('every document the project emits', () => {
  it.each(sealed)('%s: validates against the SAT schema (xmllint)', async (_name, doc) => {
    const result = await xmllintSchema(SAT_FILES.cfdiSchema, doc.xml);
    expect(result.messages).not.toContain('fails to validate');
    expect(result.ok).toBe(true);
  });

  it.each(sealed)('%s: its original string equals xsltproc with the SAT stylesheet', async (_name, doc) => {
    const reference = await xsltproc(SAT_FILES.cfdiStylesheet, doc.xml);
    expect(reference.startsWith('||4.0|')).toBe(true);
    expect(doc.originalString).toBe(reference);
  });

  it.each(sealed)('%s: its seal verifies with the certificate in the document', async (_name, doc) => {
    const reference = await xsltproc(SAT_FILES.cfdiStylesheet, doc.xml);
    // Read back from the XML, as a PAC or the customer's accountant would.
    const sello = attributeOf(doc.xml, 'cfdi:Comprobante', 'Sello') ?? '';
    const certificate = new X509Certificate(
      Buffer.from(attributeOf(doc.xml, 'cfdi:Comprobante', 'Certificado') ?? '', 'base64'),
    );
    expect(certificateNumber(certificate.serialNumber)).toBe(
      attributeOf(doc.xml, 'cfdi:Comprobante', 'NoCertificado'),
    );
    expect(verifyText(reference, sello, certificate)).toBe(true);
    // The seal does not verify a string that differs in one character.
    expect(verifyText(reference.replace('|MXN|', '|USD|'), sello, certificate)).toBe(false);
  });
});

describe('every document the project emits, stamped by the sandbox PAC', () => {
  const sandbox = new SandboxPac({
    clock,
    originalStringOf: (xml) => xsltproc(SAT_FILES.cfdiStylesheet, xml),
  });
  it.each(sealed)(
    '%s: the stamped CFDI and its TimbreFiscalDigital validate and check out',
    async (name, doc) => {
      const stamp = await sandbox.stamp({ documentId: name, xml: doc.xml });
      expect(await stampProblems(stamp, doc.xml, sandbox.certificate)).toEqual([]);
    },
  );
});

describe('the schema check can fail', () => {
  it('refuses a document with a value outside the catalogue and one with a missing seal', async () => {
    const [, doc] = sealed[0] ?? [];
    if (!doc) throw new Error('no document');
    const wrongForm = await xmllintSchema(
      SAT_FILES.cfdiSchema,
      doc.xml.replace('FormaPago="04"', 'FormaPago="99"'),
    );
    expect(wrongForm.ok).toBe(false);
    const noSeal = await xmllintSchema(SAT_FILES.cfdiSchema, doc.xml.replace(/ Sello="[^"]*"/, ''));
    expect(noSeal.ok).toBe(false);
  });
});

describe('document contents', () => {
  it('writes the invoice with the SAT keys, IVA 16 % from the stored split and the customer data', () => {
    const doc = sealComprobante(
      buildInvoice({
        issuer: TEST_ISSUER,
        receiver: COMPANY,
        charges: [charge(21_800, '28')],
        numbering: numbering('F', 7),
      }),
      csd,
    );
    expect(doc.xml).toContain(
      'SubTotal="187.93" Moneda="MXN" Total="218.00" TipoDeComprobante="I" Exportacion="01" MetodoPago="PUE" LugarExpedicion="42501"',
    );
    expect(doc.xml).toContain('FormaPago="28"');
    expect(doc.xml).toContain(
      'ClaveProdServ="85101700" NoIdentificacion="LP-26-000101" Cantidad="1" ClaveUnidad="E48" Unidad="Unidad de servicio"',
    );
    expect(doc.xml).toContain(
      '<cfdi:Traslado Base="187.93" Impuesto="002" TipoFactor="Tasa" TasaOCuota="0.160000" Importe="30.07"/>',
    );
    expect(doc.xml).toContain(
      '<cfdi:Receptor Rfc="URE180429TM6" Nombre="UNIVERSIDAD ROBOTICA ESPAÑOLA" DomicilioFiscalReceptor="86991" RegimenFiscalReceptor="601" UsoCFDI="G03"/>',
    );
    expect(doc.xml).toContain('Fecha="2026-11-30T12:00:00"');
  });

  it('writes the global invoice to PUBLICO EN GENERAL with InformacionGlobal and the charge numbers', () => {
    const c = buildGlobalInvoice({
      issuer: TEST_ISSUER,
      charges: [charge(21_800, '04', 'A-1'), charge(50_000, '28', 'A-2')],
      period: { year: 2026, month: 11 },
      numbering: numbering('G', 2),
    });
    const { xml } = sealComprobante(c, csd);
    expect(xml).toContain('<cfdi:InformacionGlobal Periodicidad="04" Meses="11" Año="2026"/>');
    expect(xml).toContain(
      '<cfdi:Receptor Rfc="XAXX010101000" Nombre="PUBLICO EN GENERAL" DomicilioFiscalReceptor="42501" RegimenFiscalReceptor="616" UsoCFDI="S01"/>',
    );
    expect(xml).toContain('NoIdentificacion="A-2"');
    expect(xml).toContain('ClaveProdServ="01010101"');
    // Paid mostly by debit card: the predominant form.
    expect(c.formaPago).toBe('28');
  });

  it('relates the credit note with TipoRelacion 01 and picks G02 or S01 by the customer regime', () => {
    const toCompany = buildCreditNote({
      issuer: TEST_ISSUER,
      related: { kind: 'invoice', uuid: INVOICE_UUID, receiver: COMPANY },
      refund: {
        reference: 'X',
        description: 'Devolución',
        split: { base: 100, iva: 16, total: 116 },
        paymentForm: '04',
      },
      numbering: numbering('NC', 9),
    });
    expect(toCompany.tipo).toBe('E');
    expect(toCompany.relacionados).toEqual({ tipoRelacion: '01', uuids: [INVOICE_UUID] });
    expect(toCompany.receptor.usoCfdi).toBe('G02');
    const toPerson = buildCreditNote({
      issuer: TEST_ISSUER,
      related: { kind: 'invoice', uuid: INVOICE_UUID, receiver: PERSON },
      refund: {
        reference: 'X',
        description: 'Devolución',
        split: { base: 100, iva: 16, total: 116 },
        paymentForm: '04',
      },
      numbering: numbering('NC', 10),
    });
    expect(toPerson.receptor.usoCfdi).toBe('S01');
    const xml = sealComprobante(toCompany, csd).xml;
    expect(xml).toContain(
      `<cfdi:CfdiRelacionados TipoRelacion="01"><cfdi:CfdiRelacionado UUID="${INVOICE_UUID}"/></cfdi:CfdiRelacionados>`,
    );
  });

  it('relates a substitute with TipoRelacion 04 to the CFDI it replaces, and refuses a bad UUID', () => {
    const c = buildInvoice({
      issuer: TEST_ISSUER,
      receiver: COMPANY,
      charges: [charge(21_800, '04')],
      numbering: numbering('F', 11),
      replaces: INVOICE_UUID.toLowerCase(),
    });
    expect(c.relacionados).toEqual({ tipoRelacion: '04', uuids: [INVOICE_UUID] });
    const { xml, originalString: cadena } = sealComprobante(c, csd);
    expect(xml).toContain(
      `<cfdi:CfdiRelacionados TipoRelacion="04"><cfdi:CfdiRelacionado UUID="${INVOICE_UUID}"/></cfdi:CfdiRelacionados><cfdi:Emisor`,
    );
    expect(cadena).toContain(`|42501|04|${INVOICE_UUID}|EKU9003173C9|`);
    const global = buildGlobalInvoice({
      issuer: TEST_ISSUER,
      charges: [charge(100, '04')],
      period: { year: 2026, month: 11 },
      numbering: numbering('G', 3),
      replaces: INVOICE_UUID,
    });
    // After InformacionGlobal, as the schema orders them.
    expect(sealComprobante(global, csd).xml).toMatch(
      /<cfdi:InformacionGlobal [^>]*\/><cfdi:CfdiRelacionados TipoRelacion="04">/,
    );
    expect(() =>
      buildInvoice({
        issuer: TEST_ISSUER,
        receiver: COMPANY,
        charges: [charge(100, '04')],
        numbering: numbering('F', 12),
        replaces: 'nope',
      }),
    ).toThrow(/sustituido no es válido/);
  });

  it('collapses white space so the XML says what the original string says', () => {
    const c = buildInvoice({
      issuer: TEST_ISSUER,
      receiver: { ...COMPANY, name: '  UNIVERSIDAD   ROBOTICA\n ESPAÑOLA ' },
      charges: [{ ...charge(21_800, '04'), description: 'Membresía\tLibra   Plus' }],
      numbering: numbering('F', 8),
    });
    expect(c.receptor.nombre).toBe('UNIVERSIDAD ROBOTICA ESPAÑOLA');
    expect(c.conceptos[0]?.descripcion).toBe('Membresía Libra Plus');
    expect(originalString(c, csd.noCertificado)).toContain('|Membresía Libra Plus|');
  });

  it('refuses bad input with a Spanish message naming the field', () => {
    const attempt = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as CfdiError;
      }
      throw new Error('did not throw');
    };
    const badRfc = attempt(() =>
      buildInvoice({
        issuer: TEST_ISSUER,
        receiver: { ...COMPANY, rfc: 'URE180429TM7' },
        charges: [charge(100, '04')],
        numbering: numbering('F', 1),
      }),
    );
    expect(badRfc.code).toBe('CFDI_FISCAL_DATA_INVALID');
    expect(badRfc.field).toBe('rfc');
    expect(badRfc.message).toMatch(/dígito verificador/);
    const pipe = attempt(() =>
      buildInvoice({
        issuer: TEST_ISSUER,
        receiver: COMPANY,
        charges: [{ ...charge(100, '04'), description: 'a|b' }],
        numbering: numbering('F', 1),
      }),
    );
    expect(pipe.field).toBe('Descripcion');
    const mixed = attempt(() =>
      buildInvoice({
        issuer: TEST_ISSUER,
        receiver: COMPANY,
        charges: [charge(100, '04'), charge(100, '28')],
        numbering: numbering('F', 1),
      }),
    );
    expect(mixed.field).toBe('FormaPago');
    const badSplit = attempt(() =>
      buildInvoice({
        issuer: TEST_ISSUER,
        receiver: COMPANY,
        charges: [{ ...charge(21_800, '04'), iva: 3_000, base: 18_800 }],
        numbering: numbering('F', 1),
      }),
    );
    expect(badSplit.code).toBe('CFDI_AMOUNT_INVALID');
    const badUuid = attempt(() =>
      buildCreditNote({
        issuer: TEST_ISSUER,
        related: { kind: 'invoice', uuid: 'not-a-uuid', receiver: COMPANY },
        refund: {
          reference: 'X',
          description: 'D',
          split: { base: 100, iva: 16, total: 116 },
          paymentForm: '04',
        },
        numbering: numbering('NC', 1),
      }),
    );
    expect(badUuid.field).toBe('CfdiRelacionado');
  });

  it('dates the document in Mexico City local time', () => {
    expect(cfdiDate(new Date('2026-01-01T05:59:59Z'))).toBe('2025-12-31T23:59:59');
  });
});
