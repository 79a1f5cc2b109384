import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './api';
import { queryKeys } from './queryKeys';
import { isFinished } from './jobView';

/** A job, polled every second until it has finished. */
export function useJob(jobId: string | null) {
  return useQuery({
    queryKey: queryKeys.job(jobId ?? ''),
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/jobs/{job_id}', { params: { path: { job_id: jobId ?? '' } }, signal })),
    enabled: jobId !== null,
    refetchInterval: (query) => (query.state.data && isFinished(query.state.data) ? false : 1000),
  });
}
