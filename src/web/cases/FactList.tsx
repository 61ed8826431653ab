import { Fragment, type ReactNode } from 'react';

export interface Fact {
  /** Stable within the list (the fact's name). */
  key: string;
  label: ReactNode;
  value: ReactNode;
  className?: string;
  valueClassName?: string;
}

/**
 * Facts as a description list. `grouped` wraps each term and value in a `div` (the portal's card
 * layout, `.facts`); `flat` lists them one after another (the console's two-column grid).
 * A fact given as `false` (not known for this case) is left out.
 */
export function FactList({
  facts,
  className,
  layout,
}: {
  facts: (Fact | false | null | undefined)[];
  className: string;
  layout: 'grouped' | 'flat';
}) {
  const shown = facts.filter((f): f is Fact => Boolean(f));
  return (
    <dl className={className}>
      {shown.map((f) =>
        layout === 'grouped' ? (
          <div key={f.key} className={f.className}>
            <dt>{f.label}</dt>
            <dd className={f.valueClassName}>{f.value}</dd>
          </div>
        ) : (
          <Fragment key={f.key}>
            <dt>{f.label}</dt>
            <dd className={f.valueClassName}>{f.value}</dd>
          </Fragment>
        ),
      )}
    </dl>
  );
}
