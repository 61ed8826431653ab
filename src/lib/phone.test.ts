import { describe, expect, it } from 'vitest';
import { formatPhone, parseMexicanPhone, toE164 } from './phone.ts';

describe('phones (libphonenumber-js)', () => {
  it.each([
    ['8187654321', '8187654321'],
    ['81 8765 4321', '8187654321'],
    ['+52 81 8765 4321', '8187654321'],
    ['+52 1 81 8765 4321', '8187654321'],
    ['0052 81 8765 4321', '8187654321'],
    ['(442) 123-4567', '4421234567'],
  ])('reads %s as a Mexican number', (typed, digits) => expect(parseMexicanPhone(typed)).toBe(digits));

  it.each(['818765432', '81876543210', '0187654321', 'teléfono', '+1 212 555 0100', ''])(
    'refuses %s',
    (typed) => expect(parseMexicanPhone(typed)).toBeNull(),
  );

  it('shows a Mexican number in its national format, whatever form it came in', () => {
    expect(formatPhone('8187654321')).toBe('81 8765 4321');
    expect(formatPhone('+528187654321')).toBe('81 8765 4321');
    expect(formatPhone('5554800900')).toBe('55 5480 0900');
    expect(formatPhone('4421234567')).toBe('442 123 4567');
  });

  it('shows a foreign number internationally and leaves what is not a phone as it is', () => {
    expect(formatPhone('+1 212 555 0100')).toBe('+1 212 555 0100');
    expect(formatPhone('n/a')).toBe('n/a');
  });

  it('gives the E.164 form SMS needs', () => {
    expect(toE164('81 8765 4321')).toBe('+528187654321');
    expect(toE164('+52 1 55 5480 0900')).toBe('+525554800900');
    expect(toE164('12')).toBeNull();
  });
});
