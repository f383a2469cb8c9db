import type { KeyboardEvent, SVGProps } from "react";

/** Props that make an SVG group behave as a button: focusable, Enter / Space activate it. */
export function svgButton(label: string, onActivate: () => void, pressed?: boolean): SVGProps<SVGGElement> {
  return {
    role: "button",
    tabIndex: 0,
    "aria-label": label,
    "aria-pressed": pressed,
    onClick: (e) => {
      e.stopPropagation();
      onActivate();
    },
    onKeyDown: (e: KeyboardEvent<SVGGElement>) => {
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        e.stopPropagation();
        onActivate();
      }
    },
  };
}

/** Cuts a label to `max` characters with an ellipsis (SVG text does not wrap or clip). */
export function fit(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}
