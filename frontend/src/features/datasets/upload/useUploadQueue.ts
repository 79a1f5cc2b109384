import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useReducer, useRef } from 'react';
import { describeError } from '../../../lib/errors';
import { uploadImages } from '../../../lib/upload';
import { refreshAfterItemChange } from '../../../lib/itemApi';
import { nextToStart, precheck, summarize, uploadReducer } from './uploadQueue';

const CONCURRENCY = 3;
const REFRESH_EVERY_MS = 1500;

let nextKey = 0;

/** Upload files one request each, a few at a time; the grid refreshes as they land. */
export function useUploadQueue(projectId: number) {
  const [entries, dispatch] = useReducer(uploadReducer, []);
  const started = useRef(new Set<string>());
  const queryClient = useQueryClient();
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const scheduleRefresh = useCallback(() => {
    if (refreshTimer.current) return;
    refreshTimer.current = setTimeout(() => {
      refreshTimer.current = null;
      void refreshAfterItemChange(queryClient, projectId);
    }, REFRESH_EVERY_MS);
  }, [queryClient, projectId]);

  useEffect(() => {
    for (const entry of nextToStart(entries, CONCURRENCY)) {
      if (started.current.has(entry.key)) continue;
      started.current.add(entry.key);
      dispatch({ type: 'start', key: entry.key });
      uploadImages(projectId, [entry.file], {
        onProgress: (fraction) => dispatch({ type: 'progress', key: entry.key, fraction }),
      })
        .then((result) => {
          const item = result.items[0];
          dispatch({ type: 'done', key: entry.key, itemId: item?.id ?? 0, duplicate: item?.duplicate ?? false });
          scheduleRefresh();
        })
        .catch((error: unknown) => dispatch({ type: 'failed', key: entry.key, error: describeError(error) }))
        .finally(() => started.current.delete(entry.key));
    }
  }, [entries, projectId, scheduleRefresh]);

  const summary = summarize(entries);
  useEffect(() => {
    if (!summary.active) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [summary.active]);

  const addFiles = useCallback((files: Iterable<File>) => {
    const list = [...files].map((file) => ({ key: `u${(nextKey += 1)}`, file, error: precheck(file) ?? undefined }));
    if (list.length) dispatch({ type: 'add', entries: list });
  }, []);

  return {
    entries,
    summary,
    addFiles,
    retry: (key: string) => dispatch({ type: 'retry', key }),
    clearFinished: () => dispatch({ type: 'clearFinished' }),
  };
}
