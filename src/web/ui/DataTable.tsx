import type { ReactNode } from 'react';

export interface Column<Row> {
  /** The column's heading (words, or hidden words for a column of buttons). */
  header: ReactNode;
  cell: (row: Row) => ReactNode;
  /** The cell names its row (`<th scope="row">`). */
  rowHeader?: boolean;
  className?: string;
  /** `data-label`: the heading repeated in the cell, for the stacked layout on small screens. */
  label?: string;
}

/**
 * A table of rows under column headings (`<th scope="col">`), with an optional caption for screen
 * readers. Columns are given in order; a column left out (`false`) is not drawn.
 */
export function DataTable<Row>({
  columns,
  rows,
  rowKey,
  rowClassName,
  caption,
  captionVisible = false,
  className = 'staff-table',
  testId,
}: {
  columns: (Column<Row> | false | null | undefined)[];
  rows: readonly Row[];
  rowKey: (row: Row) => string | number;
  rowClassName?: (row: Row) => string | undefined;
  caption?: string;
  /** The caption is for screen readers unless the table's design shows it. */
  captionVisible?: boolean;
  className?: string;
  testId?: string;
}) {
  const shown = columns.filter((c): c is Column<Row> => Boolean(c));
  return (
    <table className={className} data-testid={testId}>
      {caption && <caption className={captionVisible ? undefined : 'visually-hidden'}>{caption}</caption>}
      <thead>
        <tr>
          {shown.map((c, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: columns are fixed for a table's life
            <th key={i} scope="col">
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)} className={rowClassName?.(row)}>
            {shown.map((c, i) =>
              c.rowHeader ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns are fixed for a table's life
                <th key={i} scope="row" className={c.className} data-label={c.label}>
                  {c.cell(row)}
                </th>
              ) : (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns are fixed for a table's life
                <td key={i} className={c.className} data-label={c.label}>
                  {c.cell(row)}
                </td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
