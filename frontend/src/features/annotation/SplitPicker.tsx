import { SPLITS, type Split } from '../../lib/api';

export function SplitPicker({ split, onChange }: { split: Split | null; onChange: (split: Split | null) => void }) {
  const options: { value: Split | null; label: string }[] = [{ value: null, label: 'none' }, ...SPLITS.map((s) => ({ value: s, label: s }))];
  return (
    <fieldset className="panel-section split-picker">
      <legend>Split</legend>
      {options.map((o) => (
        <label key={o.label} className="radio">
          <input type="radio" name="split" checked={split === o.value} onChange={() => onChange(o.value)} />
          {o.label}
        </label>
      ))}
    </fieldset>
  );
}
