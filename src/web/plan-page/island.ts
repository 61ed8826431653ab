import '../ui/tokens.css';
import '../ui/ui.css';
import '../ui/components.css';
import '../pages/pages.css';
import { LANG_KEY, SIGNED_IN_HINT } from '../storage-keys.ts';

/**
 * The plan page's only script (src/web/plan.html). The server sent the page rendered in the
 * person's language (Spanish first) and the other language in a <template data-plan-lang>: the
 * switch swaps them, remembers the choice as the app does, and "Mi cuenta" replaces "Entrar" for
 * a signed-in customer. Everything else is HTML: links, the FAQ's <details>. React is not loaded
 * here; any other page is the app (index.html), reached by an ordinary link.
 */
const HTML_LANG: Record<string, string> = { es: 'es-MX', en: 'en' };
const root = document.getElementById('root');

function stored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function showAccount() {
  const signedIn = stored(SIGNED_IN_HINT) === '1';
  for (const link of document.querySelectorAll<HTMLElement>('[data-account]'))
    link.hidden = (link.dataset.account === 'signed-in') !== signedIn;
}

function show(lang: string, focus: boolean) {
  if (!root || root.dataset.lang === lang) return;
  const next = document.querySelector<HTMLTemplateElement>(`template[data-plan-lang="${lang}"]`);
  if (!next) return;
  // The page shown now becomes the other language's template.
  const kept = document.createElement('template');
  kept.dataset.planLang = root.dataset.lang ?? '';
  kept.dataset.title = document.title;
  kept.content.append(...root.childNodes);
  root.append(next.content);
  next.replaceWith(kept);
  root.dataset.lang = lang;
  document.documentElement.lang = HTML_LANG[lang] ?? lang;
  document.title = next.dataset.title ?? document.title;
  showAccount();
  if (focus) root.querySelector<HTMLElement>(`[data-lang="${lang}"]`)?.focus();
}

document.addEventListener('click', (event) => {
  const button = (event.target as Element | null)?.closest<HTMLElement>('.lang-switch [data-lang]');
  const lang = button?.dataset.lang;
  if (!lang) return;
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch {
    // Private mode without storage: the choice lasts for this page only.
  }
  show(lang, true);
});

show(stored(LANG_KEY) === 'en' ? 'en' : 'es', false);
showAccount();
// bench/web.ts: the plan is on screen (it came in the HTML) and the page is ready.
performance.mark('libra:plan-rendered');
