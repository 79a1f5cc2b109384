import { useCallback, useEffect, useRef, useState, type FormEvent, type MouseEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useProjectId } from '../../app/params';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { plural } from '../../lib/format';
import { useHotkeys } from '../../lib/hotkeys';
import { activeFilterCount, type ItemFilters } from '../../lib/itemFilters';
import { useAccess } from '../auth/api';
import { FilterPanel } from '../../components/filters/FilterPanel';
import { useItemTotal } from '../../lib/pagedItems';
import { NO_SELECTION, selectRange, toggleItem, type Selection } from '../../lib/selection';
import { useSearch, useSpaces, useWordSearch, type QueryImage } from './api';
import { ImageQuery, imageFrom, toQueryImage } from './ImageQuery';
import { QueryItem } from './QueryItem';
import { ResultGrid } from './ResultGrid';
import { ResultSelectionBar } from './ResultSelectionBar';
import { clampK, parseWords, searchFromParams, searchToParams, type SearchMode, type SearchSettings } from '../../lib/searchRequest';
import { SpacePicker } from './SpacePicker';
import { hasTextTower } from './spaceView';
import { WordsAnswer, WordsQuery } from './WordsQuery';
import '../../styles/dataset.css';
import './search.css';

const MODES: { mode: SearchMode; label: string }[] = [
  { mode: 'item', label: 'Similar to an item' },
  { mode: 'image', label: 'An image' },
  { mode: 'text', label: 'Text' },
  { mode: 'words', label: 'Words' },
];
const K_CHOICES = [12, 24, 48, 96, 200, 500, 1000];
const NO_ITEMS = {};

export function SearchPage() {
  const projectId = useProjectId();
  const access = useAccess(projectId);
  const [params, setParams] = useSearchParams();
  // The settings live in the URL (a search can be linked and shared); this copy answers clicks at
  // once, while the URL follows a moment later (the router updates it in a transition).
  const [settings, setSettings] = useState<SearchSettings>(() => searchFromParams(params));
  useEffect(() => setSettings(searchFromParams(params)), [params]);
  const [image, setImage] = useState<QueryImage | null>(null);
  const [selection, setSelection] = useState<Selection>(NO_SELECTION);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [itemDraft, setItemDraft] = useState('');
  const [textDraft, setTextDraft] = useState(settings.text);
  useEffect(() => setTextDraft(settings.text), [settings.text]);
  const spaces = useSpaces(projectId);
  const sample = useItemTotal(projectId, NO_ITEMS);
  const search = useSearch(projectId, settings, image);
  const wordSearch = useWordSearch(projectId, settings);
  const byWords = settings.mode === 'words';
  const canLabel = access.can('annotate');

  const latest = useRef(settings);
  latest.current = settings;
  const update = useCallback(
    (change: Partial<SearchSettings>) => {
      const next = { ...latest.current, ...change };
      latest.current = next;
      setSettings(next);
      setParams(searchToParams(next), { replace: true });
      setSelection(NO_SELECTION);
    },
    [setParams],
  );

  // An image pasted anywhere on the page becomes the query.
  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const file = imageFrom(event.clipboardData);
      if (!file) return;
      event.preventDefault();
      setImage(toQueryImage(file));
      update({ mode: 'image' });
    };
    window.addEventListener('paste', onPaste);
    return () => window.removeEventListener('paste', onPaste);
  }, [update]);
  useHotkeys({ Escape: () => setSelection(NO_SELECTION) }, selection.ids.size > 0);

  const list = spaces.data?.spaces ?? [];
  const activeId = spaces.data?.active_space_id ?? null;
  const space = list.find((s) => s.id === (settings.spaceId ?? activeId)) ?? null;
  const textOk = space ? hasTextTower(space) : true;
  const filterCount = activeFilterCount(settings.filters);
  const hits = (byWords ? wordSearch.data?.results : search.data?.results) ?? [];
  const answered = byWords ? wordSearch.data !== undefined : search.data !== undefined;
  const fetching = byWords ? wordSearch.isFetching : search.isFetching;
  const loading = byWords
    ? wordSearch.isPending && wordSearch.fetchStatus !== 'idle'
    : search.isPending && search.fetchStatus !== 'idle';
  const resultIds = hits.map((h) => h.item_id);

  const onSelect = (id: number, index: number, event: MouseEvent<HTMLInputElement>) => {
    if (event.shiftKey) setSelection((s) => selectRange(s, index, (i) => resultIds[i]));
    else setSelection((s) => toggleItem(s, id, index));
  };
  const submitItem = (event: FormEvent) => {
    event.preventDefault();
    const id = Number(itemDraft);
    if (Number.isInteger(id) && id > 0) update({ mode: 'item', itemId: id });
  };
  const submitText = (event: FormEvent) => {
    event.preventDefault();
    update({ mode: byWords ? 'words' : 'text', text: textDraft.trim() });
  };
  const waitingFor =
    settings.mode === 'item' && settings.itemId === null
      ? 'Open an item and choose “Find similar”, or type an item id above.'
      : settings.mode === 'image' && !image
        ? 'Choose, drop or paste an image.'
        : settings.mode === 'text' && !settings.text.trim()
          ? 'Type what you are looking for.'
          : byWords && !parseWords(settings.text).length
            ? 'Type one or more words, with commas between them: also words no image was tagged with.'
            : null;

  return (
    <div className="dataset search-page">
      <aside id="search-filters" className={filtersOpen ? 'dataset-filters open' : 'dataset-filters'}>
        <FilterPanel
          projectId={projectId}
          filters={settings.filters}
          onChange={(filters: ItemFilters) => update({ filters })}
          sampleItems={sample.data?.items ?? []}
        />
      </aside>
      <div className="dataset-main search-main">
        <div className="toolbar search-toolbar">
          {byWords ? (
            <p className="small muted space-picker">
              Words are looked up in the project’s active <Link to={`/projects/${projectId}/words`}>word model</Link>.
            </p>
          ) : spaces.isError ? (
            <ErrorMessage title="Could not load the embedding spaces" error={spaces.error} onRetry={() => spaces.refetch()} />
          ) : (
            <SpacePicker
              projectId={projectId}
              spaces={list}
              activeId={activeId}
              chosenId={settings.spaceId}
              onChoose={(spaceId) => update({ spaceId })}
            />
          )}
          <button
            type="button"
            className="button filters-toggle"
            aria-expanded={filtersOpen}
            aria-controls="search-filters"
            onClick={() => setFiltersOpen((open) => !open)}
          >
            Filters{filterCount ? ` (${filterCount})` : ''}
          </button>
        </div>
        <section className="search-query" aria-label="Query">
          <fieldset className="segmented">
            <legend>Search by</legend>
            {MODES.map(({ mode, label }) => (
              <label key={mode} className={settings.mode === mode ? 'segment active' : 'segment'}>
                <input type="radio" name="search-mode" value={mode} checked={settings.mode === mode} onChange={() => update({ mode })} />
                {label}
              </label>
            ))}
          </fieldset>
          <div className="query-input">
            {settings.mode === 'item' ? (
              <div className="query-row">
                {settings.itemId !== null ? <QueryItem projectId={projectId} itemId={settings.itemId} /> : null}
                <form className="inline-form" onSubmit={submitItem} aria-label="Search by item id">
                  <label className="inline-field">
                    <span>Item id</span>
                    <input type="number" min={1} inputMode="numeric" value={itemDraft} placeholder={settings.itemId ? String(settings.itemId) : ''} onChange={(e) => setItemDraft(e.target.value)} />
                  </label>
                  <button type="submit" className="button small" disabled={!itemDraft}>
                    Search
                  </button>
                </form>
                <label className="checkbox small">
                  <input type="checkbox" checked={settings.excludeSelf} onChange={(e) => update({ excludeSelf: e.target.checked })} />
                  Leave the item itself out
                </label>
              </div>
            ) : settings.mode === 'image' ? (
              <ImageQuery image={image} onImage={setImage} />
            ) : byWords ? (
              <WordsQuery
                draft={textDraft}
                onDraft={setTextDraft}
                onSubmit={submitText}
                combine={settings.combine}
                onCombine={(combine) => update({ combine })}
              />
            ) : (
              <form className="inline-form text-query" onSubmit={submitText} aria-label="Search by text">
                <label className="inline-field grow">
                  <span className="visually-hidden">Text query</span>
                  <input type="search" placeholder="e.g. a heron on a river bank" value={textDraft} onChange={(e) => setTextDraft(e.target.value)} />
                </label>
                <button type="submit" className="button primary" disabled={!textDraft.trim() || !textOk}>
                  Search
                </button>
                {!textOk && space ? (
                  <p className="small muted">
                    {space.model} reads images only: text search needs a CLIP (open_clip) space.
                  </p>
                ) : null}
              </form>
            )}
            <label className="inline-field">
              <span>Results</span>
              <select value={settings.k} onChange={(e) => update({ k: clampK(Number(e.target.value)) })}>
                {[...new Set([...K_CHOICES, settings.k])].sort((a, b) => a - b).map((k) => (
                  <option key={k} value={k}>
                    {k}
                  </option>
                ))}
              </select>
            </label>
          </div>
        </section>
        {selection.ids.size && canLabel ? (
          <ResultSelectionBar
            projectId={projectId}
            selection={selection}
            resultIds={resultIds}
            onSelectionChange={setSelection}
            queryItemId={settings.mode === 'item' ? settings.itemId : null}
          />
        ) : null}
        <div className="search-results">
          <p className="toolbar-count search-count" role="status">
            {fetching
              ? 'Searching…'
              : byWords
                ? wordSearch.data
                  ? `${plural(hits.length, 'result')}${filterCount ? ' among the filtered items' : ''}`
                  : ''
                : search.data
                  ? `${plural(hits.length, 'result')}${filterCount ? ' among the filtered items' : ''} · ${search.data.strategy}${search.data.exact_fallback ? ' (re-ranked exactly)' : ''}`
                  : ''}
          </p>
          {byWords ? (
            <WordsAnswer projectId={projectId} answer={fetching ? undefined : wordSearch.data} error={wordSearch.isError ? wordSearch.error : null} onRetry={() => wordSearch.refetch()} />
          ) : search.isError ? (
            <ErrorMessage title="The search failed" error={search.error} onRetry={() => search.refetch()} />
          ) : null}
          {spaces.data && list.length === 0 && !byWords ? (
            <EmptyState title="No embedding space yet">
              <p>Search compares images by their embeddings: a space embeds every item with a feature extractor.</p>
              {access.can('manageSpaces') ? (
                <Link className="button primary" to={`/projects/${projectId}/spaces`}>
                  Set up a space
                </Link>
              ) : (
                <p>Ask someone with the trainer role on this project to set one up.</p>
              )}
            </EmptyState>
          ) : waitingFor ? (
            <EmptyState title="What are you looking for?">
              <p>{waitingFor}</p>
            </EmptyState>
          ) : loading ? (
            <Loading label="Searching…" />
          ) : answered && hits.length === 0 ? (
            <EmptyState title="Nothing found">
              {filterCount ? <p>{byWords ? 'No item matching the filters matches the words.' : 'No embedded item matches the filters.'}</p> : null}
            </EmptyState>
          ) : answered ? (
            <ResultGrid
              projectId={projectId}
              hits={hits}
              queryItemId={settings.mode === 'item' ? settings.itemId : null}
              selection={selection}
              onSelect={canLabel ? onSelect : undefined}
            />
          ) : null}
        </div>
      </div>
    </div>
  );
}
