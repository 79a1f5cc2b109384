import type { EditableBox } from '../../lib/annotationState';

interface Props {
  boxes: readonly EditableBox[];
  classes: readonly string[];
  selected: number | null;
  onSelect: (index: number | null) => void;
  onLabel: (index: number, label: string) => void;
  onDelete: (index: number) => void;
}

/** The boxes as a list: select, change class or delete without the pointer. */
export function BoxList({ boxes, classes, selected, onSelect, onLabel, onDelete }: Props) {
  return (
    <section className="panel-section" aria-labelledby="boxes-title">
      <h2 id="boxes-title">Boxes ({boxes.length})</h2>
      {boxes.length ? (
        <ol className="box-list">
          {boxes.map((box, i) => {
            const options = classes.includes(box.label) ? classes : [box.label, ...classes];
            return (
              <li key={i} className={i === selected ? 'selected' : undefined}>
                <button
                  type="button"
                  className="link-button"
                  aria-pressed={i === selected}
                  onClick={() => onSelect(i === selected ? null : i)}
                >
                  Box {i + 1}
                </button>
                <select aria-label={`Class of box ${i + 1}`} value={box.label} onChange={(e) => onLabel(i, e.target.value)}>
                  {options.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
                <span className="muted small">
                  {box.x},{box.y} {box.w}×{box.h}
                </span>
                <button type="button" className="icon-button" aria-label={`Delete box ${i + 1}`} onClick={() => onDelete(i)}>
                  ×
                </button>
              </li>
            );
          })}
        </ol>
      ) : (
        <p className="muted small">Drag on the image to draw one.</p>
      )}
    </section>
  );
}
