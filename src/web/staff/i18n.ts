import { useMemo } from 'react';
import { formatMessage } from '../../lib/words.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { Lang } from '../i18n/messages.ts';
import { isStaffMessageKey, type StaffMessageKey, staffCatalogues } from './i18n/messages.ts';

export type StaffTranslate = (key: StaffMessageKey, values?: Record<string, string | number>) => string;

/**
 * The staff apps' strings in the language the person chose (the same choice as the customer web's,
 * so the shared components — states, dialogs — speak the same language). `tc` is the customer
 * catalogue's `t`, for the shared components' own keys.
 */
export function useStaffI18n() {
  const { lang, setLang, t: tc } = useI18n();
  return useMemo(() => {
    const t: StaffTranslate = (key, values) => formatMessage(staffCatalogues[lang][key], values, lang);
    /** A key built from data (a role, a state) with a fallback when the catalogue has none. */
    const tOr = (key: string, fallback: string, values?: Record<string, string | number>) =>
      isStaffMessageKey(key) ? t(key, values) : fallback;
    return { lang: lang as Lang, setLang, t, tOr, tc };
  }, [lang, setLang, tc]);
}
