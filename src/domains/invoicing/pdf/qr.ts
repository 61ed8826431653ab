/**
 * The SAT's QR for the printed representation (Anexo 20: the verification URL, at least 2.75 cm a
 * side): a PNG from `qrcode` with error correction M, embedded as an image.
 */
import QRCode from 'qrcode';

export function qrPng(url: string): Promise<Buffer> {
  return QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 1, scale: 6 });
}

/** 2.75 cm is 78 points; a little more reads better on cheap printers. */
export const QR_SIZE_PT = 96;
