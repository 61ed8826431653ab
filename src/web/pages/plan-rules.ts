import type { PlanService } from '../api.ts';
import { formatMoney } from '../i18n/format.ts';
import type { Translate } from '../i18n/i18n.tsx';
import { isMessageKey } from '../i18n/messages.ts';

/** The page's four categories are the kinds of help every request form asks first. */
export {
  SERVICE_KINDS as PAGE_CATEGORIES,
  type ServiceKind as PageCategory,
  serviceKindOf as pageCategoryOf,
} from '../cases/service-kinds.ts';

/** "Ilimitado", "1 al año", "4 al año, 1 por especialidad". */
export function describeLimit(rules: PlanService['rules'], t: Translate): string {
  const limit = rules.limit;
  switch (limit.kind) {
    case 'unlimited':
      return t('benefits.unlimited');
    case 'per_year':
      return t('benefits.perYear', { count: limit.count });
    case 'per_year_per_key': {
      const label = `benefits.key.${limit.key}`;
      return t('benefits.perYearPerKey', {
        count: limit.count,
        perKey: limit.perKey,
        key: isMessageKey(label) ? t(label) : limit.key,
      });
    }
  }
}

/** "Sin costo", "Cubierto hasta $1,000.00", then "Solo en México" where the territory is limited. */
export function describePerEvent(rules: PlanService['rules'], t: Translate): string {
  const perEvent = rules.perEvent;
  const parts: string[] = [];
  switch (perEvent.kind) {
    case 'no_cost':
      parts.push(t('benefits.noCost'));
      break;
    case 'amount_cap':
      parts.push(t('benefits.cap', { amount: formatMoney(perEvent.capCentavos) }));
      break;
    case 'card_daily_atm_maximum':
      parts.push(t('benefits.atm'));
      break;
  }
  if (rules.territory.kind === 'countries') {
    const countries = rules.territory.countries
      .map((code) => {
        const label = `benefits.country.${code}`;
        return isMessageKey(label) ? t(label) : code;
      })
      .join(', ');
    parts.push(t('benefits.onlyIn', { countries }));
  }
  return parts.join(' · ');
}
