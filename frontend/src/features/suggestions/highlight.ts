// A box offered in a list is shown on the image while the pointer or focus is on its row.
import type { SuggestedChange } from './suggestionView';

export function highlightProps(ghostKey: string | null, onHighlight?: (key: string | null) => void) {
  if (!ghostKey || !onHighlight) return {};
  const on = () => onHighlight(ghostKey);
  const off = () => onHighlight(null);
  return { onMouseEnter: on, onMouseLeave: off, onFocus: on, onBlur: off };
}

/** The value, and for a box where it is: "bolt at 22, 12, 52×42 px". */
export function boxTitle(s: Pick<SuggestedChange, 'kind' | 'value' | 'x' | 'y' | 'w' | 'h'>): string {
  if (s.kind !== 'box' || s.x === null || s.y === null || s.w === null || s.h === null) return s.value;
  const r = (v: number) => Math.round(v);
  return `${s.value} at ${r(s.x)}, ${r(s.y)}, ${r(s.w)}×${r(s.h)} px`;
}
