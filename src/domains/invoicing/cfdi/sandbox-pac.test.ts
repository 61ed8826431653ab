import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../lib/clock.ts';
import { buildInvoice } from './documents.ts';
import type { CfdiError } from './errors.ts';
import { memorySandboxStore, SANDBOX_LEYENDA, SandboxPac } from './sandbox-pac.ts';
import { SAT_FILES } from './sat-files.ts';
import { xmllintSchema, xsltproc } from './sat-tools.ts';
import { sealComprobante } from './seal.ts';
import { stampProblems } from './stamp-checks.ts';
import { COMPANY, charge, numbering, PERSON, TEST_ISSUER, testCsd } from './test-support.ts';

const csd = testCsd();
const clock = new ManualClock('2026-11-30T18:05:00Z');
const invoice = (folio: number, form: '04' | '28' = '04') =>
  sealComprobante(
    buildInvoice({
      issuer: TEST_ISSUER,
      receiver: COMPANY,
      charges: [charge(21_800, form)],
      numbering: numbering('F', folio),
    }),
    csd,
  ).xml;
/** The sandbox checks seals like a PAC, with the SAT's stylesheet. */
const pac = () =>
  new SandboxPac({ clock, originalStringOf: (xml) => xsltproc(SAT_FILES.cfdiStylesheet, xml) });

async function failure(p: Promise<unknown>): Promise<CfdiError> {
  try {
    await p;
  } catch (e) {
    return e as CfdiError;
  }
  throw new Error('did not fail');
}

describe('sandbox PAC', () => {
  it.each(['04', '28'] as const)(
    'stamps a TimbreFiscalDigital 1.1 that validates, with its seal and original string (%s)',
    async (form) => {
      const sandbox = pac();
      const xml = invoice(1, form);
      const stamp = await sandbox.stamp({ documentId: `inv-${form}`, xml });
      // Schemas (TFD alone, and the whole stamped CFDI), fields, original string vs xsltproc, seals.
      expect(await stampProblems(stamp, xml, sandbox.certificate)).toEqual([]);
      expect(stamp.leyenda).toBe(SANDBOX_LEYENDA);
      expect(stamp.rfcProvCertif).toBe('AAA010101AAA');
      expect(stamp.noCertificadoSat).toBe('99999999999999999001');
      expect(stamp.fechaTimbrado).toBe('2026-11-30T12:05:00');
      expect(stamp.uuid).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    },
  );

  it('the stamp checks catch a wrong SelloSAT, a changed CFDI and a stamp that is not in the XML', async () => {
    const sandbox = pac();
    const xml = invoice(11);
    const stamp = await sandbox.stamp({ documentId: 'inv-11', xml });
    const forged = stamp.xml.replace(/SelloSAT="[^"]*"/, `SelloSAT="${stamp.selloCfd}"`);
    expect(
      await stampProblems({ ...stamp, xml: forged, selloSat: stamp.selloCfd }, xml, sandbox.certificate),
    ).toEqual(["SelloSAT does not verify with the PAC's certificate"]);
    const changed = stamp.xml.replace('Folio="11"', 'Folio="12"');
    expect(await stampProblems({ ...stamp, xml: changed }, xml, sandbox.certificate)).toEqual([
      "the stamp changed the CFDI's original string",
    ]);
    expect(await stampProblems({ ...stamp, uuid: 'otro' }, xml)).toEqual([
      "uuid differs from the XML's UUID",
    ]);
  });

  it('is idempotent per document: the same request twice answers the same stamp', async () => {
    const sandbox = pac();
    const xml = invoice(2);
    const first = await sandbox.stamp({ documentId: 'inv-2', xml });
    clock.advance({ minutes: 5 });
    const again = await sandbox.stamp({ documentId: 'inv-2', xml });
    expect(again).toEqual(first);
    // Even a sandbox with a fresh memory gives the document the same UUID.
    const other = await pac().stamp({ documentId: 'inv-2', xml });
    expect(other.uuid).toBe(first.uuid);
    expect((await sandbox.stamp({ documentId: 'inv-3', xml: invoice(3) })).uuid).not.toBe(first.uuid);
  });

  it('answers concurrent requests for one document with one stamp, made once', async () => {
    const store = memorySandboxStore();
    let saves = 0;
    const counting = {
      ...store,
      addStamp: (r: Parameters<typeof store.addStamp>[0]) => {
        saves += 1;
        return store.addStamp(r);
      },
    };
    const sandbox = new SandboxPac({ clock, store: counting });
    const xml = invoice(10);
    const stamps = await Promise.all([
      sandbox.stamp({ documentId: 'inv-10', xml }),
      sandbox.stamp({ documentId: 'inv-10', xml }),
      sandbox.stamp({ documentId: 'inv-10', xml }),
    ]);
    expect(stamps[1]).toEqual(stamps[0]);
    expect(stamps[2]).toEqual(stamps[0]);
    expect(saves).toBe(1);
  });

  it('refuses another XML under a stamped document id', async () => {
    const sandbox = pac();
    await sandbox.stamp({ documentId: 'inv-4', xml: invoice(4) });
    expect((await failure(sandbox.stamp({ documentId: 'inv-4', xml: invoice(5) }))).code).toBe(
      'PAC_CONFLICT',
    );
  });

  it('refuses a document whose seal does not match its content, and one that is not a sealed CFDI', async () => {
    const sandbox = pac();
    const tampered = invoice(6).replace('Nombre="UNIVERSIDAD ROBOTICA ESPAÑOLA"', 'Nombre="OTRA"');
    const e = await failure(sandbox.stamp({ documentId: 'inv-6', xml: tampered }));
    expect(e.code).toBe('PAC_REJECTED');
    expect(e.message).toMatch(/sello/);
    expect((await failure(sandbox.stamp({ documentId: 'x', xml: '<a/>' }))).code).toBe('PAC_REJECTED');
  });

  it('cancels with the SAT reasons: 01 needs a substitute, 02–04 take none; cancelling twice answers the same', async () => {
    const store = memorySandboxStore();
    const sandbox = new SandboxPac({ clock, store });
    const a = await sandbox.stamp({ documentId: 'inv-7', xml: invoice(7) });
    const b = await sandbox.stamp({ documentId: 'inv-8', xml: invoice(8) });
    const c = await sandbox.stamp({ documentId: 'inv-9', xml: invoice(9) });
    const rfc = TEST_ISSUER.rfc;
    expect((await failure(sandbox.cancel({ issuerRfc: rfc, uuid: a.uuid, reason: '01' }))).field).toBe(
      'substituteUuid',
    );
    expect(
      (await failure(sandbox.cancel({ issuerRfc: rfc, uuid: a.uuid, reason: '02', substituteUuid: b.uuid })))
        .code,
    ).toBe('PAC_REJECTED');
    expect(
      (await failure(sandbox.cancel({ issuerRfc: rfc, uuid: a.uuid, reason: '01', substituteUuid: a.uuid })))
        .code,
    ).toBe('PAC_REJECTED');
    expect(
      (await failure(sandbox.cancel({ issuerRfc: 'URE180429TM6', uuid: a.uuid, reason: '02' }))).code,
    ).toBe('PAC_NOT_FOUND');
    expect(
      (await failure(sandbox.cancel({ issuerRfc: rfc, uuid: a.uuid, reason: '05' as '01' }))).field,
    ).toBe('reason');
    const cancelled = await sandbox.cancel({
      issuerRfc: rfc,
      uuid: a.uuid,
      reason: '01',
      substituteUuid: b.uuid,
    });
    expect(cancelled).toMatchObject({
      uuid: a.uuid,
      status: 'cancelled',
      reason: '01',
      substituteUuid: b.uuid,
    });
    expect(
      await sandbox.cancel({ issuerRfc: rfc, uuid: a.uuid, reason: '01', substituteUuid: b.uuid }),
    ).toEqual(cancelled);
    expect((await store.byDocument('inv-7'))?.cancellation).toEqual(cancelled);
    for (const reason of ['02', '03', '04'] as const) {
      const doc = await sandbox.stamp({ documentId: `inv-r${reason}`, xml: invoice(Number(reason) + 20) });
      expect((await sandbox.cancel({ issuerRfc: rfc, uuid: doc.uuid, reason })).reason).toBe(reason);
    }
    expect(c.uuid).not.toBe(a.uuid);
  });

  it('stamps an invoice whose customer name has XML special characters', async () => {
    const sandbox = pac();
    const xml = sealComprobante(
      buildInvoice({
        issuer: TEST_ISSUER,
        receiver: PERSON,
        charges: [charge(100, '28')],
        numbering: numbering('F', 30),
      }),
      csd,
    ).xml;
    const stamp = await sandbox.stamp({ documentId: 'inv-30', xml });
    expect((await xmllintSchema(SAT_FILES.stampedSchema, stamp.xml)).messages).toMatch(/validates$/);
    expect(stamp.xml).toContain('Nombre="JOSÉ ÑÚÑEZ &quot;EL GÜERO&quot; &amp; HIJOS &lt;PRUEBA&gt;"');
  });
});
