import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useTrainWordModel } from './api';
import { TRAIN_DEFAULTS, trainForm, type TrainValues } from './wordView';

const NUMBERS: readonly { key: 'vectorSize' | 'epochs' | 'minCount' | 'window'; label: string; hint: string }[] = [
  { key: 'vectorSize', label: 'Dimensions', hint: '2 to 1000' },
  { key: 'epochs', label: 'Epochs', hint: '1 to 200' },
  { key: 'minCount', label: 'Minimum count', hint: 'rarer words are left out' },
  { key: 'window', label: 'Window', hint: 'context words each side' },
];

/** Train word2vec on the project's keywords, metadata and text, and an optional text file. */
export function TrainWordModelForm({ projectId }: { projectId: number }) {
  const train = useTrainWordModel(projectId);
  const [values, setValues] = useState<TrainValues>(TRAIN_DEFAULTS);
  const [corpus, setCorpus] = useState<File | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [started, setStarted] = useState<string | null>(null);
  const set = <K extends keyof TrainValues>(key: K, value: TrainValues[K]) => setValues((v) => ({ ...v, [key]: value }));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setStarted(null);
    const built = trainForm(values, corpus);
    setErrors(built.errors);
    if (!built.form) return;
    train.mutate(built.form, { onSuccess: (model) => setStarted(`Training “${model.name}”: it appears above while it is built.`) });
  };

  const problems = Object.values(errors);
  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="train-words-title" noValidate>
      <h3 id="train-words-title">Train from the project’s text</h3>
      <div className="word-form-fields">
        <label className="field wide">
          <span>Name (optional)</span>
          <input type="text" maxLength={200} value={values.name} onChange={(e) => set('name', e.target.value)} />
        </label>
        {NUMBERS.map(({ key, label, hint }) => (
          <label key={key} className="field" title={hint}>
            <span>{label}</span>
            <input
              type="number"
              inputMode="numeric"
              value={values[key]}
              aria-invalid={errors[key] ? true : undefined}
              onChange={(e) => set(key, e.target.value)}
            />
          </label>
        ))}
        <label className="checkbox wide">
          <input type="checkbox" checked={values.includeItems} onChange={(e) => set('includeItems', e.target.checked)} />
          Use the items’ keywords, metadata and text
        </label>
        <label className="field wide">
          <span>More text (optional: UTF-8, one sentence per line, .gz allowed)</span>
          <input type="file" accept=".txt,.gz,text/plain" onChange={(e) => setCorpus(e.target.files?.[0] ?? null)} />
        </label>
        <label className="checkbox wide">
          <input type="checkbox" checked={values.skipGram} onChange={(e) => set('skipGram', e.target.checked)} />
          Skip-gram (off: CBOW)
        </label>
        <label className="checkbox wide">
          <input type="checkbox" checked={values.activate} onChange={(e) => set('activate', e.target.checked)} />
          Make it the active word model once ready
        </label>
      </div>
      {problems.length ? (
        <ul className="field-error" role="alert">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      <div className="actions">
        <button type="submit" className="button primary" disabled={train.isPending}>
          {train.isPending ? 'Starting…' : 'Train word model'}
        </button>
      </div>
      {train.isError ? <ErrorMessage title="Could not start training" error={train.error} /> : null}
      {started ? (
        <p role="status" className="small">
          {started}
        </p>
      ) : null}
    </form>
  );
}
