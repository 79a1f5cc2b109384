// Follows a run's event stream with fetch() (so a saved bearer token is sent too; the session
// cookie goes with any same-origin request), reconnecting after the last event id until the
// server sends `end`.
import { useEffect, useState } from 'react';
import { ApiError, apiErrorFrom, networkError } from '../../lib/errors';
import { createSseParser } from '../../lib/sse';
import { authHeaders } from '../../lib/token';
import { EMPTY_RUN, applyRunEvents, parseRunEvent, type LiveRun, type RunEvent } from './runEvents';

export type Connection = 'connecting' | 'live' | 'reconnecting' | 'ended' | 'failed';

export interface RunStream {
  run: LiveRun;
  connection: Connection;
  error: unknown;
}

const BATCH_MS = 80;
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

async function readError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return apiErrorFrom(response.status, body, response.statusText);
}

export function useRunStream(projectId: number, runId: number, enabled = true): RunStream {
  const [state, setState] = useState<RunStream>({ run: EMPTY_RUN, connection: 'connecting', error: null });

  useEffect(() => {
    if (!enabled || !Number.isFinite(projectId) || !Number.isFinite(runId)) return;
    const controller = new AbortController();
    const { signal } = controller;
    let cursor: string | null = null;
    let retryMs = 2000;
    let ended = false;
    let pending: RunEvent[] = [];
    let timer: ReturnType<typeof setTimeout> | null = null;
    setState({ run: EMPTY_RUN, connection: 'connecting', error: null });

    const flush = () => {
      timer = null;
      const batch = pending;
      pending = [];
      if (!signal.aborted) setState((s) => ({ ...s, run: applyRunEvents(s.run, batch) }));
    };
    const setConnection = (connection: Connection, error: unknown = null) => {
      if (!signal.aborted) setState((s) => ({ ...s, connection, error }));
    };

    const follow = async () => {
      while (!signal.aborted && !ended) {
        try {
          const query = cursor ? `?after=${encodeURIComponent(cursor)}` : '';
          const response = await fetch(`/api/v1/projects/${projectId}/training-runs/${runId}/events${query}`, {
            headers: { Accept: 'text/event-stream', ...authHeaders() },
            cache: 'no-store',
            signal,
          });
          if (!response.ok) {
            const error = await readError(response);
            // A 4xx will not get better by asking again (gone, not allowed, signed out).
            if (response.status >= 400 && response.status < 500) return setConnection('failed', error);
            throw error;
          }
          if (!response.body) throw new Error('the browser cannot read the event stream');
          setConnection('live');
          const parser = createSseParser((event) => {
            cursor = event.id ?? cursor;
            const parsed = parseRunEvent(event);
            if (!parsed) return;
            if (parsed.type === 'end') ended = true;
            pending.push(parsed);
            timer ??= setTimeout(flush, BATCH_MS);
          });
          const reader = response.body.getReader();
          const decoder = new TextDecoder();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            parser.feed(decoder.decode(value, { stream: true }));
          }
          retryMs = parser.retryMs ?? retryMs;
          if (ended) break;
          setConnection('reconnecting');
        } catch (error) {
          if (signal.aborted) return;
          setConnection('reconnecting', error instanceof ApiError ? error : networkError(error));
        }
        await sleep(retryMs, signal);
      }
      if (timer) clearTimeout(timer);
      flush();
      if (ended) setConnection('ended');
    };
    void follow();
    return () => {
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [projectId, runId, enabled]);

  return state;
}
