import { ApiError, describeError } from '../lib/errors';

interface Props {
  error: unknown;
  /** What failed, e.g. "Could not load the items". */
  title?: string;
  onRetry?: () => void;
}

/** An error in words, announced to screen readers; field problems listed when the API gave them. */
export function ErrorMessage({ error, title, onRetry }: Props) {
  const fields = error instanceof ApiError ? error.fields : [];
  return (
    <div className="error" role="alert">
      <p>
        {title ? <strong>{title}: </strong> : null}
        {describeError(error)}
      </p>
      {fields.length > 1 ? (
        <ul>
          {fields.map((f, i) => (
            <li key={i}>
              {f.loc.filter((part) => part !== 'body' && part !== 'query').join('.')}: {f.message}
            </li>
          ))}
        </ul>
      ) : null}
      {onRetry ? (
        <button type="button" className="button small" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
