import { useMemo, useState } from 'react';
import type { PlanService } from '../../api.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { PAGE_CATEGORIES, pageCategoryOf } from '../plan-rules.ts';

/**
 * A short list: the kind of help first, then only that kind's services (issue 23). Choosing
 * another kind clears a service of the kind left behind.
 */
export function ServicePicker({
  services,
  service,
  serviceCode,
  onPick,
}: {
  services: PlanService[];
  /** The chosen service, if any. */
  service: PlanService | undefined;
  serviceCode: string;
  onPick: (serviceCode: string) => void;
}) {
  const { t, lang } = useI18n();
  const byCategory = useMemo(
    () =>
      PAGE_CATEGORIES.map((c) => ({
        key: c.key,
        services: services.filter((s) => pageCategoryOf(s.category) === c.key),
      })).filter((c) => c.services.length > 0),
    [services],
  );
  // The chosen kind of help: the customer's pick, or the chosen service's own kind.
  const [category, setCategory] = useState<string | undefined>(undefined);
  const shownCategory = category ?? (service ? pageCategoryOf(service.category) : undefined);
  const chosen = byCategory.find((c) => c.key === shownCategory);
  const pickCategory = (key: string) => {
    setCategory(key);
    if (service && pageCategoryOf(service.category) !== key) onPick('');
  };
  return (
    <>
      <fieldset className="service-group">
        <legend>{t('assistance.form.category')}</legend>
        <ul className="category-options">
          {byCategory.map((c) => (
            <li key={c.key}>
              <label className="service-option">
                <input
                  type="radio"
                  name="category"
                  value={c.key}
                  checked={shownCategory === c.key}
                  onChange={() => pickCategory(c.key)}
                />
                <span className="service-option-name">{t(`category.${c.key}`)}</span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      {chosen && (
        <fieldset className="service-group">
          <legend>{t(`category.${chosen.key}`)}</legend>
          <ul className="service-options">
            {chosen.services.map((s) => (
              <li key={s.code}>
                <label className="service-option">
                  <input
                    type="radio"
                    name="service"
                    value={s.code}
                    checked={serviceCode === s.code}
                    onChange={() => onPick(s.code)}
                    aria-describedby={`service-${s.code}`}
                  />
                  <span className="service-option-name">{s.name[lang]}</span>
                </label>
                <span id={`service-${s.code}`} className="service-option-summary">
                  {s.summary[lang]}
                </span>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
    </>
  );
}
