/**
 * The issuer's seal certificate (CSD): a certificate and its private key, as the SAT ships them
 * (.cer DER and .key PKCS#8 DER encrypted with the password) or as PEM. Loading checks everything a
 * PAC would otherwise reject later: the certificate is the issuer's (its RFC), it is valid at the
 * clock's now, and the key belongs to it.
 */
import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import type { Clock } from '../../../lib/clock.ts';
import { CfdiError } from './errors.ts';

export interface CsdSource {
  /** PEM text or DER bytes (.cer). */
  certificate: string | Buffer;
  /** PEM text or DER bytes (.key, PKCS#8, usually encrypted). */
  key: string | Buffer;
  password?: string;
}

export interface Csd {
  rfc: string;
  /** The 20-digit certificate number (NoCertificado). */
  noCertificado: string;
  /** Base64 of the DER certificate (Certificado). */
  certificado: string;
  certificate: X509Certificate;
  key: KeyObject;
  validTo: Date;
}

const isPem = (value: string | Buffer) => value.toString('latin1', 0, 64).includes('-----BEGIN');

/** The SAT writes the certificate number as ASCII digits inside the serial: hex "3330…" → "30…". */
export function certificateNumber(serialHex: string): string {
  const hex = serialHex.length % 2 === 0 ? serialHex : `0${serialHex}`;
  const text = Buffer.from(hex, 'hex').toString('latin1');
  if (!/^\d{20}$/.test(text)) {
    throw new CfdiError(
      'CSD_INVALID',
      'El número de serie del certificado no es un número de certificado del SAT',
    );
  }
  return text;
}

/** The RFC in the subject's x500UniqueIdentifier ("RFC / RFC of the legal representative"). */
export function certificateRfc(certificate: X509Certificate): string | undefined {
  const line = certificate.subject.split('\n').find((l) => l.startsWith('x500UniqueIdentifier='));
  return line?.slice('x500UniqueIdentifier='.length).split('/')[0]?.trim().toUpperCase();
}

function readCertificate(source: string | Buffer): X509Certificate {
  try {
    return new X509Certificate(source);
  } catch {
    throw new CfdiError(
      'CSD_INVALID',
      'El certificado (.cer) no se puede leer: debe ser el archivo .cer del SAT o PEM',
      'certificate',
    );
  }
}

/** PKCS#8 encrypted: PEM "ENCRYPTED PRIVATE KEY", or DER whose first field is an algorithm (SEQUENCE), not a version (INTEGER). */
function isEncrypted(source: string | Buffer): boolean {
  if (isPem(source)) return source.toString('latin1').includes('-----BEGIN ENCRYPTED PRIVATE KEY-----');
  const der = Buffer.from(source);
  if (der[0] !== 0x30) return false;
  const lengthBytes = (der[1] ?? 0) & 0x80 ? ((der[1] ?? 0) & 0x7f) + 2 : 2;
  return der[lengthBytes] === 0x30;
}

function readKey(source: string | Buffer, password: string | undefined): KeyObject {
  try {
    if (isPem(source)) return createPrivateKey({ key: source, passphrase: password });
    return createPrivateKey({ key: Buffer.from(source), format: 'der', type: 'pkcs8', passphrase: password });
  } catch {
    // A wrong password sometimes decrypts to bytes that fail later as a malformed key rather than
    // as a bad decryption: for an encrypted key, every failure means the password.
    if (isEncrypted(source)) {
      throw new CfdiError(
        'CSD_PASSWORD_WRONG',
        'La contraseña de la llave privada (.key) no es correcta',
        'password',
      );
    }
    throw new CfdiError(
      'CSD_INVALID',
      'La llave privada (.key) no se puede leer: debe ser el archivo .key del SAT o PEM',
      'key',
    );
  }
}

export function loadCsd(source: CsdSource, expected: { rfc: string; clock: Clock }): Csd {
  const certificate = readCertificate(source.certificate);
  const key = readKey(source.key, source.password);
  const rfc = certificateRfc(certificate);
  if (rfc !== expected.rfc.toUpperCase()) {
    throw new CfdiError(
      'CSD_RFC_MISMATCH',
      `El certificado es del RFC ${rfc ?? '(sin RFC)'}, no del emisor ${expected.rfc}`,
      'certificate',
    );
  }
  const now = expected.clock.now().getTime();
  const validFrom = new Date(certificate.validFrom);
  const validTo = new Date(certificate.validTo);
  if (now < validFrom.getTime() || now > validTo.getTime()) {
    throw new CfdiError(
      'CSD_EXPIRED',
      `El certificado no está vigente: vale del ${validFrom.toISOString()} al ${validTo.toISOString()}`,
      'certificate',
    );
  }
  if (key.asymmetricKeyType !== 'rsa' || !certificate.checkPrivateKey(key)) {
    throw new CfdiError('CSD_KEY_MISMATCH', 'La llave privada no corresponde al certificado', 'key');
  }
  return {
    rfc,
    noCertificado: certificateNumber(certificate.serialNumber),
    certificado: certificate.raw.toString('base64'),
    certificate,
    key,
    validTo,
  };
}
