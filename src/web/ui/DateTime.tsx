import { formatCoveredThrough, formatDate, formatDateTime } from '../i18n/format.ts';
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

/** The last day covered by a period that ends (exclusively) at `end`: `3 feb 2027` (formatCoveredThrough). */
export function CoveredThrough({ end }: { end: string }) {
  const { lang } = useI18n();
  return (
    <time dateTime={end} className="datetime">
      {formatCoveredThrough(end, lang)}
    </time>
  );
}
