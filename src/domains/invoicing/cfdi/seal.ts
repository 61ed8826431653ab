/**
 * Sealing: RSA-SHA256 over the UTF-8 original string with the issuer's CSD key, in base64 (Anexo
 * 20). The seal covers NoCertificado, so the certificate number goes into the string first.
 */
import { createSign, createVerify, type KeyObject, type X509Certificate } from 'node:crypto';
import type { Csd } from './csd.ts';
import type { Comprobante, Seal } from './model.ts';
import { originalString } from './original-string.ts';
import { comprobanteXml } from './xml.ts';

export function signText(text: string, key: KeyObject): string {
  return createSign('RSA-SHA256').update(text, 'utf8').sign(key, 'base64');
}

export function verifyText(text: string, signature: string, certificate: X509Certificate): boolean {
  return createVerify('RSA-SHA256').update(text, 'utf8').verify(certificate.publicKey, signature, 'base64');
}

export interface SealedDocument {
  comprobante: Comprobante;
  seal: Seal;
  originalString: string;
  xml: string;
}

export function sealComprobante(comprobante: Comprobante, csd: Csd): SealedDocument {
  const cadena = originalString(comprobante, csd.noCertificado);
  const seal: Seal = {
    noCertificado: csd.noCertificado,
    certificado: csd.certificado,
    sello: signText(cadena, csd.key),
  };
  return { comprobante, seal, originalString: cadena, xml: comprobanteXml(comprobante, seal) };
}
