import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Neighbour } from './neighbours';

interface Props {
  backHref: string;
  filename: string;
  index: number | null;
  total: number | null;
  prev: Neighbour | null;
  next: Neighbour | null;
  onNavigate: (to: Neighbour) => void;
  canUndo: boolean;
  canRedo: boolean;
  onUndo: () => void;
  onRedo: () => void;
  onHelp: () => void;
  status: ReactNode;
  similarHref?: string;
}

export function ItemToolbar(props: Props) {
  const { backHref, filename, index, total, prev, next, onNavigate } = props;
  return (
    <div className="item-toolbar">
      <Link to={backHref} className="button small">
        ← Dataset
      </Link>
      <h1 className="item-title" title={filename}>
        {filename}
      </h1>
      <span className="muted small item-position">
        {index !== null && total !== null ? `${(index + 1).toLocaleString()} of ${total.toLocaleString()}` : ''}
      </span>
      <div className="toolbar-group" role="group" aria-label="Step through items">
        <button type="button" className="button small" disabled={!prev} aria-keyshortcuts="ArrowLeft" onClick={() => prev && onNavigate(prev)}>
          ← Previous
        </button>
        <button type="button" className="button small" disabled={!next} aria-keyshortcuts="ArrowRight" onClick={() => next && onNavigate(next)}>
          Next →
        </button>
      </div>
      <div className="toolbar-group" role="group" aria-label="History">
        <button type="button" className="button small" disabled={!props.canUndo} aria-keyshortcuts="Control+Z" onClick={props.onUndo}>
          Undo
        </button>
        <button type="button" className="button small" disabled={!props.canRedo} aria-keyshortcuts="Control+Shift+Z" onClick={props.onRedo}>
          Redo
        </button>
      </div>
      {props.status}
      {props.similarHref ? (
        <Link to={props.similarHref} className="button small">
          Find similar
        </Link>
      ) : null}
      <button type="button" className="button small" aria-keyshortcuts="?" onClick={props.onHelp}>
        Shortcuts
      </button>
    </div>
  );
}
