import type { Language } from './errors.ts';

/**
 * Spanish (es-MX) first; English when the client prefers it. Reads an Accept-Language header
 * ("en-US,en;q=0.9,es;q=0.8") and returns the better of the two languages Libra speaks.
 */
export function preferredLanguage(header: string | undefined): Language {
  if (!header) return 'es';
  let best: { lang: Language; q: number } = { lang: 'es', q: -1 };
  for (const part of header.split(',')) {
    const [tag, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.find((p) => p.trim().startsWith('q='));
    const q = qParam ? Number(qParam.trim().slice(2)) : 1;
    if (!tag || Number.isNaN(q)) continue;
    const lang: Language | null = tag.startsWith('es') ? 'es' : tag.startsWith('en') ? 'en' : null;
    if (lang && q > best.q) best = { lang, q };
  }
  return best.lang;
}
