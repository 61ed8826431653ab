/**
 * Reading the PDFs back for tests, with Mozilla's pdf.js (a real PDF reader, not our writer): the
 * text of every page, and the QR image decoded with jsQR from the pixels embedded in the PDF.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import jsQRModule from 'jsqr';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** jsqr is CommonJS with a `default` property; depending on the loader either shape arrives. */
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ??
  jsQRModule) as typeof jsQRModule.default;

const fonts = `${path.join(path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts')}/`;

async function open(pdf: Buffer) {
  return getDocument({ data: new Uint8Array(pdf), standardFontDataUrl: fonts, verbosity: 0 }).promise;
}

/** Each page's text, lines joined by spaces. */
export async function pdfPages(pdf: Buffer): Promise<string[]> {
  const doc = await open(pdf);
  const pages: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    pages.push(
      content.items
        .map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : ' ') : ''))
        .join('')
        .replace(/[ \t]+/g, ' '),
    );
  }
  await doc.destroy();
  return pages;
}

/** The text of all pages with every space and line break removed: for long wrapped values (seals). */
export const squeezed = (text: string) => text.replace(/\s+/g, '');

/** What the QR images embedded on the page say, decoded from their pixels. */
export async function qrCodesOn(pdf: Buffer, pageNumber = 1): Promise<string[]> {
  const doc = await open(pdf);
  const page = await doc.getPage(pageNumber);
  const ops = await page.getOperatorList();
  const found: string[] = [];
  for (const [i, fn] of ops.fnArray.entries()) {
    if (fn !== OPS.paintImageXObject) continue;
    const name = (ops.argsArray[i] as [string])[0];
    const image = await new Promise<{ width: number; height: number; data: Uint8ClampedArray }>((resolve) =>
      page.objs.get(name, resolve),
    );
    const pixels = image.width * image.height;
    const channels = image.data.length / pixels;
    if (channels !== 3 && channels !== 4)
      throw new Error(`unexpected image layout: ${channels} bytes a pixel`);
    const rgba = new Uint8ClampedArray(pixels * 4);
    for (let p = 0; p < pixels; p++) {
      for (let c = 0; c < 3; c++) rgba[p * 4 + c] = image.data[p * channels + c] ?? 0;
      rgba[p * 4 + 3] = 255;
    }
    const code = jsQR(rgba, image.width, image.height);
    if (code) found.push(code.data);
  }
  await doc.destroy();
  return found;
}
