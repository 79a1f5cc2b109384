import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { ProgressBar } from '../../components/ProgressBar';
import { useImportWordModel } from './api';
import { VECTOR_FORMATS, importForm, type VectorFormat } from './wordView';

/** Import pretrained vectors (word2vec, GloVe, gensim KeyedVectors); checked before a job stores them. */
export function ImportWordModelForm({ projectId }: { projectId: number }) {
  const upload = useImportWordModel(projectId);
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<VectorFormat | ''>('');
  const [name, setName] = useState('');
  const [limit, setLimit] = useState('');
  const [activate, setActivate] = useState(true);
  const [problem, setProblem] = useState<string | null>(null);
  const [sent, setSent] = useState<number | null>(null);
  const [started, setStarted] = useState<string | null>(null);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setStarted(null);
    if (!file) {
      setProblem('Choose a vectors file.');
      return;
    }
    const built = importForm(file, format, name, limit, activate);
    setProblem(built.error ?? null);
    if (!built.form) return;
    setSent(0);
    upload.mutate(
      { form: built.form, options: { onProgress: setSent } },
      {
        onSuccess: (model) => setStarted(`Importing “${model.name}”: it appears above while its words are stored.`),
        onSettled: () => setSent(null),
      },
    );
  };

  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="import-words-title" noValidate>
      <h3 id="import-words-title">Import word vectors</h3>
      <div className="word-form-fields">
        <label className="field wide">
          <span>Vectors file (word2vec text or binary, GloVe, gensim KeyedVectors; .gz allowed)</span>
          <input type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </label>
        <label className="field">
          <span>Format</span>
          <select value={format} onChange={(e) => setFormat(e.target.value as VectorFormat | '')}>
            <option value="">Detect from the file</option>
            {VECTOR_FORMATS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Keep the first N words (optional)</span>
          <input type="number" inputMode="numeric" min={1} value={limit} onChange={(e) => setLimit(e.target.value)} />
        </label>
        <label className="field wide">
          <span>Name (optional)</span>
          <input type="text" maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="checkbox wide">
          <input type="checkbox" checked={activate} onChange={(e) => setActivate(e.target.checked)} />
          Make it the active word model once imported
        </label>
      </div>
      {problem ? (
        <p className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
      {sent !== null ? <ProgressBar value={sent} label="Upload progress" /> : null}
      <div className="actions">
        <button type="submit" className="button primary" disabled={upload.isPending}>
          {upload.isPending ? 'Uploading…' : 'Import vectors'}
        </button>
      </div>
      {upload.isError ? <ErrorMessage title="The vectors were not imported" error={upload.error} /> : null}
      {started ? (
        <p role="status" className="small">
          {started}
        </p>
      ) : null}
    </form>
  );
}
