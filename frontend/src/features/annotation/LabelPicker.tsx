import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useCreateLabel } from '../../lib/itemApi';
import { hotkeyFor } from './shortcuts';

interface Props {
  projectId: number;
  /** Class names in hotkey order. */
  names: readonly string[];
  itemLabels: readonly string[];
  /** With a box selected, a class applies to the box instead of the image. */
  boxSelected: boolean;
  colorOf: (label: string) => string;
  onPick: (label: string) => void;
  onCreated: (label: string) => void;
}

/** The project's classes as toggle buttons with their hotkeys, and a field to add a class. */
export function LabelPicker({ projectId, names, itemLabels, boxSelected, colorOf, onPick, onCreated }: Props) {
  const [name, setName] = useState('');
  const create = useCreateLabel(projectId);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const label = name.trim();
    if (!label) return;
    if (names.includes(label)) {
      onCreated(label);
      setName('');
      return;
    }
    create.mutate(label, {
      onSuccess: () => {
        onCreated(label);
        setName('');
      },
    });
  };

  return (
    <section className="panel-section" aria-labelledby="classes-title">
      <h2 id="classes-title">Class</h2>
      <p className="muted small">{boxSelected ? 'Sets the selected box’s class.' : 'Toggles the image’s class labels.'}</p>
      <ul className="class-list">
        {names.map((label, i) => {
          const key = hotkeyFor(i);
          return (
            <li key={label}>
              <button
                type="button"
                className="class-button"
                aria-pressed={!boxSelected && itemLabels.includes(label)}
                aria-keyshortcuts={key ?? undefined}
                onClick={() => onPick(label)}
              >
                <span className="swatch" style={{ background: colorOf(label) }} aria-hidden="true" />
                <span className="class-name">{label}</span>
                {key ? <kbd aria-hidden="true">{key}</kbd> : null}
              </button>
            </li>
          );
        })}
      </ul>
      <form className="inline-form" onSubmit={onSubmit}>
        <label className="visually-hidden" htmlFor="new-class">
          New class
        </label>
        <input id="new-class" placeholder="New class" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
        <button type="submit" className="button small" disabled={!name.trim() || create.isPending}>
          Add class
        </button>
      </form>
      {create.isError ? <ErrorMessage title="Could not add the class" error={create.error} /> : null}
    </section>
  );
}
