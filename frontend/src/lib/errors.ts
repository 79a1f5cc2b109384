// The API answers errors as {"error": {"code", "message", "detail"}}; ApiError carries that to
// the screens, which show `message` (and field problems from `detail`) in words.

export interface FieldProblem {
  loc: string[];
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: unknown;

  constructor(status: number, code: string, message: string, detail?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.detail = detail;
  }

  /** Problems with individual fields, when the API reported them (validation errors). */
  get fields(): FieldProblem[] {
    const fields = isRecord(this.detail) ? this.detail.fields : undefined;
    if (!Array.isArray(fields)) return [];
    return fields.filter(isRecord).map((f) => ({
      loc: Array.isArray(f.loc) ? f.loc.map(String) : [],
      message: typeof f.message === 'string' ? f.message : '',
    }));
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const STATUS_WORDS: Record<number, string> = {
  401: 'The server asks you to sign in (or to set an API token in Settings).',
  403: 'Your role on this project does not allow that.',
  404: 'Not found.',
  413: 'The upload is too large.',
  502: 'The Mireru server is not answering (bad gateway).',
  503: 'The server is unavailable; try again shortly.',
};

/** Turn any error response body (JSON or not) into an ApiError. */
export function apiErrorFrom(status: number, body: unknown, statusText = ''): ApiError {
  const error = isRecord(body) ? body.error : undefined;
  if (isRecord(error) && typeof error.message === 'string') {
    const code = typeof error.code === 'string' ? error.code : 'error';
    return new ApiError(status, code, error.message, error.detail);
  }
  // FastAPI's own shape, in case a route bypasses the handler.
  if (isRecord(body) && typeof body.detail === 'string') {
    return new ApiError(status, 'error', body.detail);
  }
  const words = STATUS_WORDS[status] ?? `The server answered ${status}${statusText ? ` ${statusText}` : ''}.`;
  return new ApiError(status, status === 0 ? 'network_error' : 'http_error', words);
}

export function networkError(cause: unknown): ApiError {
  const why = cause instanceof Error && cause.message ? ` (${cause.message})` : '';
  return new ApiError(0, 'network_error', `Cannot reach the Mireru server${why}. Is it running?`);
}

/** A sentence for any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    return error.status === 401 ? `${error.message} (sign in, or set an API token in Settings)` : error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
