import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../lib/clock.ts';
import { certificateNumber, loadCsd } from './csd.ts';
import type { CfdiError } from './errors.ts';
import { SAT_FILES } from './sat-files.ts';
import { signText, verifyText } from './seal.ts';

const certPem = readFileSync(SAT_FILES.testCsdCertificate, 'utf8');
const keyPem = readFileSync(SAT_FILES.testCsdKey, 'utf8');
const clock = new ManualClock('2026-12-06T12:00:00Z');
/** The certificate as the SAT ships it: DER. */
const cerDer = new X509Certificate(certPem).raw;
/** The key as the SAT ships it: PKCS#8 DER encrypted with the password. */
const keyDer = createPrivateKey(keyPem).export({
  format: 'der',
  type: 'pkcs8',
  cipher: 'des-ede3-cbc',
  passphrase: '12345678a',
});

function failure(f: () => unknown): CfdiError {
  try {
    f();
  } catch (e) {
    return e as CfdiError;
  }
  throw new Error('did not throw');
}

describe('the issuer CSD', () => {
  it('loads the SAT test CSD from PEM: RFC, certificate number, base64 certificate', () => {
    const csd = loadCsd({ certificate: certPem, key: keyPem }, { rfc: 'EKU9003173C9', clock });
    expect(csd.rfc).toBe('EKU9003173C9');
    expect(csd.noCertificado).toBe('30001000000500003416');
    expect(Buffer.from(csd.certificado, 'base64').equals(cerDer)).toBe(true);
    expect(csd.validTo.toISOString()).toBe('2027-05-18T11:43:51.000Z');
  });

  it('loads the .cer and the encrypted .key as the SAT ships them (DER, with the password)', () => {
    const csd = loadCsd(
      { certificate: cerDer, key: keyDer, password: '12345678a' },
      { rfc: 'EKU9003173C9', clock },
    );
    const signature = signText('||4.0|prueba||', csd.key);
    expect(verifyText('||4.0|prueba||', signature, csd.certificate)).toBe(true);
  });

  it('loads the committed .cer/.key pair (legacy PBE-SHA1-3DES encryption, password 12345678a)', () => {
    const csd = loadCsd(
      {
        certificate: readFileSync(SAT_FILES.testCsdCertificate.replace('.cer.pem', '.cer')),
        key: readFileSync(SAT_FILES.testCsdKey.replace('.key.pem', '.key')),
        password: '12345678a',
      },
      { rfc: 'EKU9003173C9', clock },
    );
    expect(csd.noCertificado).toBe('30001000000500003416');
  });

  it('refuses a wrong or missing password clearly, whatever the wrong password decrypts to', () => {
    // Many wrong passwords: some decrypt to bytes that fail as a malformed key, not as a bad decryption.
    for (let i = 0; i < 300; i++) {
      const e = failure(() =>
        loadCsd({ certificate: cerDer, key: keyDer, password: `otra-${i}` }, { rfc: 'EKU9003173C9', clock }),
      );
      expect(e.code).toBe('CSD_PASSWORD_WRONG');
      expect(e.message).toBe('La contraseña de la llave privada (.key) no es correcta');
    }
    expect(
      failure(() => loadCsd({ certificate: cerDer, key: keyDer }, { rfc: 'EKU9003173C9', clock })).field,
    ).toBe('password');
  });

  it('refuses a certificate of another RFC', () => {
    const e = failure(() => loadCsd({ certificate: certPem, key: keyPem }, { rfc: 'URE180429TM6', clock }));
    expect(e.code).toBe('CSD_RFC_MISMATCH');
    expect(e.message).toContain('EKU9003173C9');
  });

  it("refuses an expired certificate at the clock's now", () => {
    const later = new ManualClock('2027-05-18T11:43:52Z');
    expect(
      failure(() => loadCsd({ certificate: certPem, key: keyPem }, { rfc: 'EKU9003173C9', clock: later }))
        .code,
    ).toBe('CSD_EXPIRED');
  });

  it("refuses a key that is not the certificate's", () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const other = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(
      failure(() => loadCsd({ certificate: certPem, key: other }, { rfc: 'EKU9003173C9', clock })).code,
    ).toBe('CSD_KEY_MISMATCH');
  });

  it('refuses files that are not a certificate or a key', () => {
    expect(
      failure(() => loadCsd({ certificate: 'hola', key: keyPem }, { rfc: 'EKU9003173C9', clock })).code,
    ).toBe('CSD_INVALID');
    expect(
      failure(() =>
        loadCsd({ certificate: certPem, key: Buffer.from('hola') }, { rfc: 'EKU9003173C9', clock }),
      ).code,
    ).toBe('CSD_INVALID');
  });

  it('reads the certificate number the SAT writes as ASCII digits in the serial', () => {
    expect(certificateNumber('3330303031303030303030353030303033343136')).toBe('30001000000500003416');
    expect(() => certificateNumber('0abc')).toThrow(/número de serie/);
  });
});
