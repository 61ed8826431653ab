import { formatMoney } from '../../lib/money.ts';
// The rules' shape lives in lib/ so the database schema (the jsonb column that stores them) can
// name it without importing a domain; the catalog keeps the wording of the rules.
import type { LimitRule, PerEventRule, ServiceRules, TerritoryRule } from '../../lib/service-rules.ts';

export { LimitRule, PerEventRule, ServiceRules, TerritoryRule } from '../../lib/service-rules.ts';

type Lang = 'es' | 'en';

const KEY_WORDS: Record<string, Record<Lang, string>> = {
  specialty: { es: 'especialidad', en: 'specialty' },
};

/** The rules in the words of the plan page: "4 al año, 1 por especialidad · Sin costo". */
export function describeLimit(limit: LimitRule, lang: Lang): string {
  switch (limit.kind) {
    case 'unlimited':
      return lang === 'es' ? 'Ilimitado' : 'Unlimited';
    case 'per_year':
      return lang === 'es'
        ? `${limit.count} ${limit.count === 1 ? 'evento' : 'eventos'} al año`
        : `${limit.count} ${limit.count === 1 ? 'use' : 'uses'} a year`;
    case 'per_year_per_key': {
      const key = KEY_WORDS[limit.key]?.[lang] ?? limit.key;
      return lang === 'es'
        ? `${limit.count} al año, ${limit.perKey} por ${key}`
        : `${limit.count} a year, ${limit.perKey} per ${key}`;
    }
  }
}

export function describePerEvent(perEvent: PerEventRule, lang: Lang): string {
  switch (perEvent.kind) {
    case 'no_cost':
      return lang === 'es' ? 'Sin costo' : 'No cost';
    case 'amount_cap':
      return lang === 'es'
        ? `Hasta ${formatMoney(perEvent.capCentavos, { withCurrency: true })} por evento; el excedente lo pagas tú`
        : `Up to ${formatMoney(perEvent.capCentavos, { withCurrency: true })} per event; you pay any excess`;
    case 'card_daily_atm_maximum':
      return lang === 'es'
        ? 'Hasta el máximo de disposición en cajero de tu tarjeta en 24 h'
        : "Up to your card's maximum ATM withdrawal in 24 h";
  }
}

const COUNTRY_NAMES: Record<string, Record<Lang, string>> = { MX: { es: 'México', en: 'Mexico' } };

export function describeTerritory(territory: TerritoryRule, lang: Lang): string | null {
  if (territory.kind === 'anywhere') return null;
  const names = territory.countries.map((c) => COUNTRY_NAMES[c]?.[lang] ?? c).join(', ');
  return lang === 'es' ? `Solo en ${names}` : `Only in ${names}`;
}

export function describeRules(rules: ServiceRules, lang: Lang): string {
  return [
    describeLimit(rules.limit, lang),
    describePerEvent(rules.perEvent, lang),
    describeTerritory(rules.territory, lang),
  ]
    .filter((part): part is string => part !== null)
    .join(' · ');
}
