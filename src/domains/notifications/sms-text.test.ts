import fc from 'fast-check';
import smpp from 'smpp';
import { describe, expect, it } from 'vitest';
import {
  concatenationHeader,
  decodeGsm7,
  decodeUcs2,
  encodeGsm7,
  encodeUcs2,
  GSM7_BASIC,
  GSM7_EXTENSION,
  GSM7_PART,
  gsm7Septets,
  isGsm7,
  planSms,
  SmsTooLongError,
  UCS2_PART,
} from './sms-text.ts';

/** What a part costs in its encoding: septets (GSM-7) or UTF-16 code units (UCS-2). */
function cost(encoding: 'gsm7' | 'ucs2', part: string): number {
  return encoding === 'gsm7' ? [...part].reduce((n, c) => n + (gsm7Septets(c) ?? 0), 0) : part.length;
}

describe('the GSM 7-bit alphabet (3GPP TS 23.038)', () => {
  it('has the 128 codes of the default alphabet, in order, as the smpp package has them', () => {
    expect([...GSM7_BASIC]).toHaveLength(128);
    expect(GSM7_BASIC).toBe(smpp.gsmCoder.GSM.chars);
    // Spot checks against the standard's table.
    expect(GSM7_BASIC.indexOf('@')).toBe(0x00);
    expect(GSM7_BASIC.indexOf('è')).toBe(0x04);
    expect(GSM7_BASIC.indexOf('Ç')).toBe(0x09);
    expect(GSM7_BASIC.indexOf('É')).toBe(0x1f);
    expect(GSM7_BASIC.indexOf('¤')).toBe(0x24);
    expect(GSM7_BASIC.indexOf('¡')).toBe(0x40);
    expect(GSM7_BASIC.indexOf('Ñ')).toBe(0x5d);
    expect(GSM7_BASIC.indexOf('§')).toBe(0x5f);
    expect(GSM7_BASIC.indexOf('¿')).toBe(0x60);
    expect(GSM7_BASIC.indexOf('ñ')).toBe(0x7d);
    expect(GSM7_BASIC.indexOf('à')).toBe(0x7f);
  });

  it('keeps é ñ Ñ ü Ü ¿ ¡ à è ù ì ò Ç É Ä Ö in GSM-7 and sends á í ó ú (and their capitals) as UCS-2', () => {
    for (const c of 'éñÑüÜ¿¡àèùìòÇÉÄÖ') expect([c, gsm7Septets(c)]).toEqual([c, 1]);
    for (const c of 'áíóúÁÍÓÚçâêÈ`') expect([c, isGsm7(c)]).toEqual([c, false]);
  });

  it('counts the extension table ^ { } \\ [ ~ ] | € and form feed as two septets', () => {
    expect([...GSM7_EXTENSION.keys()].sort()).toEqual([...'^{}\\[~]|€\f'].sort());
    for (const c of '^{}\\[~]|€\f') expect(gsm7Septets(c)).toBe(2);
    expect(planSms('Total: 10 €').units).toBe(12);
  });

  it('never treats the escape code itself as a character', () => {
    expect(isGsm7('\x1b')).toBe(false);
  });
});

describe('planning an SMS', () => {
  it('"Tu grúa va en camino" goes as one UCS-2 SMS (ú is not GSM-7)', () => {
    expect(planSms('Tu grúa va en camino')).toEqual({
      encoding: 'ucs2',
      dataCoding: 0x08,
      text: 'Tu grúa va en camino',
      units: 20,
      parts: ['Tu grúa va en camino'],
    });
  });

  it('"Cita confirmada: mañana 10:00" goes as one GSM-7 SMS (ñ is GSM-7)', () => {
    expect(planSms('Cita confirmada: mañana 10:00')).toEqual({
      encoding: 'gsm7',
      dataCoding: 0x00,
      text: 'Cita confirmada: mañana 10:00',
      units: 29,
      parts: ['Cita confirmada: mañana 10:00'],
    });
  });

  it('normalises a decomposed ñ (n + combining tilde) so it stays GSM-7', () => {
    const plan = planSms('man\u0303ana');
    expect(plan.encoding).toBe('gsm7');
    expect(plan.text).toBe('mañana');
  });

  it('fits 160 septets in one SMS and cuts 161 into 153 + 8', () => {
    expect(planSms('a'.repeat(160)).parts).toHaveLength(1);
    const plan = planSms('a'.repeat(161));
    expect(plan.parts.map((p) => p.length)).toEqual([153, 8]);
  });

  it('fits 80 € (160 septets) in one SMS, and never splits an escape from its character', () => {
    expect(planSms('€'.repeat(80)).parts).toHaveLength(1);
    const plan = planSms(`${'a'.repeat(152)}€${'b'.repeat(20)}`);
    // 152 + 2 would be 154 septets: the € opens the second part whole.
    expect(plan.parts).toEqual(['a'.repeat(152), `€${'b'.repeat(20)}`]);
  });

  it('fits 70 UCS-2 characters in one SMS and cuts 71 into 67 + 4', () => {
    expect(planSms('á'.repeat(70)).parts).toHaveLength(1);
    expect(planSms('á'.repeat(71)).parts.map((p) => p.length)).toEqual([67, 4]);
  });

  it('never splits a surrogate pair', () => {
    const plan = planSms(`${'á'.repeat(66)}🚗xxx`);
    expect(plan.units).toBe(71);
    expect(plan.parts).toEqual(['á'.repeat(66), '🚗xxx']);
  });

  it('cuts a 300-character Spanish text with accents into parts that join back exactly', () => {
    const text =
      'Hola, María: tu grúa de Asistencia Libra Plus ya va en camino. El proveedor Grúas del Bajío llegará ' +
      'en aproximadamente 35 minutos a Av. Insurgentes Sur 1602, Crédito Constructor, Benito Juárez. ' +
      'Si necesitas algo, llama al 55 5480 0900 y menciona tu caso AS-26-000123. Número de membresía LP-26-004211';
    expect(text.length).toBe(300);
    const plan = planSms(text);
    expect(plan.encoding).toBe('ucs2');
    expect(plan.parts).toHaveLength(5); // 300 / 67
    expect(plan.parts.join('')).toBe(text);
    for (const part of plan.parts) expect(part.length).toBeLessThanOrEqual(UCS2_PART);
  });

  it('cuts a 300-character GSM-7 Spanish text into two parts', () => {
    const text =
      `${'Cita confirmada para mañana a las 10:00 con el Dr. Pérez en Av. Reforma 222. '.repeat(4)}`.slice(
        0,
        300,
      );
    const plan = planSms(text);
    expect(plan.encoding).toBe('gsm7');
    expect(plan.parts.map((p) => p.length)).toEqual([153, 147]);
    expect(plan.parts.join('')).toBe(text);
  });

  it('refuses a text beyond 255 parts', () => {
    expect(() => planSms('a'.repeat(153 * 255 + 1))).toThrow(SmsTooLongError);
  });

  it('always joins back to the text, each part within its limit and a single SMS when it fits', () => {
    const alphabet = fc.constantFrom(...[...'aeñé€[]^áíóú 🚗\n¿?']);
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 400 }).map((cs) => cs.join('')),
        (text) => {
          const plan = planSms(text);
          expect(plan.parts.join('')).toBe(text);
          const single = plan.encoding === 'gsm7' ? 160 : 70;
          const perPart = plan.encoding === 'gsm7' ? GSM7_PART : UCS2_PART;
          if (plan.units <= single) expect(plan.parts).toHaveLength(1);
          else for (const p of plan.parts) expect(cost(plan.encoding, p)).toBeLessThanOrEqual(perPart);
          expect(plan.encoding).toBe(isGsm7(text) ? 'gsm7' : 'ucs2');
        },
      ),
    );
  });
});

describe('the octets submitted', () => {
  const everyGsm = `${GSM7_BASIC.replace('\x1b', '')}${[...GSM7_EXTENSION.keys()].join('')}`;

  it('GSM-7 (data_coding 0) is one septet an octet, escapes as 0x1B, as the smpp package encodes it', () => {
    expect([...encodeGsm7('Añ€')]).toEqual([0x41, 0x7d, 0x1b, 0x65]);
    expect(encodeGsm7(everyGsm)).toEqual(smpp.encodings.ASCII.encode(everyGsm));
    expect(decodeGsm7(encodeGsm7(everyGsm))).toBe(everyGsm);
    expect(() => encodeGsm7('grúa')).toThrow(RangeError);
  });

  it('UCS-2 (data_coding 8) is UTF-16 big-endian, as the smpp package encodes it', () => {
    const text = 'Tu grúa va en camino 🚗';
    expect([...encodeUcs2('ú')]).toEqual([0x00, 0xfa]);
    expect(encodeUcs2(text)).toEqual(smpp.encodings.UCS2.encode(text));
    expect(decodeUcs2(encodeUcs2(text))).toBe(text);
  });

  it('a concatenated part starts with the 6-octet header: IEI 0x00, reference, total, sequence', () => {
    expect([...concatenationHeader(0x1a7, 3, 2)]).toEqual([0x05, 0x00, 0x03, 0xa7, 3, 2]);
  });
});
