// Undo and redo over whole values: each committed change is a step.

export interface History<T> {
  past: T[];
  present: T;
  future: T[];
}

export const MAX_STEPS = 200;

export function startHistory<T>(present: T): History<T> {
  return { past: [], present, future: [] };
}

/** Record `next` as a new step (a no-op when it is the present value itself). */
export function commit<T>(history: History<T>, next: T): History<T> {
  if (Object.is(next, history.present)) return history;
  const past = [...history.past, history.present].slice(-MAX_STEPS);
  return { past, present: next, future: [] };
}

export function undo<T>(history: History<T>): History<T> {
  const previous = history.past[history.past.length - 1];
  if (previous === undefined) return history;
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future] };
}

export function redo<T>(history: History<T>): History<T> {
  const [next, ...future] = history.future;
  if (next === undefined) return history;
  return { past: [...history.past, history.present], present: next, future };
}

export type HistoryAction<T> = { type: 'commit'; next: T } | { type: 'undo' } | { type: 'redo' };

export function historyReducer<T>(history: History<T>, action: HistoryAction<T>): History<T> {
  switch (action.type) {
    case 'commit':
      return commit(history, action.next);
    case 'undo':
      return undo(history);
    case 'redo':
      return redo(history);
  }
}
