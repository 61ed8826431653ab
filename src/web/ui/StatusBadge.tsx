import type { ReactNode } from 'react';

/** How a state reads at a glance: good (teal), neutral, pending (blue), alert (the warm colour). */
export type Tone = 'good' | 'neutral' | 'pending' | 'alert';

/** A state as a badge: the words come from the caller's catalogue, the tone from what it means. */
export function StatusBadge({ tone, children }: { tone: Tone; children: ReactNode }) {
  return <span className={`status-badge status-${tone}`}>{children}</span>;
}
