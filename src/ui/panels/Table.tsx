import type { ReactNode } from "react";

/** A compact table: one header row from `head`, the rows as children. */
export function Table({
  head,
  className,
  label,
  testId,
  children,
}: {
  head: readonly string[];
  className?: string;
  /** The table's accessible name, when the heading above it is not enough. */
  label?: string;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <table className={className ? `compact ${className}` : "compact"} aria-label={label} data-testid={testId}>
      <thead>
        <tr>
          {head.map((h) => (
            <th key={h} scope="col">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
