import type { ReactNode } from 'react';
import { PHONE } from '../i18n/format.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Button } from './Button.tsx';

/** Placeholder shapes while data loads; announced once to screen readers. */
export function LoadingState({ label }: { label: string }) {
  return (
    <div className="state" role="status" aria-live="polite">
      <span className="visually-hidden">{label}</span>
      <div className="skeleton skeleton-title" aria-hidden="true" />
      <div className="skeleton" aria-hidden="true" />
      <div className="skeleton" aria-hidden="true" />
    </div>
  );
}

/** What went wrong (the API's own words) and what to do: try again or call. */
export function ErrorState({
  title,
  detail,
  onRetry,
}: {
  title: string;
  detail: string;
  onRetry?: () => void;
}) {
  const { t } = useI18n();
  return (
    <div className="state state-error" role="alert">
      <h2>{title}</h2>
      <p>{detail}</p>
      <p>{t('state.error.call', { phone: PHONE.display })}</p>
      {onRetry && <Button onClick={onRetry}>{t('state.error.retry')}</Button>}
    </div>
  );
}

/** Nothing to show, said plainly, with the next step. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state">
      <h2>{title}</h2>
      {children}
    </div>
  );
}
