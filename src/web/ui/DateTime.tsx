import { formatDate, formatDateTime } from '../i18n/format.ts';
import { useI18n } from '../i18n/i18n.tsx';

/** An instant as `25 nov 2026, 14:05` (Mexico City), or only its day with `dateOnly`. */
export function DateTime({ value, dateOnly = false }: { value: string; dateOnly?: boolean }) {
  const { lang } = useI18n();
  return (
    <time dateTime={value} className="datetime">
      {dateOnly ? formatDate(value, lang) : formatDateTime(value, lang)}
    </time>
  );
}
