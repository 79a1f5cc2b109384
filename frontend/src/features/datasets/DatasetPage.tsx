import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useProjectId } from '../../app/params';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { plural } from '../../lib/format';
import { useHotkeys } from '../../lib/hotkeys';
import { useAccess } from '../auth/api';
import { BatchSuggest } from '../suggestions/BatchSuggest';
import { EMPTY_FILTERS, activeFilterCount, filtersFromParams, filtersToParams, toItemQuery, type ItemFilters } from '../../lib/itemFilters';
import { SelectionBar } from './bulk/SelectionBar';
import { FilterPanel } from '../../components/filters/FilterPanel';
import { ItemGrid } from './ItemGrid';
import { useItemTotal } from '../../lib/pagedItems';
import { NO_SELECTION, selectRange, toggleItem, type Selection } from '../../lib/selection';
import { DropZone } from './upload/DropZone';
import { UploadButton } from './upload/UploadButton';
import { UploadList } from './upload/UploadList';
import { useUploadQueue } from './upload/useUploadQueue';
import '../../styles/dataset.css';

export function DatasetPage() {
  const projectId = useProjectId();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersFromParams(params), [params]);
  const query = useMemo(() => toItemQuery(filters), [filters]);
  const firstPage = useItemTotal(projectId, query);
  const [selection, setSelection] = useState<Selection>(NO_SELECTION);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [suggestOpen, setSuggestOpen] = useState(false);
  const uploads = useUploadQueue(projectId);
  const access = useAccess(projectId);
  const canUpload = access.can('upload');
  const filterCount = activeFilterCount(filters);
  const total = firstPage.data?.total ?? 0;

  const setFilters = (next: ItemFilters) => {
    setParams(filtersToParams(next), { replace: true });
    setSelection(NO_SELECTION);
  };
  useHotkeys({ Escape: () => setSelection(NO_SELECTION) }, selection.ids.size > 0);

  return (
    <DropZone onFiles={uploads.addFiles} disabled={!canUpload}>
      <div className="dataset">
        <aside id="dataset-filters" className={filtersOpen ? 'dataset-filters open' : 'dataset-filters'}>
          <FilterPanel
            projectId={projectId}
            filters={filters}
            onChange={setFilters}
            sampleItems={firstPage.data?.items ?? []}
          />
        </aside>
        <div className="dataset-main">
          <div className="toolbar">
            <p className="toolbar-count" role="status">
              {firstPage.data
                ? `${plural(total, 'item')}${filterCount ? ` ${total === 1 ? 'matches' : 'match'} the filters` : ''}`
                : firstPage.isPending
                  ? 'Loading…'
                  : ''}
            </p>
            <button
              type="button"
              className="button filters-toggle"
              aria-expanded={filtersOpen}
              aria-controls="dataset-filters"
              onClick={() => setFiltersOpen((open) => !open)}
            >
              Filters{filterCount ? ` (${filterCount})` : ''}
            </button>
            <Link className="button" to={{ pathname: `/projects/${projectId}/transfer`, search: params.toString() }}>
              Import & export
            </Link>
            {access.can('annotate') ? (
              <button
                type="button"
                className="button"
                aria-expanded={suggestOpen}
                aria-controls="batch-suggest"
                onClick={() => setSuggestOpen((open) => !open)}
              >
                Suggest with models
              </button>
            ) : null}
            {access.can('train') ? (
              <Link className="button" to={{ pathname: `/projects/${projectId}/training/new`, search: params.toString() }}>
                Train on these
              </Link>
            ) : null}
            {canUpload ? <UploadButton onFiles={uploads.addFiles} /> : null}
          </div>
          <div id="batch-suggest">
            {suggestOpen ? <BatchSuggest projectId={projectId} filters={filters} total={total} filtered={filterCount > 0} selectedIds={[...selection.ids]} /> : null}
          </div>
          {selection.ids.size ? (
            <SelectionBar
              projectId={projectId}
              query={query}
              total={total}
              selection={selection}
              onSelectionChange={setSelection}
              canEdit={access.can('annotate')}
              filters={filters}
            />
          ) : null}
          <UploadList
            projectId={projectId}
            entries={uploads.entries}
            summary={uploads.summary}
            onRetry={uploads.retry}
            onClearFinished={uploads.clearFinished}
          />
          {firstPage.isError ? (
            <ErrorMessage title="Could not load the items" error={firstPage.error} onRetry={() => firstPage.refetch()} />
          ) : firstPage.isPending ? (
            <Loading label="Loading items…" />
          ) : total === 0 ? (
            <EmptyState title={filterCount ? 'No items match these filters' : 'No images yet'}>
              {filterCount ? (
                <button type="button" className="button" onClick={() => setFilters(EMPTY_FILTERS)}>
                  Clear the filters
                </button>
              ) : (
                <p>
                  {canUpload
                    ? 'Drop images anywhere on this page, use “Upload images”, or import a COCO, ImageFolder or CSV dataset.'
                    : 'Uploading needs the annotator role on this project.'}
                </p>
              )}
            </EmptyState>
          ) : (
            <ItemGrid
              projectId={projectId}
              filters={filters}
              query={query}
              total={total}
              selection={selection}
              onToggle={(id, index) => setSelection((s) => toggleItem(s, id, index))}
              onRange={(index, idAt) => setSelection((s) => selectRange(s, index, idAt))}
            />
          )}
        </div>
      </div>
    </DropZone>
  );
}
