interface Props {
  names: readonly string[];
  drawLabel: string | null;
  onDrawLabel: (label: string) => void;
  selected: number | null;
  onDelete: () => void;
}

/** Above the image: the class new boxes get, and what to do with the selected box. */
export function StageBar({ names, drawLabel, onDrawLabel, selected, onDelete }: Props) {
  return (
    <div className="stage-bar">
      {names.length ? (
        <label>
          New boxes:{' '}
          <select value={drawLabel ?? ''} onChange={(e) => onDrawLabel(e.target.value)} aria-label="Class for new boxes">
            {names.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <span className="muted small">Add a class (right) to draw boxes.</span>
      )}
      {selected !== null ? (
        <button type="button" className="button small" aria-keyshortcuts="Delete" onClick={onDelete}>
          Delete box {selected + 1}
        </button>
      ) : (
        <span className="muted small">Drag on the image to draw · ? for shortcuts</span>
      )}
    </div>
  );
}
