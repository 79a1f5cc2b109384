import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { download } from '../../../lib/download';
import { activeFilterCount, filtersToParams, type ItemFilters } from '../../../lib/itemFilters';

type Format = 'coco' | 'imagefolder' | 'csv';
const FORMATS: { value: Format; label: string; ext: string }[] = [
  { value: 'coco', label: 'COCO zip (images + annotations JSON)', ext: 'zip' },
  { value: 'imagefolder', label: 'ImageFolder zip (a folder per class, with mireru.csv)', ext: 'zip' },
  { value: 'csv', label: 'CSV only (no images)', ext: 'csv' },
];

/** The export URL: the format plus the dataset filters, in the API's own parameter names. */
export function exportUrl(projectId: number, format: Format, filters: ItemFilters | null): string {
  const params = filters ? filtersToParams(filters) : new URLSearchParams();
  params.set('format', format);
  return `/api/v1/projects/${projectId}/export?${params.toString()}`;
}

export function ExportForm({ projectId, filters }: { projectId: number; filters: ItemFilters }) {
  const [format, setFormat] = useState<Format>('coco');
  const filterCount = activeFilterCount(filters);
  const [filtered, setFiltered] = useState(filterCount > 0);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const ext = FORMATS.find((f) => f.value === format)?.ext ?? 'zip';
      await download(exportUrl(projectId, format, filtered ? filters : null), `project-${projectId}-${format}.${ext}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="export-title">
      <h2 id="export-title">Export</h2>
      <form onSubmit={onSubmit} className="stack">
        <fieldset className="field-group">
          <legend>Format</legend>
          {FORMATS.map((f) => (
            <label key={f.value} className="radio">
              <input type="radio" name="export-format" value={f.value} checked={format === f.value} onChange={() => setFormat(f.value)} />
              {f.label}
            </label>
          ))}
        </fieldset>
        {filterCount ? (
          <label className="checkbox">
            <input type="checkbox" checked={filtered} onChange={(e) => setFiltered(e.target.checked)} />
            Only the items matching the dataset filters ({filterCount})
          </label>
        ) : (
          <p className="muted">Every item of the project is exported. Filter the dataset first to export a part.</p>
        )}
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Preparing…' : 'Download export'}
        </button>
      </form>
      {error ? <ErrorMessage title="The export failed" error={error} /> : null}
    </section>
  );
}
