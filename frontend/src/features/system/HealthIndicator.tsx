import { useQuery } from '@tanstack/react-query';
import { api, type Health } from '../../lib/api';
import { apiErrorFrom, describeError, networkError } from '../../lib/errors';
import { queryKeys } from '../../lib/queryKeys';

/** GET /health answers 503 with the same report when something is down, so keep the body. */
async function fetchHealth(signal: AbortSignal): Promise<Health> {
  let outcome;
  try {
    outcome = await api.GET('/api/v1/health', { signal });
  } catch (error) {
    throw networkError(error);
  }
  if (outcome.data) return outcome.data;
  const body: unknown = outcome.error;
  if (typeof body === 'object' && body !== null && 'status' in body && 'database' in body) return body as Health;
  throw apiErrorFrom(outcome.response.status, body, outcome.response.statusText);
}

function summary(health: Health): { ok: boolean; text: string } {
  const problems: string[] = [];
  if (!health.database.ok) problems.push(`database: ${health.database.error ?? 'down'}`);
  if (!health.redis.ok) problems.push(`queue: ${health.redis.error ?? 'down'}`);
  if (!health.workers.length) problems.push('no worker running (imports wait)');
  return problems.length
    ? { ok: false, text: problems.join('; ') }
    : { ok: true, text: `Server ${health.version} is healthy, ${health.workers.length} worker(s)` };
}

export function HealthIndicator() {
  const health = useQuery({
    queryKey: queryKeys.health,
    queryFn: ({ signal }) => fetchHealth(signal),
    refetchInterval: 30_000,
    retry: false,
  });
  const state = health.isError
    ? { ok: false, text: describeError(health.error) }
    : health.data
      ? summary(health.data)
      : null;
  if (!state) return null;
  return (
    <span className={state.ok ? 'health ok' : 'health bad'} role="status" title={state.text}>
      <span className="dot" aria-hidden="true" />
      <span className="health-text">{state.ok ? 'Online' : 'Problem'}</span>
      <span className="visually-hidden">: {state.text}</span>
    </span>
  );
}
