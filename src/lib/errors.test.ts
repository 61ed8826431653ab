import { describe, expect, it } from 'vitest';
import { AppError, errorDefinition } from './errors.ts';

describe('error codes', () => {
  it('refuses a misspelt code at compile time, and at run time for a code that comes from data', () => {
    // @ts-expect-error: 'INTERNAL_EROR' is not in the ErrorCode union, so `tsc` fails on it.
    expect(() => new AppError('INTERNAL_EROR')).toThrow('Unknown error code INTERNAL_EROR');
  });

  it('keeps the registry: a registered code carries its status and sentences', () => {
    const error = new AppError('RATE_LIMITED');
    expect(error.status).toBe(429);
    expect(errorDefinition(error.code)?.es).toContain('demasiadas solicitudes');
  });
});
