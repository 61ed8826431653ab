/**
 * What both PDFs share: a Letter page with pdfkit's standard Helvetica (WinAnsi covers Spanish),
 * the document collected into a Buffer, es-MX money from centavos and dates in Mexico City.
 */
import { DateTime } from 'luxon';
import PDFDocument from 'pdfkit';
import { MEXICO_CITY } from '../../../lib/clock.ts';
import { formatMoney } from '../../../lib/money.ts';

export type Pdf = InstanceType<typeof PDFDocument>;

export const MARGIN = 40;
export const INK = '#1a1a1a';
export const MUTED = '#555555';
export const ALERT = '#b00020';

export function newPdf(info: { title: string; author: string; createdAt: Date }): Pdf {
  return new PDFDocument({
    size: 'LETTER',
    margin: MARGIN,
    bufferPages: true,
    info: { Title: info.title, Author: info.author, CreationDate: info.createdAt, ModDate: info.createdAt },
    lang: 'es-MX',
  });
}

/** Ends the document and resolves with its bytes. */
export function finish(doc: Pdf): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

export const money = (centavos: number) => formatMoney(centavos, { locale: 'es-MX' });

/** "30 de noviembre de 2026, 12:05" in Mexico City, from an instant. */
export function localDateTime(instant: Date | string): string {
  const d = typeof instant === 'string' ? DateTime.fromISO(instant) : DateTime.fromJSDate(instant);
  return d.setZone(MEXICO_CITY).setLocale('es-MX').toFormat("d 'de' LLLL 'de' yyyy, HH:mm");
}

/** "30 de noviembre de 2026" in Mexico City. */
export function localDate(instant: Date | string): string {
  const d = typeof instant === 'string' ? DateTime.fromISO(instant) : DateTime.fromJSDate(instant);
  return d.setZone(MEXICO_CITY).setLocale('es-MX').toFormat("d 'de' LLLL 'de' yyyy");
}

/** A label over its value, at (x, y) in a column `width` wide; returns the y below it. */
export function field(doc: Pdf, label: string, value: string, x: number, y: number, width: number): number {
  doc.font('Helvetica').fontSize(7).fillColor(MUTED).text(label, x, y, { width });
  doc
    .font('Helvetica')
    .fontSize(9)
    .fillColor(INK)
    .text(value, x, doc.y + 1, { width });
  return doc.y + 4;
}

export function heading(doc: Pdf, text: string, y?: number): void {
  doc
    .font('Helvetica-Bold')
    .fontSize(10)
    .fillColor(INK)
    .text(text, MARGIN, y ?? doc.y + 6);
  doc.moveDown(0.2);
}

/** Starts a new page when fewer than `needed` points remain. */
export function ensureRoom(doc: Pdf, needed: number): void {
  if (doc.y + needed > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

export const contentWidth = (doc: Pdf) => doc.page.width - doc.page.margins.left - doc.page.margins.right;
