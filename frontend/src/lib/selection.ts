// Multi-select in the grid: click toggles one item, shift-click adds the range from the last
// clicked item, "select all" takes every matching id.

export interface Selection {
  ids: ReadonlySet<number>;
  /** Grid index of the last item clicked, where a shift-click range starts. */
  anchor: number | null;
}

export const NO_SELECTION: Selection = { ids: new Set(), anchor: null };

export function toggleItem(selection: Selection, id: number, index: number): Selection {
  const ids = new Set(selection.ids);
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { ids, anchor: index };
}

/** Add every item from the anchor to `index` (both included); ids not loaded yet are skipped. */
export function selectRange(selection: Selection, index: number, idAt: (index: number) => number | undefined): Selection {
  if (selection.anchor === null) {
    const id = idAt(index);
    return id === undefined ? selection : toggleItem(selection, id, index);
  }
  const ids = new Set(selection.ids);
  const [from, to] = selection.anchor <= index ? [selection.anchor, index] : [index, selection.anchor];
  for (let i = from; i <= to; i += 1) {
    const id = idAt(i);
    if (id !== undefined) ids.add(id);
  }
  return { ids, anchor: index };
}

export function selectIds(ids: Iterable<number>): Selection {
  return { ids: new Set(ids), anchor: null };
}

/** Forget ids that no longer exist (after a delete). */
export function withoutIds(selection: Selection, removed: Iterable<number>): Selection {
  const ids = new Set(selection.ids);
  for (const id of removed) ids.delete(id);
  return { ids, anchor: selection.anchor };
}
