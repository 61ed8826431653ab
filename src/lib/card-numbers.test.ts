import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CARD_NUMBER_REMOVED,
  containsCardNumber,
  luhnValid,
  redactCardNumbers,
  redactCardNumbersInUrl,
} from './card-numbers.ts';
import { formatHumanNumber, newId } from './ids.ts';

/** The check digit that makes `payload` + digit Luhn-valid. */
function checkDigit(payload: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(payload + d)) return String(d);
  throw new Error('unreachable: one of ten digits always completes a Luhn number');
}

/** Any Luhn-valid number of 13–19 digits. */
const cardNumber = fc
  .integer({ min: 13, max: 19 })
  .chain((length) =>
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length - 1, maxLength: length - 1 }),
  )
  .map((digits) => {
    const payload = digits.join('');
    return payload + checkDigit(payload);
  });

/** As people type it: groups of 4, the last one shorter. */
const inGroupsOf4 = (number: string, separator: string) => (number.match(/.{1,4}/g) ?? []).join(separator);

describe('luhnValid', () => {
  it('accepts the test cards and refuses a changed digit', () => {
    for (const n of ['4242424242424242', '5555555555554444', '378282246310005', '4000000000000002']) {
      expect(luhnValid(n)).toBe(true);
    }
    expect(luhnValid('4242424242424241')).toBe(false);
    expect(luhnValid('4242 4242')).toBe(false);
    expect(luhnValid('')).toBe(false);
  });
});

describe('containsCardNumber', () => {
  it('finds a card number however it is typed, in any string, number or key', () => {
    expect(containsCardNumber('4242424242424242')).toBe(true);
    expect(containsCardNumber('mi tarjeta es 4242 4242 4242 4242, vence 12/28')).toBe(true);
    expect(containsCardNumber('4242-4242-4242-4242')).toBe(true);
    expect(containsCardNumber('amex 3782 822463 10005')).toBe(true);
    expect(containsCardNumber('4242 4242 4242 4242 12 28 123')).toBe(true);
    expect(containsCardNumber('tarjeta:4242424242424242.')).toBe(true);
    expect(containsCardNumber('card4242424242424242')).toBe(true);
    expect(containsCardNumber(4242424242424242)).toBe(true);
    expect(containsCardNumber({ a: [{ b: 'x' }, { c: ['5555 5555 5555 4444'] }] })).toBe(true);
    expect(containsCardNumber({ '4242424242424242': true })).toBe(true);
  });

  it('treats an integer too large to be exact, of card length, as one', () => {
    // JSON.parse rounds 19-digit numbers: the digits cannot be checked, and no Libra field holds one.
    expect(containsCardNumber(JSON.parse('{"n": 6011000990139424123}'))).toBe(true);
    expect(containsCardNumber(1e25)).toBe(false);
  });

  it('ignores what is not a card number', () => {
    for (const value of [
      '4242424242424241', // fails Luhn
      '42424242424242424242', // 20 digits
      '424242424242', // 12 digits
      '4242  4242  4242  4242', // double spaces are not how a card is typed
      '55 5480 0900',
      '+52 55 5480 0900',
      '2026-11-25T20:05:00.000Z',
      'LP-26-004211',
      '01a211e5-a70a-74a3-ac9e-4def0b9a772c',
      '19.432607812345678', // a latitude as a browser reports it
      'p-0.4242424242424242@test.libra.mx',
      19.43260781234568,
      21800,
      null,
      undefined,
      true,
      { plan: 'libra-plus', totalCentavos: 21800 },
    ]) {
      expect(containsCardNumber(value), String(value)).toBe(false);
    }
  });

  it('property: decimals (coordinates, amounts, random fractions) are never card numbers', () => {
    fc.assert(
      fc.property(fc.double({ min: -180, max: 180, noNaN: true }), (coordinate) => {
        expect(containsCardNumber(coordinate)).toBe(false);
        expect(containsCardNumber(String(coordinate))).toBe(false);
        expect(containsCardNumber({ lat: coordinate, text: `${coordinate},${-coordinate}` })).toBe(false);
      }),
      { numRuns: 5_000 },
    );
    for (let i = 0; i < 5_000; i++)
      expect(containsCardNumber(`p-${Math.random()}@test.libra.mx`)).toBe(false);
  });

  it('an email address holds no card number, whatever digits it has', () => {
    // Issue 19: a Luhn-valid run in the local part kept a person from contracting and signing in.
    for (const value of [
      'ana.1796422847279@example.com',
      'escríbeme a ana.1796422847279@example.com, por favor',
      { email: '4242424242424242@correo.mx' },
      'juan+5555555555554444@mail.example.org',
      'ana@1796422847279.example.com',
    ]) {
      expect(containsCardNumber(value), JSON.stringify(value)).toBe(false);
    }
    for (const value of [
      '4242424242424242 ana@example.com',
      'ana@example.com 4242-4242-4242-4242',
      '4242424242424242@', // no domain: not an address
      '4242424242424242@localhost', // no top-level domain
      'ana@example.com4242424242424242',
    ]) {
      expect(containsCardNumber(value), value).toBe(true);
    }
  });

  it('walks any depth and any length without recursion', () => {
    // Issue 19: a body of 10,000 `[` overflowed the stack here, a 500 on every route with a body.
    let deep: unknown = '4242424242424242';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(containsCardNumber(deep)).toBe(true);
    let deepObject: unknown = 'nada';
    for (let i = 0; i < 100_000; i++) deepObject = { a: deepObject };
    expect(containsCardNumber(deepObject)).toBe(false);
    expect(containsCardNumber(Array.from({ length: 1_000_000 }, () => 7))).toBe(false);
  });

  it('takes linear time on a megabyte of text with addresses', () => {
    const started = performance.now();
    expect(containsCardNumber('x'.repeat(1_000_000))).toBe(false);
    expect(containsCardNumber('a@'.repeat(500_000))).toBe(false);
    expect(containsCardNumber('1@a.co '.repeat(150_000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('survives cycles', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(containsCardNumber(cyclic)).toBe(false);
  });

  it('property: any Luhn-valid run of 13–19 digits is found, alone or inside text', () => {
    fc.assert(
      fc.property(cardNumber, fc.string(), fc.string(), (number, before, after) => {
        expect(containsCardNumber(number)).toBe(true);
        expect(containsCardNumber(`${before} ${number} ${after}`)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('property: … and spaced or dashed in groups of 4', () => {
    fc.assert(
      fc.property(cardNumber, fc.constantFrom(' ', '-'), fc.string(), fc.string(), (number, sep, a, b) => {
        expect(containsCardNumber(inGroupsOf4(number, sep))).toBe(true);
        expect(containsCardNumber(`${a} ${inGroupsOf4(number, sep)} ${b}`)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('property: a Luhn-invalid 16-digit number is not one', () => {
    fc.assert(
      fc.property(
        cardNumber.filter((n) => n.length === 16),
        fc.integer({ min: 1, max: 9 }),
        (n, shift) => {
          const wrong = n.slice(0, 15) + ((Number(n[15]) + shift) % 10);
          expect(containsCardNumber(wrong)).toBe(false);
          expect(containsCardNumber(inGroupsOf4(wrong, ' '))).toBe(false);
        },
      ),
    );
  });

  it('property: Mexican phones, UUIDv7s, human numbers and ISO dates are never card numbers', () => {
    const phone = fc.stringMatching(/^[1-9][0-9]{9}$/);
    fc.assert(
      fc.property(phone, (p) => {
        const spaced = `${p.slice(0, 2)} ${p.slice(2, 6)} ${p.slice(6)}`;
        for (const text of [p, spaced, `+52 ${spaced}`, `+52${p}`, `${spaced}, ${spaced}`]) {
          expect(containsCardNumber(text), text).toBe(false);
        }
      }),
      { numRuns: 2_000 },
    );
    fc.assert(
      fc.property(fc.uuid({ version: 7 }), (uuid) => {
        expect(containsCardNumber(uuid), uuid).toBe(false);
        expect(containsCardNumber({ [uuid]: uuid }), uuid).toBe(false);
      }),
      { numRuns: 5_000 },
    );
    for (let i = 0; i < 1_000; i++) expect(containsCardNumber(newId())).toBe(false);
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z]{2}$/),
        fc.integer({ min: 2000, max: 2099 }),
        fc.integer({ min: 1, max: 9_999_999 }),
        (prefix, year, sequence) => {
          const number = formatHumanNumber({ prefix, year, sequence });
          expect(containsCardNumber(number), number).toBe(false);
        },
      ),
    );
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1900-01-01T00:00:00Z'),
          max: new Date('2200-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const iso = date.toISOString();
          for (const text of [iso, iso.slice(0, 10), `${iso.slice(0, 10)} ${iso.slice(11, 19)}`]) {
            expect(containsCardNumber(text), text).toBe(false);
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('redactCardNumbers', () => {
  it('replaces each card number, separators included, and keeps the rest', () => {
    expect(redactCardNumbers('pago con 4242 4242 4242 4242 el 2026-11-25')).toBe(
      `pago con ${CARD_NUMBER_REMOVED} el 2026-11-25`,
    );
    expect(redactCardNumbers('/v1/plans?x=4242424242424242&y=5555-5555-5555-4444')).toBe(
      `/v1/plans?x=${CARD_NUMBER_REMOVED}&y=${CARD_NUMBER_REMOVED}`,
    );
    expect(redactCardNumbers('nothing here 55 5480 0900')).toBe('nothing here 55 5480 0900');
  });

  it('property: what it returns holds no card number', () => {
    fc.assert(
      fc.property(cardNumber, fc.constantFrom('', ' ', '-'), fc.string(), (number, sep, text) => {
        const typed = sep ? inGroupsOf4(number, sep) : number;
        const redacted = redactCardNumbers(`${text} ${typed} ${text}`);
        expect(redacted).toContain(CARD_NUMBER_REMOVED);
        expect(containsCardNumber(redacted)).toBe(false);
      }),
      { numRuns: 1_000 },
    );
  });

  it('sees through URL encoding in URLs', () => {
    for (const url of [
      '/v1/plans?x=4242%204242%204242%204242',
      '/v1/plans?x=4242+4242+4242+4242',
      '/v1/plans?x=%34242424242424242',
    ]) {
      const redacted = redactCardNumbersInUrl(url);
      expect(redacted, url).toContain(CARD_NUMBER_REMOVED);
      expect(redacted).not.toMatch(/4242/);
    }
    expect(redactCardNumbersInUrl('/v1/plans?q=%E0%A4%A&limit=10')).toBe('/v1/plans?q=%E0%A4%A&limit=10');
  });
});
