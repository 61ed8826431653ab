/**
 * The CFDI's printed representation (Anexo 20): issuer, receiver, concepts, amounts and the amount
 * in words, the fiscal folio (UUID), both seals, the stamp's original string and the QR with the
 * SAT's verification link. Demo documents (sealed with the SAT's test CSD or stamped by the
 * sandbox) say "SIN VALIDEZ FISCAL" on every page. One layout for invoice, global invoice and credit
 * note: the title, InformacionGlobal and CfdiRelacionados show what differs.
 */
import { DateTime } from 'luxon';
import { MEXICO_CITY } from '../../../lib/clock.ts';
import { amountInWords } from '../cfdi/amount-words.ts';
import { CFDI_USES, FISCAL_REGIMES, PAYMENT_FORMS } from '../cfdi/catalogues.ts';
import type { Stamp } from '../cfdi/pac.ts';
import { verificationUrl } from '../cfdi/verification.ts';
import {
  ALERT,
  contentWidth,
  ensureRoom,
  field,
  finish,
  heading,
  INK,
  MARGIN,
  MUTED,
  money,
  newPdf,
  type Pdf,
} from './layout.ts';
import { type PrintedCfdi, printedCfdi } from './printed-cfdi.ts';
import { QR_SIZE_PT, qrPng } from './qr.ts';

export const PRINTED_LEGEND = 'Este documento es una representación impresa de un CFDI';
export const DEMO_LEGEND = 'SIN VALIDEZ FISCAL — sello de prueba';

export interface InvoicePdfOptions {
  /** Sealed with the SAT's test CSD or stamped by the sandbox PAC: printed as without fiscal validity. */
  demo: boolean;
}

/** The stamped XML, or a stamp (whose xml is the stamped CFDI). */
export type InvoicePdfSource = string | { stamp: Stamp };

const MONTHS = [
  'enero',
  'febrero',
  'marzo',
  'abril',
  'mayo',
  'junio',
  'julio',
  'agosto',
  'septiembre',
  'octubre',
  'noviembre',
  'diciembre',
];
const PERIODICITY: Record<string, string> = {
  '01': 'Diario',
  '02': 'Semanal',
  '03': 'Quincenal',
  '04': 'Mensual',
  '05': 'Bimestral',
};
const RELATION: Record<string, string> = {
  '01': 'Nota de crédito de los documentos relacionados',
  '04': 'Sustitución de los CFDI previos',
};
const OBJETO_IMP: Record<string, string> = { '01': 'No objeto de impuesto', '02': 'Sí objeto de impuesto' };

const described = (code: string, description: string | undefined) =>
  description ? `${code} · ${description}` : code;

/** A CFDI local date-time ("2026-11-30T12:05:00", Mexico City) in words. */
function cfdiDateText(local: string): string {
  return DateTime.fromISO(local, { zone: MEXICO_CITY })
    .setLocale('es-MX')
    .toFormat("d 'de' LLLL 'de' yyyy, HH:mm:ss");
}

export function documentTitle(cfdi: PrintedCfdi): string {
  if (cfdi.tipo === 'E') return 'Nota de crédito';
  return cfdi.informacionGlobal ? 'Factura global' : 'Factura';
}

export async function renderInvoicePdf(
  source: InvoicePdfSource,
  options: InvoicePdfOptions,
): Promise<Buffer> {
  const cfdi = printedCfdi(typeof source === 'string' ? source : source.stamp.xml);
  const url = verificationUrl({
    uuid: cfdi.stamp.uuid,
    issuerRfc: cfdi.emisor.rfc,
    receiverRfc: cfdi.receptor.rfc,
    totalCentavos: cfdi.total,
    sello: cfdi.sello,
  });
  const qr = await qrPng(url);
  const title = documentTitle(cfdi);
  const doc = newPdf({
    title: `${title} ${cfdi.serie ?? ''}${cfdi.folio ?? ''} — ${cfdi.stamp.uuid}`,
    author: cfdi.emisor.nombre,
    createdAt: DateTime.fromISO(cfdi.stamp.fechaTimbrado, { zone: MEXICO_CITY }).toJSDate(),
  });
  if (options.demo) doc.y = MARGIN + 14;
  header(doc, cfdi, title);
  parties(doc, cfdi);
  concepts(doc, cfdi);
  totals(doc, cfdi);
  seals(doc, cfdi, qr, url);
  pageMarks(doc, options.demo);
  return finish(doc);
}

function header(doc: Pdf, cfdi: PrintedCfdi, title: string): void {
  const top = doc.y;
  const right = MARGIN + 300;
  doc
    .font('Helvetica-Bold')
    .fontSize(13)
    .fillColor(INK)
    .text(cfdi.emisor.nombre, MARGIN, top, { width: 280 });
  let y = doc.y + 4;
  y = field(doc, 'RFC del emisor', cfdi.emisor.rfc, MARGIN, y, 280);
  y = field(
    doc,
    'Régimen fiscal',
    described(cfdi.emisor.regimenFiscal, FISCAL_REGIMES[cfdi.emisor.regimenFiscal]?.description),
    MARGIN,
    y,
    280,
  );
  const leftBottom = field(doc, 'Lugar de expedición (código postal)', cfdi.lugarExpedicion, MARGIN, y, 280);

  doc
    .font('Helvetica-Bold')
    .fontSize(13)
    .fillColor(INK)
    .text(title, right, top, { width: 232, align: 'right' });
  doc
    .font('Helvetica')
    .fontSize(9)
    .text(`Serie ${cfdi.serie ?? '—'}  Folio ${cfdi.folio ?? '—'}`, right, doc.y, {
      width: 232,
      align: 'right',
    });
  let r = doc.y + 4;
  r = field(doc, 'Folio fiscal (UUID)', cfdi.stamp.uuid, right, r, 232);
  r = field(doc, 'Fecha y hora de emisión', cfdiDateText(cfdi.fecha), right, r, 232);
  r = field(doc, 'Fecha y hora de certificación', cfdiDateText(cfdi.stamp.fechaTimbrado), right, r, 232);
  r = field(doc, 'Tipo de comprobante', cfdi.tipo === 'E' ? 'E · Egreso' : 'I · Ingreso', right, r, 232);
  doc.y = Math.max(leftBottom, r) + 4;
  doc
    .moveTo(MARGIN, doc.y)
    .lineTo(MARGIN + contentWidth(doc), doc.y)
    .strokeColor('#cccccc')
    .stroke();
}

function parties(doc: Pdf, cfdi: PrintedCfdi): void {
  heading(doc, 'Receptor', doc.y + 8);
  const top = doc.y;
  let y = field(doc, 'Nombre', cfdi.receptor.nombre, MARGIN, top, 300);
  y = field(doc, 'RFC', cfdi.receptor.rfc, MARGIN, y, 300);
  let r = field(
    doc,
    'Domicilio fiscal (código postal)',
    cfdi.receptor.domicilioFiscal,
    MARGIN + 320,
    top,
    212,
  );
  r = field(
    doc,
    'Régimen fiscal',
    described(cfdi.receptor.regimenFiscal, FISCAL_REGIMES[cfdi.receptor.regimenFiscal]?.description),
    MARGIN + 320,
    r,
    212,
  );
  r = field(
    doc,
    'Uso del CFDI',
    described(cfdi.receptor.usoCfdi, CFDI_USES[cfdi.receptor.usoCfdi]?.description),
    MARGIN + 320,
    r,
    212,
  );
  doc.y = Math.max(y, r);
  const g = cfdi.informacionGlobal;
  if (g) {
    const month = MONTHS[Number(g.meses) - 1] ?? g.meses;
    field(
      doc,
      'Información global',
      `Periodicidad ${described(g.periodicidad, PERIODICITY[g.periodicidad])}, mes ${g.meses} (${month}), año ${g.anio}`,
      MARGIN,
      doc.y,
      contentWidth(doc),
    );
  }
  const rel = cfdi.relacionados;
  if (rel) {
    field(
      doc,
      `CFDI relacionados · Tipo de relación ${described(rel.tipoRelacion, RELATION[rel.tipoRelacion])}`,
      rel.uuids.join(', '),
      MARGIN,
      doc.y,
      contentWidth(doc),
    );
  }
}

const COLUMNS: Array<{ title: string; width: number; align?: 'right' }> = [
  { title: 'Clave prod./serv.', width: 52 },
  { title: 'No. identificación', width: 62 },
  { title: 'Cant.', width: 26, align: 'right' },
  { title: 'Clave unidad', width: 56 },
  { title: 'Descripción', width: 164 },
  { title: 'Valor unitario', width: 60, align: 'right' },
  { title: 'IVA 16 %', width: 52, align: 'right' },
  { title: 'Importe', width: 60, align: 'right' },
];

function row(doc: Pdf, cells: string[], bold: boolean): void {
  doc
    .font(bold ? 'Helvetica-Bold' : 'Helvetica')
    .fontSize(7.5)
    .fillColor(INK);
  const height = Math.max(
    ...cells.map((text, i) => doc.heightOfString(text, { width: (COLUMNS[i]?.width ?? 50) - 4 })),
  );
  ensureRoom(doc, height + 6);
  const y = doc.y;
  let x = MARGIN;
  cells.forEach((text, i) => {
    const column = COLUMNS[i];
    const width = (column?.width ?? 50) - 4;
    doc.text(text, x, y, { width, ...(column?.align ? { align: column.align } : {}) });
    x += column?.width ?? 50;
  });
  doc.y = y + height + 3;
  doc
    .moveTo(MARGIN, doc.y - 1)
    .lineTo(MARGIN + contentWidth(doc), doc.y - 1)
    .strokeColor('#e0e0e0')
    .stroke();
}

function concepts(doc: Pdf, cfdi: PrintedCfdi): void {
  heading(doc, 'Conceptos', doc.y + 8);
  row(
    doc,
    COLUMNS.map((c) => c.title),
    true,
  );
  for (const k of cfdi.conceptos) {
    row(
      doc,
      [
        k.claveProdServ,
        k.noIdentificacion ?? '',
        k.cantidad,
        k.unidad ? `${k.claveUnidad} · ${k.unidad}` : k.claveUnidad,
        `${k.descripcion}\nObjeto de impuesto: ${described(k.objetoImp, OBJETO_IMP[k.objetoImp])}`,
        money(k.valorUnitario),
        money(k.ivaCentavos),
        money(k.importe),
      ],
      false,
    );
  }
}

function totals(doc: Pdf, cfdi: PrintedCfdi): void {
  ensureRoom(doc, 110);
  const top = doc.y + 6;
  const x = MARGIN + 340;
  const line = (label: string, value: string, y: number, bold = false) => {
    doc
      .font(bold ? 'Helvetica-Bold' : 'Helvetica')
      .fontSize(9)
      .fillColor(INK);
    doc.text(label, x, y, { width: 100 });
    doc.text(value, x + 100, y, { width: 92, align: 'right' });
    return doc.y + 2;
  };
  let y = line('Subtotal', money(cfdi.subTotal), top);
  y = line('IVA trasladado 16 %', money(cfdi.iva), y);
  line('Total', `${money(cfdi.total)} ${cfdi.moneda}`, y, true);
  const right = doc.y;
  const pair = (a: [string, string], b: [string, string], y: number) =>
    Math.max(field(doc, a[0], a[1], MARGIN, y, 150), field(doc, b[0], b[1], MARGIN + 160, y, 160));
  let l = field(doc, 'Importe con letra', amountInWords(cfdi.total), MARGIN, top, 320);
  const forma = cfdi.formaPago ? described(cfdi.formaPago, PAYMENT_FORMS[cfdi.formaPago as '04']) : '—';
  const metodo = cfdi.metodoPago === 'PUE' ? 'PUE · Pago en una sola exhibición' : (cfdi.metodoPago ?? '—');
  l = pair(['Forma de pago', forma], ['Método de pago', metodo], l);
  const moneda = cfdi.moneda === 'MXN' ? 'MXN · Peso mexicano' : cfdi.moneda;
  l = pair(
    ['Moneda', moneda],
    ['Exportación', cfdi.exportacion === '01' ? '01 · No aplica' : cfdi.exportacion],
    l,
  );
  doc.y = Math.max(right, l);
}

function seals(doc: Pdf, cfdi: PrintedCfdi, qr: Buffer, url: string): void {
  ensureRoom(doc, 260);
  heading(doc, 'Timbre fiscal digital', doc.y + 8);
  const top = doc.y;
  doc.image(qr, MARGIN, top, { width: QR_SIZE_PT, height: QR_SIZE_PT });
  const x = MARGIN + QR_SIZE_PT + 12;
  const width = contentWidth(doc) - QR_SIZE_PT - 12;
  const block = (label: string, value: string) => {
    doc
      .font('Helvetica-Bold')
      .fontSize(7)
      .fillColor(MUTED)
      .text(label, x, doc.y + 2, { width });
    doc.font('Courier').fontSize(6.5).fillColor(INK).text(value, x, doc.y, { width });
  };
  doc.y = top;
  block('No. de serie del certificado del emisor', cfdi.noCertificado);
  block('No. de serie del certificado del SAT', cfdi.stamp.noCertificadoSat);
  block('RFC del proveedor de certificación', cfdi.stamp.rfcProvCertif);
  if (cfdi.stamp.leyenda) block('Leyenda del timbre', cfdi.stamp.leyenda);
  block('Sello digital del CFDI', cfdi.sello);
  block('Sello digital del SAT', cfdi.stamp.selloSat);
  block('Cadena original del complemento de certificación digital del SAT', cfdi.stamp.originalString);
  block('Verifica este comprobante en', url);
  doc.y = Math.max(doc.y, top + QR_SIZE_PT) + 8;
  doc
    .font('Helvetica-Bold')
    .fontSize(9)
    .fillColor(INK)
    .text(PRINTED_LEGEND, MARGIN, doc.y, { width: contentWidth(doc), align: 'center' });
}

/** The demo banner on top of every page and "página n de m" at the foot, once the pages are known. */
function pageMarks(doc: Pdf, demo: boolean): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // writing in the margin must not open another page
    if (demo) {
      doc
        .font('Helvetica-Bold')
        .fontSize(11)
        .fillColor(ALERT)
        .text(DEMO_LEGEND, MARGIN, 18, { width: contentWidth(doc), align: 'center' });
    }
    doc
      .font('Helvetica')
      .fontSize(7)
      .fillColor(MUTED)
      .text(
        `${PRINTED_LEGEND} · Página ${i - range.start + 1} de ${range.count}`,
        MARGIN,
        doc.page.height - 28,
        {
          width: contentWidth(doc),
          align: 'center',
        },
      );
    doc.page.margins.bottom = bottom;
  }
}
