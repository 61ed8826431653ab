import { describe, expect, it } from 'vitest';
import { verificationUrl } from './verification.ts';

describe('SAT verification link', () => {
  it("carries UUID, both RFCs, the total with six decimals and the seal's last 8 characters", () => {
    const url = new URL(
      verificationUrl({
        uuid: '5FB2822E-396D-4725-8521-CDC4BDD20CCF',
        issuerRfc: 'EKU9003173C9',
        receiverRfc: 'A&Ñ010101AB1',
        totalCentavos: 21_800,
        sello: 'abc+/xyz12345678==',
      }),
    );
    expect(url.origin + url.pathname).toBe('https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      id: '5FB2822E-396D-4725-8521-CDC4BDD20CCF',
      re: 'EKU9003173C9',
      rr: 'A&Ñ010101AB1',
      tt: '218.000000',
      fe: '345678==',
    });
  });
});
