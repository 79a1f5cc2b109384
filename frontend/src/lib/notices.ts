// Messages that outlive the screen that raised them (a save that failed after the user moved
// on), shown by <Notices /> in the layout until dismissed.
import { useSyncExternalStore } from 'react';

export interface Notice {
  id: number;
  message: string;
  /** Where to go to fix it, e.g. the item whose changes were not saved. */
  href?: string;
}

let notices: readonly Notice[] = [];
let nextId = 0;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((listener) => listener());

export function addNotice(message: string, href?: string): void {
  nextId += 1;
  notices = [...notices.slice(-4), { id: nextId, message, href }];
  emit();
}

export function dismissNotice(id: number): void {
  notices = notices.filter((n) => n.id !== id);
  emit();
}

export function useNotices(): readonly Notice[] {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => notices,
    () => notices,
  );
}
