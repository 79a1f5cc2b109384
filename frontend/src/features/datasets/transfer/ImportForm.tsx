import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { ProgressBar } from '../../../components/ProgressBar';
import { startImport } from '../../../lib/upload';
import { JobStatus } from './JobStatus';

type Format = 'coco' | 'imagefolder' | 'csv';
const FORMATS: { value: Format | ''; label: string }[] = [
  { value: '', label: 'Detect from the file' },
  { value: 'coco', label: 'COCO (zip with JSON and images)' },
  { value: 'imagefolder', label: 'ImageFolder (zip, a folder per class)' },
  { value: 'csv', label: 'CSV (annotations for items already here)' },
];

export function ImportForm({ projectId }: { projectId: number }) {
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<Format | ''>('');
  const [sending, setSending] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [jobId, setJobId] = useState<string | null>(null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setError(null);
    setJobId(null);
    setSending(0);
    try {
      const job = await startImport(projectId, file, format || null, { onProgress: setSending });
      setJobId(job.id);
    } catch (e) {
      setError(e);
    } finally {
      setSending(null);
    }
  };

  return (
    <section className="card" aria-labelledby="import-title">
      <h2 id="import-title">Import</h2>
      <form onSubmit={onSubmit} className="stack">
        <label className="field">
          <span>Dataset file (zip or CSV)</span>
          <input type="file" accept=".zip,.csv,application/zip,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </label>
        <label className="field">
          <span>Format</span>
          <select value={format} onChange={(e) => setFormat(e.target.value as Format | '')}>
            {FORMATS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        {sending !== null ? <ProgressBar value={sending} label="Sending the file" /> : null}
        <button type="submit" className="button primary" disabled={!file || sending !== null}>
          {sending !== null ? 'Sending…' : 'Import'}
        </button>
      </form>
      {error ? <ErrorMessage title="The import was refused" error={error} /> : null}
      {jobId ? <JobStatus projectId={projectId} jobId={jobId} /> : null}
    </section>
  );
}
