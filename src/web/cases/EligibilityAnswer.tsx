import { useI18n } from '../i18n/i18n.tsx';
import { DateTime } from '../ui/DateTime.tsx';
import type { Decision } from './case-data.ts';

/** Reasons as the API says them, the refusing ones first, each marked met or not (not by colour). */
export function ReasonList({
  reasons,
}: {
  reasons: { code: string; ok: boolean; es: string; en: string }[];
}) {
  const { t, lang } = useI18n();
  return (
    <ul className="reasons">
      {[...reasons]
        .sort((a, b) => Number(a.ok) - Number(b.ok))
        .map((r) => (
          <li key={r.code} className={r.ok ? 'reason-ok' : 'reason-no'}>
            <span className="reason-mark" aria-hidden="true">
              {r.ok ? '✓' : '✕'}
            </span>
            <span className="visually-hidden">
              {r.ok ? t('assistance.eligibility.reasonOk') : t('assistance.eligibility.reasonNo')}:{' '}
            </span>
            {r[lang]}
          </li>
        ))}
    </ul>
  );
}

/**
 * An eligibility decision in the customer's words: yes or no, every reason (the refusing ones
 * first) as the API says them, and what is left this membership year (an unlimited service's
 * reason already says so and how many were used).
 */
export function EligibilityAnswer({
  decision,
  headingLevel = 3,
}: {
  decision: Decision;
  headingLevel?: 2 | 3 | 4;
}) {
  const { t } = useI18n();
  const Heading = (['h2', 'h3', 'h4'] as const)[headingLevel - 2] ?? 'h3';
  const usage = decision.usage?.limit;
  return (
    <div
      className={`eligibility ${decision.allowed ? 'eligibility-yes' : 'eligibility-no'}`}
      data-testid="eligibility"
    >
      <Heading className="eligibility-verdict">
        {decision.allowed ? t('assistance.eligibility.yes') : t('assistance.eligibility.no')}
      </Heading>
      <p>{decision.allowed ? t('assistance.eligibility.yesBody') : t('assistance.eligibility.noBody')}</p>
      <ReasonList reasons={decision.reasons} />
      {usage?.kind === 'count' && decision.usage && (
        <p className="eligibility-left">
          <strong>{t('assistance.eligibility.left')}</strong>{' '}
          {t('assistance.eligibility.count', { remaining: usage.remaining, limit: usage.limit })}{' '}
          {t('assistance.eligibility.resets')} <DateTime value={decision.usage.resetsOn} dateOnly />.
        </p>
      )}
    </div>
  );
}
