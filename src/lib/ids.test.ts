import { describe, expect, it } from 'vitest';
import { formatHumanNumber, isUuid, newId, parseHumanNumber } from './ids.ts';

describe('ids', () => {
  it('are UUIDv7 and sort by creation time', async () => {
    const first = newId();
    await new Promise((r) => setTimeout(r, 2));
    const second = newId();
    expect(isUuid(first)).toBe(true);
    expect(first[14]).toBe('7');
    expect(first < second).toBe(true);
  });
});

describe('human numbers', () => {
  it('format as LP-26-004211', () => {
    expect(formatHumanNumber({ prefix: 'LP', year: 2026, sequence: 4211 })).toBe('LP-26-004211');
    expect(formatHumanNumber({ prefix: 'LP', year: 2026, sequence: 1_234_567 })).toBe('LP-26-1234567');
  });

  it('parse what an agent types', () => {
    const expected = { prefix: 'LP', year: 2026, sequence: 4211 };
    expect(parseHumanNumber('LP-26-004211')).toEqual(expected);
    expect(parseHumanNumber('lp 26 4211')).toEqual(expected);
    expect(parseHumanNumber('LP26004211')).toEqual(expected);
  });

  it('refuse what is not one', () => {
    expect(parseHumanNumber('L-26-004211')).toBeNull();
    expect(parseHumanNumber('LP-26-000000')).toBeNull();
    expect(parseHumanNumber('hello')).toBeNull();
    expect(() => formatHumanNumber({ prefix: 'lp', year: 2026, sequence: 1 })).toThrow(RangeError);
    expect(() => formatHumanNumber({ prefix: 'LP', year: 2026, sequence: 0 })).toThrow(RangeError);
  });
});

describe('newId', () => {
  it('makes distinct ids that sort in the order they were made, within one millisecond too', () => {
    const ids = Array.from({ length: 20_000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(ids.every((id) => isUuid(id) && id[14] === '7')).toBe(true);
  });
});
