import { useEffect, useRef } from 'react';

/**
 * A short message that appears at the bottom of the screen and goes away by itself ("Tu grúa va
 * en camino"). The live region is always in the page so screen readers hear each new message
 * (role="status", polite); `onDismiss` runs when it times out or is closed.
 */
export function Toast({
  message,
  onDismiss,
  closeLabel,
  durationMs = 6000,
}: {
  message: string | null;
  onDismiss: () => void;
  closeLabel: string;
  durationMs?: number;
}) {
  const onDismissRef = useRef(onDismiss);
  onDismissRef.current = onDismiss;
  useEffect(() => {
    if (!message) return;
    const timer = setTimeout(() => onDismissRef.current(), durationMs);
    return () => clearTimeout(timer);
  }, [message, durationMs]);

  return (
    <div className="toast-region" role="status" aria-live="polite" aria-atomic="true">
      {message && (
        <div className="toast">
          <span>{message}</span>
          <button type="button" className="toast-close" onClick={() => onDismissRef.current()}>
            <span aria-hidden="true">×</span>
            <span className="visually-hidden">{closeLabel}</span>
          </button>
        </div>
      )}
    </div>
  );
}
