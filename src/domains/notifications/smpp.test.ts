import smpp from 'smpp';
import { describe, expect, it } from 'vitest';
import {
  concatenationReference,
  deliverSmText,
  destinationOf,
  isPermanentStatus,
  parseReceipt,
  parseSmppUrl,
  senderAddressOf,
  statusName,
} from './smpp.ts';

describe('SMPP settings', () => {
  it('reads smpp://system_id:password@host:port, 2775 by default, credentials URL-decoded', () => {
    expect(parseSmppUrl('smpp://libra:s3cr%40to@smsc.example.mx:2776')).toEqual({
      host: 'smsc.example.mx',
      port: 2776,
      systemId: 'libra',
      password: 's3cr@to',
    });
    expect(parseSmppUrl('smpp://libra:x@10.0.0.5').port).toBe(2775);
  });

  it('refuses another scheme, missing credentials or host, and a path', () => {
    expect(() => parseSmppUrl('http://libra:x@h:2775')).toThrow('must start with smpp://');
    expect(() => parseSmppUrl('smpp://h:2775')).toThrow('must name the system_id and the password');
    expect(() => parseSmppUrl('smpp://libra@h:2775')).toThrow('must name the system_id and the password');
    expect(() => parseSmppUrl('smpp://libra:x@h:2775/algo')).toThrow('must not have a path');
    expect(() => parseSmppUrl('no es url')).toThrow('must be a URL');
  });

  it('sends an alphanumeric sender as TON 5, a short code as TON 3, an E.164 number as TON 1 / NPI 1', () => {
    expect(senderAddressOf('LIBRA')).toEqual({ addr: 'LIBRA', ton: 5, npi: 0 });
    expect(senderAddressOf('Libra Plus')).toEqual({ addr: 'Libra Plus', ton: 5, npi: 0 });
    expect(senderAddressOf('24365')).toEqual({ addr: '24365', ton: 3, npi: 0 });
    expect(senderAddressOf('+525554800900')).toEqual({ addr: '525554800900', ton: 1, npi: 1 });
    for (const bad of ['', 'LIBRA-ASISTENCIA', 'Líbra', '12', '5554800900', 'LIBRA!'])
      expect(() => senderAddressOf(bad)).toThrow(RangeError);
  });

  it('addresses E.164 numbers without the +, and 10-digit Mexican numbers with 52', () => {
    expect(destinationOf('+525512345678')).toBe('525512345678');
    expect(destinationOf('+1 (415) 555-0100')).toBe('14155550100');
    expect(destinationOf('55 1234 5678')).toBe('525512345678');
    expect(destinationOf('12345')).toBeUndefined();
    expect(destinationOf('+52 55 1234 5678 9999 99')).toBeUndefined();
  });
});

describe('command statuses', () => {
  it('are named as the spec names them', () => {
    expect(statusName(0x58)).toBe('ESME_RTHROTTLED (0x58)');
    expect(statusName(0x0b)).toBe('ESME_RINVDSTADR (0x0B)');
    expect(statusName(0x104)).toBe('ESME_RINVDCS (0x104)');
    expect(statusName(0x401)).toBe('unknown status (0x401)');
  });

  it('a wrong number, sender, TON/NPI or length is permanent; throttling, queue full, system error and unknown codes are not', () => {
    const e = smpp.errors;
    for (const code of [
      e.ESME_RINVDSTADR,
      e.ESME_RINVSRCADR,
      e.ESME_RINVDSTTON,
      e.ESME_RINVDSTNPI,
      e.ESME_RINVMSGLEN,
      e.ESME_RINVDCS,
    ])
      expect([statusName(code ?? -1), isPermanentStatus(code ?? -1)]).toEqual([statusName(code ?? -1), true]);
    for (const code of [e.ESME_RTHROTTLED, e.ESME_RMSGQFUL, e.ESME_RSYSERR, e.ESME_RSUBMITFAIL, 0x401])
      expect([statusName(code ?? -1), isPermanentStatus(code ?? -1)]).toEqual([
        statusName(code ?? -1),
        false,
      ]);
  });
});

describe('delivery receipts', () => {
  const text = (s: string) => ({ data_coding: 0, short_message: { message: s } });

  it('reads the id, stat and err of the SMPP 3.4 receipt text', () => {
    expect(
      parseReceipt(
        text(
          'id:0A1B2C3D sub:001 dlvrd:001 submit date:2611251405 done date:2611251406 stat:DELIVRD err:000 text:Tu grua',
        ),
      ),
    ).toEqual({
      id: '0A1B2C3D',
      stat: 'DELIVRD',
      err: '000',
      status: 'delivered',
      detail: 'stat:DELIVRD err:000',
    });
  });

  it('maps the final states, DELETED as rejected, and reports nothing for ACCEPTD, UNKNOWN or ENROUTE', () => {
    const status = (stat: string) => parseReceipt(text(`id:1 stat:${stat} err:000 Text:x`))?.status;
    expect(['DELIVRD', 'UNDELIV', 'EXPIRED', 'REJECTD', 'DELETED'].map(status)).toEqual([
      'delivered',
      'undeliverable',
      'expired',
      'rejected',
      'rejected',
    ]);
    expect(['ACCEPTD', 'UNKNOWN', 'ENROUTE'].map(status)).toEqual([undefined, undefined, undefined]);
  });

  it('gives back ASCII the smpp package decoded as GSM-7 (an underscore read as §)', () => {
    // The octets "id:ab_1 … " decoded as GSM-7 turn 0x5F (_) into § and 0x40 (@) into ¡.
    const decodedAsGsm = smpp.encodings.ASCII.decode(Buffer.from('id:ab_1@x stat:UNDELIV err:0_1', 'ascii'));
    expect(decodedAsGsm).toContain('§');
    expect(parseReceipt(text(decodedAsGsm))).toMatchObject({
      id: 'ab_1@x',
      err: '0_1',
      status: 'undeliverable',
    });
  });

  it('prefers the receipted_message_id and message_state TLVs', () => {
    expect(
      parseReceipt({
        ...text('id:texto stat:DELIVRD err:000'),
        receipted_message_id: 'tlv-id',
        message_state: 5,
      }),
    ).toMatchObject({ id: 'tlv-id', stat: 'UNDELIV', status: 'undeliverable' });
    expect(parseReceipt({ receipted_message_id: 'solo-tlv', message_state: 2 })).toMatchObject({
      id: 'solo-tlv',
      status: 'delivered',
      detail: 'stat:DELIVRD',
    });
  });

  it('does not make up a receipt without an id and a state', () => {
    expect(parseReceipt(text('hola, ¿quién es?'))).toBeUndefined();
    expect(parseReceipt(text('id:123 err:000'))).toBeUndefined();
  });

  it('reads a UCS-2 or Latin-1 text as decoded', () => {
    expect(deliverSmText({ data_coding: 8, short_message: { message: 'id:1 stat:DELIVRD' } })).toBe(
      'id:1 stat:DELIVRD',
    );
    expect(deliverSmText({ data_coding: 0, message_payload: { message: 'id:2 stat:EXPIRED' } })).toBe(
      'id:2 stat:EXPIRED',
    );
  });
});

describe('the concatenation reference', () => {
  it('is one octet, the same for every attempt of a message', () => {
    const id = '0193c2b4-0000-7000-8000-000000000001';
    expect(concatenationReference(id)).toBe(concatenationReference(id));
    expect(concatenationReference(id)).toBeGreaterThanOrEqual(0);
    expect(concatenationReference(id)).toBeLessThan(256);
  });
});
