import { useId, useState, type KeyboardEvent } from 'react';

export interface Suggestion {
  value: string;
  /** Shown beside the value, e.g. how many items use it. */
  hint?: string;
}

interface Props {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Enter on the typed text, or a suggestion picked. */
  onCommit: (value: string) => void;
  suggestions: readonly Suggestion[];
  placeholder?: string;
  disabled?: boolean;
  /** Hide the label visually (it stays for screen readers). */
  hideLabel?: boolean;
}

/** A text field with a list of suggestions (ARIA combobox): arrows move, Enter picks, Escape closes. */
export function ComboBox({ label, value, onChange, onCommit, suggestions, placeholder, disabled, hideLabel }: Props) {
  const id = useId();
  const listId = `${id}-list`;
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const candidates = open ? suggestions.slice(0, 10) : [];
  // Nothing to suggest when the only suggestion is what is typed already.
  const shown = candidates.length === 1 && candidates[0]?.value === value ? [] : candidates;
  const expanded = shown.length > 0;

  const commit = (text: string) => {
    setOpen(false);
    setActive(-1);
    if (text.trim()) onCommit(text.trim());
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setOpen(true);
      setActive((i) => Math.min(shown.length - 1, i + 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((i) => Math.max(-1, i - 1));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const picked = active >= 0 ? shown[active] : undefined;
      commit(picked ? picked.value : value);
    } else if (event.key === 'Escape') {
      if (expanded) {
        // First Escape closes the list; the next one leaves the field (so shortcuts work again).
        event.preventDefault();
        event.stopPropagation();
        setOpen(false);
        setActive(-1);
      } else {
        event.currentTarget.blur();
      }
    }
  };

  return (
    <div className="combobox">
      <label htmlFor={id} className={hideLabel ? 'visually-hidden' : undefined}>
        {label}
      </label>
      <input
        id={id}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? `${listId}-${active}` : undefined}
        value={value}
        placeholder={placeholder}
        disabled={disabled}
        onChange={(event) => {
          onChange(event.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      <ul id={listId} role="listbox" aria-label={`${label} suggestions`} className="combobox-list" hidden={!expanded}>
        {shown.map((s, i) => (
          <li
            key={s.value}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'active' : undefined}
            onMouseDown={(event) => {
              event.preventDefault();
              commit(s.value);
            }}
          >
            <span>{s.value}</span>
            {s.hint ? <span className="hint">{s.hint}</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
