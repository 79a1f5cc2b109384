import { useId, useState, type FormEvent } from 'react';
import { formatValue } from '../../lib/format';
import type { MeasurementRange } from '../../lib/itemFilters';

interface Props {
  ranges: readonly MeasurementRange[];
  known: readonly { key: string; min: number; max: number }[];
  onChange: (ranges: MeasurementRange[]) => void;
}

function toBound(raw: string): number | null | 'invalid' {
  if (!raw.trim()) return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : 'invalid';
}

/** Ranges on sensor readings ("temperature_c from 10 to 20"); either end may stay open. */
export function MeasurementFilter({ ranges, known, onChange }: Props) {
  const id = useId();
  const [key, setKey] = useState('');
  const [min, setMin] = useState('');
  const [max, setMax] = useState('');
  const low = toBound(min);
  const high = toBound(max);
  const valid =
    key.trim() !== '' && !key.includes(':') && low !== 'invalid' && high !== 'invalid' && (low !== null || high !== null);
  const hint = known.find((k) => k.key === key.trim());

  const add = (event: FormEvent) => {
    event.preventDefault();
    if (!valid) return;
    const rest = ranges.filter((r) => r.key !== key.trim());
    onChange([...rest, { key: key.trim(), min: low, max: high }]);
    setKey('');
    setMin('');
    setMax('');
  };

  return (
    <fieldset className="field-group">
      <legend>Sensor readings</legend>
      <ul className="conditions">
        {ranges.map((r) => (
          <li key={r.key}>
            <span>
              {r.min ?? '−∞'} ≤ {r.key} ≤ {r.max ?? '∞'}
            </span>
            <button
              type="button"
              className="link-button"
              aria-label={`Remove reading filter ${r.key}`}
              onClick={() => onChange(ranges.filter((x) => x.key !== r.key))}
            >
              remove
            </button>
          </li>
        ))}
      </ul>
      <form className="inline-form measurement-form" onSubmit={add} aria-label="Add a sensor reading filter">
        <input aria-label="Reading name" placeholder="reading" value={key} list={`${id}-keys`} onChange={(e) => setKey(e.target.value)} />
        <datalist id={`${id}-keys`}>
          {known.map((k) => (
            <option key={k.key} value={k.key} />
          ))}
        </datalist>
        <input aria-label="Minimum" placeholder="min" inputMode="decimal" value={min} onChange={(e) => setMin(e.target.value)} />
        <input aria-label="Maximum" placeholder="max" inputMode="decimal" value={max} onChange={(e) => setMax(e.target.value)} />
        <button type="submit" className="button small" disabled={!valid}>
          Add<span className="visually-hidden"> reading filter</span>
        </button>
      </form>
      {hint ? (
        <p className="muted small">
          seen {formatValue(hint.min)} to {formatValue(hint.max)}
        </p>
      ) : null}
    </fieldset>
  );
}
