export interface Choice {
  value: string;
  label: string;
}

interface Props {
  label: string;
  value: string | null;
  choices: readonly Choice[];
  onChange: (value: string | null) => void;
  anyLabel?: string;
}

/** A select whose first option means "no condition". */
export function ChoiceFilter({ label, value, choices, onChange, anyLabel = 'Any' }: Props) {
  const known = value === null || choices.some((c) => c.value === value);
  return (
    <label className="field">
      <span>{label}</span>
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value || null)}>
        <option value="">{anyLabel}</option>
        {!known && value !== null ? <option value={value}>{value}</option> : null}
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </label>
  );
}
