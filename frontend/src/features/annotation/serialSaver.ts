// Saves whole values one request at a time: while one is in flight, only the latest change
// waits, so requests never overtake each other and a burst of edits costs two requests.

export type SaveState =
  | { state: 'saved' }
  | { state: 'saving' }
  | { state: 'failed'; error: unknown };

export interface SerialSaver<T> {
  save(value: T): void;
  /** Send the last value that failed again. */
  retry(): void;
  /** A value is in flight or waiting. */
  busy(): boolean;
}

export function createSerialSaver<T>(
  initial: T,
  send: (value: T) => Promise<void>,
  onState: (state: SaveState) => void,
  same: (a: T, b: T) => boolean = Object.is,
): SerialSaver<T> {
  let saved = initial;
  let waiting: { value: T } | null = null;
  let inFlight = false;
  let failed: { value: T } | null = null;

  const pump = async () => {
    inFlight = true;
    while (waiting) {
      const { value } = waiting;
      waiting = null;
      if (same(value, saved)) continue;
      onState({ state: 'saving' });
      try {
        await send(value);
        saved = value;
        failed = null;
      } catch (error) {
        failed = { value };
        // A newer change may fix what failed; otherwise stop and say so.
        if (!waiting) {
          inFlight = false;
          onState({ state: 'failed', error });
          return;
        }
      }
    }
    inFlight = false;
    onState({ state: 'saved' });
  };

  return {
    save(value) {
      waiting = { value };
      if (!inFlight) void pump();
    },
    retry() {
      if (failed && !inFlight) {
        waiting = failed;
        void pump();
      }
    },
    busy: () => inFlight || waiting !== null,
  };
}
