import type { FastifyError } from 'fastify';
import { describe, expect, it } from 'vitest';
import { schemaFieldErrors } from './problem.ts';
import { validationMessage } from './validation-messages.ts';

const failure = (validation: unknown[], validationContext = 'body') =>
  Object.assign(new Error('bad'), { validation, validationContext }) as unknown as FastifyError;

describe('schema messages people read', () => {
  it('says what to do, in both languages, by keyword', () => {
    expect(validationMessage({ instancePath: '/a', keyword: 'required', params: {} })).toEqual({
      es: 'Este dato es obligatorio.',
      en: 'This is required.',
    });
    expect(validationMessage({ instancePath: '/a', keyword: 'maxLength', params: { limit: 20 } }).es).toBe(
      'Escribe como máximo 20 caracteres.',
    );
    expect(
      validationMessage({
        instancePath: '/d',
        keyword: 'pattern',
        params: { pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
      }).es,
    ).toBe('Escribe una fecha completa: día, mes y año.');
    expect(validationMessage({ instancePath: '/x', keyword: 'somethingNew', params: {} }).en).toBe(
      'This value is not valid.',
    );
  });

  it('names the field, with the missing property, once per sentence', () => {
    const errors = schemaFieldErrors(
      failure([
        { instancePath: '/titular', keyword: 'required', params: { missingProperty: 'email' } },
        // A union of literals: every branch fails, then anyOf.
        { instancePath: '/kind', keyword: 'const', params: { allowedValue: 'spouse' } },
        { instancePath: '/kind', keyword: 'const', params: { allowedValue: 'child' } },
        { instancePath: '/kind', keyword: 'anyOf', params: {} },
        { instancePath: '', keyword: 'additionalProperties', params: { additionalProperty: 'extra' } },
      ]),
    );
    expect(errors.map((e) => [e.field, e.localised?.es])).toEqual([
      ['body/titular/email', 'Este dato es obligatorio.'],
      ['body/kind', 'Elige una de las opciones permitidas.'],
      ['body/extra', 'Este dato no se acepta aquí.'],
    ]);
  });

  it('keeps the request part it came from', () => {
    const [error] = schemaFieldErrors(
      failure(
        [{ instancePath: '/limit', keyword: 'maximum', params: { limit: 50, comparison: '<=' } }],
        'querystring',
      ),
    );
    expect(error).toMatchObject({
      field: 'querystring/limit',
      localised: { es: 'Escribe un número de 50 o menos.' },
    });
  });
});
