import { useId, useState, type FormEvent } from 'react';
import type { MetadataCondition } from '../../lib/itemFilters';

interface Props {
  conditions: readonly MetadataCondition[];
  keys: readonly string[];
  onChange: (conditions: MetadataCondition[]) => void;
}

/** Conditions "metadata key equals value", added one at a time. */
export function MetadataFilter({ conditions, keys, onChange }: Props) {
  const id = useId();
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const valid = key.trim() !== '' && !key.includes(':');

  const add = (event: FormEvent) => {
    event.preventDefault();
    if (!valid) return;
    const rest = conditions.filter((c) => c.key !== key.trim());
    onChange([...rest, { key: key.trim(), value }]);
    setKey('');
    setValue('');
  };

  return (
    <fieldset className="field-group">
      <legend>Metadata</legend>
      <ul className="conditions">
        {conditions.map((c) => (
          <li key={c.key}>
            <span>
              {c.key} = {c.value || '""'}
            </span>
            <button
              type="button"
              className="link-button"
              aria-label={`Remove metadata filter ${c.key}`}
              onClick={() => onChange(conditions.filter((x) => x.key !== c.key))}
            >
              remove
            </button>
          </li>
        ))}
      </ul>
      <form className="inline-form" onSubmit={add} aria-label="Add a metadata filter">
        <input aria-label="Metadata key" placeholder="key" value={key} list={`${id}-keys`} onChange={(e) => setKey(e.target.value)} />
        <datalist id={`${id}-keys`}>
          {keys.map((k) => (
            <option key={k} value={k} />
          ))}
        </datalist>
        <input aria-label="Metadata value" placeholder="value" value={value} onChange={(e) => setValue(e.target.value)} />
        <button type="submit" className="button small" disabled={!valid}>
          Add<span className="visually-hidden"> metadata filter</span>
        </button>
      </form>
    </fieldset>
  );
}
