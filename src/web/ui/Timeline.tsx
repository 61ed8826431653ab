import type { ReactNode } from 'react';
import { DateTime } from './DateTime.tsx';
import type { Tone } from './StatusBadge.tsx';

export interface TimelineItem {
  /** Stable key (an event's sequence number). */
  id: string | number;
  /** ISO instant, shown as `25 nov 2026, 14:05` (Mexico City). */
  at: string;
  /** What happened, already in the reader's language. */
  title: string;
  /** Who did it ("Grúas Reforma", "Tú", "Libra"). */
  actor?: string | undefined;
  /** A note that goes with it (a reason, a resolution). */
  note?: ReactNode;
  /** How it reads at a glance; the dot takes its colour. */
  tone?: Tone;
}

/**
 * What happened, oldest first, as a vertical line of dated steps with who did each (UI.md
 * "Pictures"). The last step is marked as the latest. The words come from the caller.
 */
export function Timeline({
  items,
  label,
  actorLabel,
}: {
  items: TimelineItem[];
  label: string;
  actorLabel?: string;
}) {
  return (
    <ol className="timeline" aria-label={label}>
      {items.map((item, index) => (
        <li
          key={item.id}
          className={`timeline-item timeline-${item.tone ?? 'neutral'}${index === items.length - 1 ? ' timeline-latest' : ''}`}
        >
          <span className="timeline-dot" aria-hidden="true" />
          <div className="timeline-body">
            <p className="timeline-title">{item.title}</p>
            <p className="timeline-meta">
              <DateTime value={item.at} />
              {item.actor && (
                <>
                  {' · '}
                  {actorLabel && <span className="visually-hidden">{actorLabel}: </span>}
                  <span className="timeline-actor">{item.actor}</span>
                </>
              )}
            </p>
            {item.note && <div className="timeline-note">{item.note}</div>}
          </div>
        </li>
      ))}
    </ol>
  );
}
