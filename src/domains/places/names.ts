/**
 * Names compared as people type them: without accents, case, punctuation or repeated spaces, so
 * "Benito Juarez" is "Benito Juárez" and "Cd. Granja" is "cd granja". Pure.
 */
export function normaliseName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9ñ]+/g, ' ')
    .trim();
}

/** Whitespace collapsed and trimmed; `null` for nothing. What a person typed, kept as typed. */
export function tidy(text: string | undefined | null): string | null {
  const value = text?.replace(/\s+/g, ' ').trim();
  return value ? value : null;
}
