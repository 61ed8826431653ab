import {
  contentWidth,
  ensureRoom,
  finish,
  heading,
  INK,
  MARGIN,
  MUTED,
  newPdf,
  type Pdf,
} from '../invoicing/pdf/layout.ts';
import type { Delivery } from './delivery.ts';
import { introOf, type Readable, readable, SECTIONS } from './readable.ts';

/**
 * The access delivery as a PDF (LFPDPPP art. 33: copies or electronic documents), with the
 * invoices' page and type (`invoicing/pdf/layout.ts`): the same sections and words as the HTML
 * page, from the same readable model. pdfkit flows long text onto new pages by itself.
 */

const INDENT = 12;

/** pdfkit's standard fonts speak WinAnsi: a character outside it (an emoji) becomes `?`, not a crash. */
const printable = (text: string) =>
  text.replace(
    /[^\t\n\u0020-\u007e\u00a0-\u00ff\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u20ac]/gu,
    '?',
  );

function write(doc: Pdf, node: Readable, depth: number): void {
  const x = MARGIN + depth * INDENT;
  const width = contentWidth(doc) - depth * INDENT;
  if (node.kind === 'text') {
    doc.font('Helvetica').fontSize(9).fillColor(INK).text(printable(node.text), x, doc.y, { width });
    return;
  }
  if (node.kind === 'list') {
    node.items.forEach((item, i) => {
      ensureRoom(doc, 30);
      doc
        .font('Helvetica-Bold')
        .fontSize(8)
        .fillColor(MUTED)
        .text(`${i + 1}.`, x, doc.y + 4, { width });
      write(doc, item, depth + 1);
    });
    return;
  }
  for (const { label, value } of node.fields) {
    ensureRoom(doc, 24);
    if (value.kind === 'text') {
      doc
        .font('Helvetica-Bold')
        .fontSize(9)
        .fillColor(INK)
        .text(`${printable(label)}: `, x, doc.y, { width, continued: true })
        .font('Helvetica')
        .text(printable(value.text));
    } else {
      doc.font('Helvetica-Bold').fontSize(9).fillColor(INK).text(printable(label), x, doc.y, { width });
      write(doc, value, depth + 1);
    }
  }
}

export async function renderDeliveryPdf(delivery: Delivery): Promise<Buffer> {
  const doc = newPdf({
    title: `Tus datos personales · ${delivery.folio}`,
    author: 'Asistencia Libra Plus',
    createdAt: new Date(delivery.generatedAt),
  });
  doc.font('Helvetica-Bold').fontSize(16).fillColor(INK).text('Tus datos personales', MARGIN, MARGIN);
  doc
    .moveDown(0.3)
    .font('Helvetica')
    .fontSize(9)
    .fillColor(MUTED)
    .text(printable(introOf(delivery)), { width: contentWidth(doc) });
  for (const [key, title] of SECTIONS) {
    ensureRoom(doc, 60);
    heading(doc, title, doc.y + 12);
    write(doc, readable(delivery[key], key), 0);
  }
  return finish(doc);
}
