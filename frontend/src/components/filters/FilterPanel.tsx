import { SPLITS, type Item } from '../../lib/api';
import { EMPTY_FILTERS, activeFilterCount, type ItemFilters } from '../../lib/itemFilters';
import { useIdentities, useLabels } from '../../lib/itemApi';
import { ChoiceFilter } from './ChoiceFilter';
import { CropFilter } from './CropFilter';
import { fieldKeys } from './fieldKeys';
import { KeywordFilter } from './KeywordFilter';
import { MeasurementFilter } from './MeasurementFilter';
import { MetadataFilter } from './MetadataFilter';
import { PendingSuggestionsFilter } from './PendingSuggestionsFilter';
import { TextFilter } from './TextFilter';

interface Props {
  projectId: number;
  filters: ItemFilters;
  onChange: (filters: ItemFilters) => void;
  /** Some items, to suggest metadata keys and reading names from. */
  sampleItems: readonly Item[];
}

const ANNOTATED = [
  { value: 'true', label: 'Annotated' },
  { value: 'false', label: 'Not annotated' },
];

export function FilterPanel({ projectId, filters, onChange, sampleItems }: Props) {
  const labels = useLabels(projectId);
  const identities = useIdentities(projectId);
  const keys = fieldKeys(sampleItems);
  const set = <K extends keyof ItemFilters>(key: K, value: ItemFilters[K]) => onChange({ ...filters, [key]: value });
  const count = activeFilterCount(filters);

  return (
    <section className="filter-panel" aria-labelledby="filters-title">
      <div className="filter-panel-head">
        <h2 id="filters-title">Filters</h2>
        {count ? (
          <button type="button" className="link-button" onClick={() => onChange(EMPTY_FILTERS)}>
            Clear all ({count})
          </button>
        ) : null}
      </div>
      <TextFilter value={filters.text} onChange={(v) => set('text', v)} />
      <ChoiceFilter
        label="Label"
        value={filters.label}
        choices={(labels.data ?? []).map((l) => ({ value: l.name, label: `${l.name} (${l.item_count ?? 0})` }))}
        onChange={(v) => set('label', v)}
      />
      <KeywordFilter projectId={projectId} value={filters.keyword} onChange={(v) => set('keyword', v)} />
      <ChoiceFilter
        label="Identity"
        value={filters.identity}
        choices={(identities.data ?? []).map((i) => ({ value: i.identity, label: `${i.identity} (${i.count})` }))}
        onChange={(v) => set('identity', v)}
      />
      <ChoiceFilter
        label="Split"
        value={filters.split}
        choices={SPLITS.map((s) => ({ value: s, label: s }))}
        onChange={(v) => set('split', SPLITS.find((s) => s === v) ?? null)}
      />
      <ChoiceFilter
        label="Annotation"
        value={filters.annotated === null ? null : String(filters.annotated)}
        choices={ANNOTATED}
        onChange={(v) => set('annotated', v === null ? null : v === 'true')}
      />
      <PendingSuggestionsFilter value={filters.pendingSuggestions} onChange={(v) => set('pendingSuggestions', v)} />
      <CropFilter
        projectId={projectId}
        crop={filters.crop}
        sourceItemId={filters.sourceItemId}
        onCrop={(v) => set('crop', v)}
        onSourceItem={(v) => set('sourceItemId', v)}
      />
      <MetadataFilter conditions={filters.metadata} keys={keys.metadata} onChange={(v) => set('metadata', v)} />
      <MeasurementFilter ranges={filters.measurements} known={keys.measurements} onChange={(v) => set('measurements', v)} />
    </section>
  );
}
