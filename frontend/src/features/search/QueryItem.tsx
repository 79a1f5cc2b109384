import { Link } from 'react-router';
import { ApiImage } from '../../components/ApiImage';
import { describeError } from '../../lib/errors';
import { useItem } from '../../lib/itemApi';

/** The item a "find similar" search starts from. */
export function QueryItem({ projectId, itemId }: { projectId: number; itemId: number }) {
  const item = useItem(projectId, itemId);
  return (
    <figure className="query-item">
      <span className="query-thumb">
        {item.data ? <ApiImage url={item.data.thumbnail_url} alt={`Query item ${item.data.filename}`} /> : null}
      </span>
      <figcaption>
        {item.isError ? (
          <span className="danger-text">Item {itemId}: {describeError(item.error)}</span>
        ) : (
          <>
            <span className="small muted">Similar to</span>{' '}
            <Link to={`/projects/${projectId}/items/${itemId}`}>{item.data?.filename ?? `item ${itemId}`}</Link>
            {item.data?.labels.length ? <span className="small muted"> · {item.data.labels.join(', ')}</span> : null}
          </>
        )}
      </figcaption>
    </figure>
  );
}
