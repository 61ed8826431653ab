import { type ReactNode, useId } from 'react';
import { useI18n } from '../i18n/i18n.tsx';

/**
 * How much of a limited service is used, as a bar (UI.md "Usage left per service as bars"). Only
 * for counted limits: an unlimited service is said in words, never drawn as a bar to infinity.
 * A `meter` with its name, value, maximum and a sentence for screen readers; the count and what is
 * left are written beside the bar, and a used-up bar is striped and says so, so colour is never
 * the only signal.
 */
export function UsageBar({
  label,
  used,
  total,
  children,
  about = 'self',
}: {
  label: string;
  /** Who the words are about: the customer reading ("Te queda 1") or the member staff serve ("Le queda 1"). */
  about?: 'self' | 'member';
  used: number;
  total: number;
  /** More about this limit (e.g. which specialties were already used), under the bar. */
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const id = useId();
  const shown = Math.min(used, total);
  const remaining = Math.max(0, total - used);
  const exhausted = remaining === 0;
  const percent = total > 0 ? Math.round((shown / total) * 100) : 100;
  const count = t('usage.count', { used: shown, total });
  const left = t(about === 'member' ? 'usage.left.member' : 'usage.left', { remaining });
  return (
    <div className={`usage-bar${exhausted ? ' usage-bar-exhausted' : ''}`}>
      <div className="usage-bar-head">
        <span className="usage-bar-label" id={`${id}-label`}>
          {label}
        </span>
        <span className="usage-bar-count">{count}</span>
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: a native <meter> cannot be drawn the same in every browser (nor striped when used up); this div has the meter role, name, value, maximum and value text */}
      <div
        className="usage-bar-track"
        role="meter"
        aria-labelledby={`${id}-label`}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={shown}
        aria-valuetext={`${count}; ${left}`}
      >
        <span className="usage-bar-fill" style={{ width: `${percent}%` }} />
      </div>
      <p className="usage-bar-left">
        {exhausted && (
          <span className="usage-bar-mark" aria-hidden="true">
            !
          </span>
        )}
        {left}
      </p>
      {children}
    </div>
  );
}
