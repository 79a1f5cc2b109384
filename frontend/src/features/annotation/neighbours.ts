// Where an item sits in the dataset list it was opened from, and which items come before and
// after it. The list may have changed since (an edit can take the item out of a filter), so
// the item is looked for in a small window around where it was.

export interface Neighbour {
  id: number;
  index: number;
}

export interface Place {
  /** The item's index now, or null if it no longer matches the list's filters. */
  index: number | null;
  prev: Neighbour | null;
  next: Neighbour | null;
}

export const WINDOW_BEFORE = 2;
export const WINDOW_SIZE = 5;

export function windowFor(index: number): { offset: number; limit: number } {
  return { offset: Math.max(0, index - WINDOW_BEFORE), limit: WINDOW_SIZE };
}

export function locate(ids: readonly number[], offset: number, currentId: number, expectedIndex: number): Place {
  const at = (position: number): Neighbour | null => {
    const id = ids[position];
    return position >= 0 && id !== undefined ? { id, index: offset + position } : null;
  };
  const position = ids.indexOf(currentId);
  if (position >= 0) return { index: offset + position, prev: at(position - 1), next: at(position + 1) };
  // Gone from the list: what was after it has moved up into its place.
  const slot = expectedIndex - offset;
  return { index: null, prev: at(slot - 1), next: at(slot) };
}
