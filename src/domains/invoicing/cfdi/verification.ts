/**
 * The SAT's verification link, which the printed representation carries as a QR code (Anexo 20,
 * printed representation): the stamp's UUID, issuer and receiver RFC, the total and the last 8
 * characters of the document's seal. The total is written with six decimals and no leading zeros
 * ("218.000000"), as PACs print it.
 */
import { pesos } from './amounts.ts';

const VERIFY = 'https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx';

export function verificationUrl(input: {
  uuid: string;
  issuerRfc: string;
  receiverRfc: string;
  totalCentavos: number;
  sello: string;
}): string {
  const params = [
    ['id', input.uuid],
    ['re', input.issuerRfc],
    ['rr', input.receiverRfc],
    ['tt', `${pesos(input.totalCentavos)}0000`],
    ['fe', input.sello.slice(-8)],
  ];
  return `${VERIFY}?${params.map(([k, v]) => `${k}=${encodeURIComponent(v ?? '')}`).join('&')}`;
}
