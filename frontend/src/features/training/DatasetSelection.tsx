import type { components } from '../../client/schema';
import type { Item } from '../../lib/api';
import { plural } from '../../lib/format';
import { activeFilterCount, type ItemFilters } from '../../lib/itemFilters';
import { FilterPanel } from '../../components/filters/FilterPanel';

export type SplitName = components['schemas']['DatasetSelection']['train_splits'][number];
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'val', 'test', 'none'];
const SPLIT_WORDS: Record<SplitName, string> = { train: 'train', val: 'val', test: 'test', none: 'no split' };

export interface Selection {
  filters: ItemFilters;
  trainSplits: SplitName[];
  valSplits: SplitName[];
  valFraction: string;
}

interface Props {
  projectId: number;
  value: Selection;
  onChange: (value: Selection) => void;
  matching: number | null;
  sampleItems: readonly Item[];
  errors: Record<string, string>;
}

function toggle(list: SplitName[], split: SplitName, on: boolean): SplitName[] {
  return on ? SPLIT_NAMES.filter((s) => s === split || list.includes(s)) : list.filter((s) => s !== split);
}

/** Which items the run learns from (the dataset filters) and how they divide into training and
 * validation (by split, else a held-out share). */
export function DatasetSelection({ projectId, value, onChange, matching, sampleItems, errors }: Props) {
  const datasetErrors = Object.entries(errors).filter(([key]) => key === 'dataset' || key.startsWith('dataset.'));
  const count = activeFilterCount(value.filters);
  return (
    <fieldset className="field-group dataset-selection">
      <legend>Training data</legend>
      <p className="small" role="status">
        {matching === null ? 'Counting…' : `${plural(matching, 'item')} ${count ? (matching === 1 ? 'matches' : 'match') + ' the filters' : 'in the project'}`}
        . Items without the run’s target (a label, or an identity) are left out.
      </p>
      <details className="selection-filters" open={count > 0}>
        <summary>Filter the items{count ? ` (${count})` : ''}</summary>
        <FilterPanel projectId={projectId} filters={value.filters} onChange={(filters) => onChange({ ...value, filters })} sampleItems={sampleItems} />
      </details>
      <div className="split-choice">
        <fieldset>
          <legend>Train on splits</legend>
          {SPLIT_NAMES.map((s) => (
            <label key={s} className="checkbox">
              <input
                type="checkbox"
                checked={value.trainSplits.includes(s)}
                onChange={(e) =>
                  onChange({ ...value, trainSplits: toggle(value.trainSplits, s, e.target.checked), valSplits: value.valSplits.filter((v) => v !== s || !e.target.checked) })
                }
              />
              {SPLIT_WORDS[s]}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Validate on splits</legend>
          {SPLIT_NAMES.map((s) => (
            <label key={s} className="checkbox">
              <input
                type="checkbox"
                checked={value.valSplits.includes(s)}
                onChange={(e) =>
                  onChange({ ...value, valSplits: toggle(value.valSplits, s, e.target.checked), trainSplits: value.trainSplits.filter((t) => t !== s || !e.target.checked) })
                }
              />
              {SPLIT_WORDS[s]}
            </label>
          ))}
        </fieldset>
        <label className="field">
          <span>Held-out share when no item is in a validation split</span>
          <input type="number" min={0} max={0.5} step={0.05} value={value.valFraction} onChange={(e) => onChange({ ...value, valFraction: e.target.value })} />
        </label>
      </div>
      {datasetErrors.map(([key, message]) => (
        <p key={key} className="field-error">
          {key === 'dataset' ? message : `${key.replace(/^dataset\./, '')}: ${message}`}
        </p>
      ))}
    </fieldset>
  );
}
