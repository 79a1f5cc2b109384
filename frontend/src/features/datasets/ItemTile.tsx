import type { MouseEvent } from 'react';
import { Link } from 'react-router';
import { ApiImage } from '../../components/ApiImage';
import type { Item } from '../../lib/api';

interface Props {
  item: Item;
  href: string;
  selected: boolean;
  onSelect: (event: MouseEvent<HTMLInputElement>) => void;
}

/** One item in the grid: a thumbnail linking to its annotation, a checkbox, what it carries. */
export function ItemTile({ item, href, selected, onSelect }: Props) {
  const label = item.labels.join(', ');
  return (
    <div className={selected ? 'tile selected' : 'tile'}>
      <input
        type="checkbox"
        className="tile-check"
        checked={selected}
        aria-label={`Select ${item.filename}`}
        onClick={onSelect}
        readOnly
      />
      <Link to={href} className="tile-link" draggable={false}>
        <span className="tile-image">
          <ApiImage url={item.thumbnail_url} alt="" loading="lazy" decoding="async" draggable={false} />
        </span>
        <span className="tile-caption">
          <span className="tile-name">{item.filename}</span>
          <span className="tile-facts">
            {label ? <span className="chip">{label}</span> : <span className="chip muted">unlabelled</span>}
            {item.boxes.length ? <span className="chip">{item.boxes.length} □</span> : null}
            {item.split ? <span className="chip">{item.split}</span> : null}
          </span>
        </span>
      </Link>
    </div>
  );
}
