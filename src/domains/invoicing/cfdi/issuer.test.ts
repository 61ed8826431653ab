import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CfdiError } from './errors.ts';
import { prepareIssuer } from './issuer.ts';
import { SAT_FILES } from './sat-files.ts';
import { clock, TEST_ISSUER } from './test-support.ts';

const source = {
  certificate: readFileSync(SAT_FILES.testCsdCertificate, 'utf8'),
  key: readFileSync(SAT_FILES.testCsdKey, 'utf8'),
};

function failure(f: () => unknown): CfdiError {
  try {
    f();
  } catch (e) {
    return e as CfdiError;
  }
  throw new Error('did not throw');
}

describe('the issuer at start', () => {
  it('accepts the SAT test issuer and marks it a demo (sin validez fiscal)', () => {
    const prepared = prepareIssuer({ ...TEST_ISSUER, rfc: 'eku9003173c9' }, source, clock);
    expect(prepared.issuer.rfc).toBe('EKU9003173C9');
    expect(prepared.demo).toBe(true);
  });

  it('refuses a bad RFC, a regime of the other kind of person and a bad postal code, naming the field', () => {
    expect(failure(() => prepareIssuer({ ...TEST_ISSUER, rfc: 'EKU9003173C8' }, source, clock)).field).toBe(
      'issuer.rfc',
    );
    expect(failure(() => prepareIssuer({ ...TEST_ISSUER, fiscalRegime: '605' }, source, clock)).field).toBe(
      'issuer.fiscalRegime',
    );
    expect(failure(() => prepareIssuer({ ...TEST_ISSUER, postalCode: '4250' }, source, clock)).field).toBe(
      'issuer.postalCode',
    );
  });

  it('refuses a CSD of another taxpayer', () => {
    expect(failure(() => prepareIssuer({ ...TEST_ISSUER, rfc: 'URE180429TM6' }, source, clock)).code).toBe(
      'CSD_RFC_MISMATCH',
    );
  });
});
