interface Props {
  value: boolean | null;
  onChange: (value: boolean | null) => void;
}

/** Items a model's suggestions are waiting on, for a review session. Unticking drops the
 * condition; "none waiting" (false) only comes from a link, so it is said in words to remove. */
export function PendingSuggestionsFilter({ value, onChange }: Props) {
  return (
    <div className="field">
      <label className="checkbox">
        <input type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked ? true : null)} />
        Has pending suggestions
      </label>
      {value === false ? (
        <p className="active-condition">
          no suggestions waiting{' '}
          <button type="button" className="link-button" onClick={() => onChange(null)} aria-label="Remove filter no pending suggestions">
            remove
          </button>
        </p>
      ) : null}
    </div>
  );
}
