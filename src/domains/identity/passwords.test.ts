import { describe, expect, it } from 'vitest';
import { AppError, type FieldError } from '../../lib/errors.ts';
import type { Actor, UserRole } from '../../platform/principal.ts';
import { checkPasswordPolicy, PASSWORD_MAX_LENGTH, passwordMinScore, passwordStrength } from './passwords.ts';
import type { IdentityRepository } from './repository.ts';
import { IdentityService } from './service.ts';

/** The password policy on its own: length, the lists, the person's own words, and zxcvbn's score. */
const MARIA = { email: 'maria.lopez@correo.mx', name: 'María Fernanda López Ruiz' };

/** The field error the policy throws, or null when the password is accepted. */
function refusal(password: string, role: UserRole, owner: { email?: string; name?: string } = MARIA) {
  try {
    checkPasswordPolicy(password, { role, ...owner }, 'body/password');
    return null;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    expect(error.code).toBe('PASSWORD_TOO_WEAK');
    return error.options.errors?.[0] as FieldError;
  }
}

describe('the password policy', () => {
  it.each([
    ['a common one with digits', 'password1234'],
    ['one character repeated', 'aaaaaaaaaaaa'],
    ['a repeated pattern', 'abc1abc1abc1'],
    ['a sequence of letters', 'abcdefghijkl'],
    ['a sequence of digits', '123456789012'],
    ['a keyboard row', 'qazwsxedcrfv'],
    ['the demo accounts’ published password', 'libra-demo-2026'],
  ])('refuses %s, for staff and for customers', (_what, password) => {
    for (const role of ['agent', 'admin', 'customer'] as const) {
      expect(refusal(password, role), `${password} as ${role}`).not.toBeNull();
    }
  });

  it.each([
    ['the email itself', 'maria.lopez@correo.mx'],
    ['the name, accents and case aside', 'MARIA LOPEZ RUIZ'],
    ['the name with accents and a year', 'María López 1985'],
    ['first names run together', 'mariafernanda2026'],
    ['the email’s local part and the program’s name', 'maria.lopez.libra!'],
  ])('refuses the person’s own words: %s', (_what, password) => {
    const error = refusal(password, 'customer');
    expect(error?.localised?.es).toMatch(/^Está hecha de tu nombre, tu correo o el nombre de Libra/);
    expect(error?.localised?.en).toMatch(/^It is made of your name, your email or the name Libra/);
    // Someone else may use them: they are not that person's words.
    expect(refusal(password, 'customer', { email: 'jorge@test.mx', name: 'Jorge Ramírez' })).toBeNull();
  });

  it('asks more of staff and providers than of customers', () => {
    expect(passwordMinScore('customer')).toBe(3);
    for (const role of ['agent', 'supervisor', 'finance', 'admin', 'provider', 'doctor'] as const)
      expect(passwordMinScore(role)).toBe(4);
    // Three common words: score 3 once the spaces are taken out.
    const phrase = 'perro gato casa';
    expect(passwordStrength(phrase, MARIA).score).toBe(3);
    expect(refusal(phrase, 'customer')).toBeNull();
    const staff = refusal(phrase, 'agent');
    expect(staff?.localised?.es).toContain('Las cuentas del personal y de proveedores necesitan');
    expect(staff?.localised?.en).toContain('Staff and provider accounts need');
    expect(refusal('correct horse battery staple', 'admin')).toBeNull();
  });

  it('does not let separators between words pass for strength: it also judges the phrase run together', () => {
    // As typed zxcvbn scores 4 (it prices each space as a hidden random string); run together, 3.
    expect(passwordStrength('perrogatocasa', MARIA).score).toBe(3);
    expect(passwordStrength('perro gato casa', MARIA).score).toBe(3);
  });

  it('says why and what to do, in Spanish and English, with zxcvbn’s advice', () => {
    const error = refusal('aaaaaaaaaaaa', 'customer');
    expect(error?.field).toBe('body/password');
    expect(error?.message).toMatch(/too easy to guess \(strength 0 of 4, needs 3\)/);
    expect(error?.localised?.es).toMatch(/^Es demasiado fácil de adivinar\. /);
    expect(error?.localised?.es).toContain('Los caracteres repetidos, como «aaa», son fáciles de adivinar.');
    expect(error?.localised?.es).toContain('Evita repetir palabras y caracteres.');
    expect(error?.localised?.es).toMatch(/Prueba con una frase de tres o cuatro palabras/);
    expect(error?.localised?.en).toContain('Repeated characters like "aaa" are easy to guess.');
    expect(error?.localised?.en).toMatch(/Try a phrase of three or four uncommon words/);
  });

  it('keeps the length rule and the common list first, with their own words', () => {
    expect(refusal('corta', 'customer')?.localised?.es).toBe('Usa de 12 a 256 caracteres.');
    expect(refusal('x'.repeat(PASSWORD_MAX_LENGTH + 1), 'customer')?.localised?.en).toBe(
      'Use 12 to 256 characters.',
    );
    expect(refusal('qwerty123456', 'customer')?.localised?.es).toBe(
      'Es una de las contraseñas más comunes y fáciles de adivinar. Elige otra.',
    );
  });

  it('judges a long password by its first 64 characters: weak there is weak, however long', () => {
    expect(refusal('a'.repeat(PASSWORD_MAX_LENGTH), 'customer')).not.toBeNull();
    expect(refusal(`tacos al pastor con piña ${'a'.repeat(200)}`, 'admin')).toBeNull();
  });

  it('accepts long phrases without composition rules', () => {
    for (const password of [
      'tacos al pastor con piña',
      'otra frase larga para mi cuenta',
      'un perro verde come naranjas',
    ])
      expect(refusal(password, 'admin'), password).toBeNull();
  });
});

describe('the demo accounts’ password', () => {
  const nobody: Actor = { principal: null, requestId: null, ip: null };
  const service = (demoAccounts: boolean) =>
    new IdentityService(
      null as never,
      null as unknown as IdentityRepository,
      null as never,
      { now: () => new Date() },
      { demoAccounts },
    );
  const demoAdmin = {
    email: 'admin@demo.libra.mx',
    name: 'Demo',
    role: 'admin' as const,
    password: 'libra-demo-2026',
  };

  it('may skip the policy only where demo data is allowed, and keeps the length rule there', async () => {
    // Refused before anything is written: the services here have no database at all.
    await expect(service(false).createUser(nobody, demoAdmin, 'demo')).rejects.toThrow(
      /only where demo data is allowed/,
    );
    await expect(
      service(true).createUser(nobody, { ...demoAdmin, password: 'corta' }, 'demo'),
    ).rejects.toThrow(AppError);
    // Any other path applies the policy, which refuses the published demo password.
    await expect(service(true).createUser(nobody, demoAdmin, 'system')).rejects.toMatchObject({
      code: 'PASSWORD_TOO_WEAK',
    });
  });
});
