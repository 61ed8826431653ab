import type { ReactNode } from 'react';

/**
 * A shortcut's key shown beside its control. Hidden from screen readers: the control says it with
 * `aria-keyshortcuts`, and its name stays the words alone.
 */
export function Kbd({ children }: { children: ReactNode }) {
  return (
    <span aria-hidden="true">
      <kbd className="agent-kbd">{children}</kbd>
    </span>
  );
}
