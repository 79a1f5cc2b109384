import type { MouseEvent } from 'react';
import { Link } from 'react-router';
import { ApiImage } from '../../components/ApiImage';
import type { Selection } from '../../lib/selection';
import { formatScore, type SearchHit } from '../../lib/searchRequest';

interface Props {
  projectId: number;
  hits: readonly SearchHit[];
  queryItemId: number | null;
  selection: Selection;
  /** Without it the results cannot be selected (a viewer cannot label them). */
  onSelect?: (id: number, index: number, event: MouseEvent<HTMLInputElement>) => void;
}

/** Search results best first, each with its score; click opens the item, the box selects it. */
export function ResultGrid({ projectId, hits, queryItemId, selection, onSelect }: Props) {
  return (
    <ol className="result-grid" aria-label="Search results">
      {hits.map((hit, index) => {
        const selected = selection.ids.has(hit.item_id);
        const isQuery = hit.item_id === queryItemId;
        return (
          <li key={hit.item_id} className={selected ? 'tile result-tile selected' : 'tile result-tile'} aria-label={`${hit.filename}, score ${formatScore(hit.score)}`}>
            {onSelect ? (
              <input
                type="checkbox"
                className="tile-check"
                checked={selected}
                aria-label={`Select ${hit.filename}`}
                onClick={(event) => onSelect(hit.item_id, index, event)}
                readOnly
              />
            ) : null}
            <Link to={`/projects/${projectId}/items/${hit.item_id}`} className="tile-link" draggable={false}>
              <span className="tile-image result-image">
                <ApiImage url={hit.thumbnail_url} alt="" loading="lazy" decoding="async" draggable={false} />
              </span>
              <span className="tile-caption">
                <span className="tile-name">{hit.filename}</span>
                <span className="tile-facts">
                  <span className="chip score" title={`distance ${hit.distance}`}>
                    <span className="visually-hidden">score </span>
                    {formatScore(hit.score)}
                  </span>
                  <span className="chip muted">#{index + 1}</span>
                  {isQuery ? <span className="chip query-chip">query</span> : null}
                </span>
              </span>
            </Link>
          </li>
        );
      })}
    </ol>
  );
}
