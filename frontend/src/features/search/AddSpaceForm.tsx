import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useCreateSpace, type SpaceCreate } from './api';

/** Models that work without the internet on a default install come first. */
const PRESETS = [
  { label: 'MobileNetV2, ImageNet weights (works offline)', model: 'torchvision:mobilenet_v2', pretrained: 'IMAGENET1K_V1' },
  { label: 'MobileNetV2, random weights (for tests)', model: 'torchvision:mobilenet_v2', pretrained: '' },
  { label: 'CLIP ViT-B-32, OpenAI weights (downloads; searches text too)', model: 'ViT-B-32', pretrained: 'openai' },
  { label: 'Other…', model: '', pretrained: '' },
];

type IndexKind = 'hnsw' | 'ivfflat' | 'exact';

/** Register a feature extractor; a job embeds every item with it. */
export function AddSpaceForm({ projectId, first }: { projectId: number; first: boolean }) {
  const create = useCreateSpace(projectId);
  const [preset, setPreset] = useState(0);
  const [model, setModel] = useState(PRESETS[0]?.model ?? '');
  const [pretrained, setPretrained] = useState(PRESETS[0]?.pretrained ?? '');
  const [name, setName] = useState('');
  const [index, setIndex] = useState<IndexKind>('hnsw');
  const [imageSize, setImageSize] = useState('');
  const [activate, setActivate] = useState(first);
  const [created, setCreated] = useState<string | null>(null);

  const choosePreset = (i: number) => {
    setPreset(i);
    const p = PRESETS[i];
    if (p && p.model) {
      setModel(p.model);
      setPretrained(p.pretrained);
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setCreated(null);
    const size = Number(imageSize);
    const body: SpaceCreate = {
      model: model.trim(),
      pretrained: pretrained.trim() || null,
      // The server fills in the index parameters' defaults (the generated type marks them required).
      index: { kind: index } as SpaceCreate['index'],
      activate,
      metric: 'cosine',
      storage: 'vector',
    };
    if (name.trim()) body.name = name.trim();
    if (imageSize && Number.isInteger(size)) body.image_size = size;
    create.mutate(body, { onSuccess: (space) => setCreated(`Space “${space.name}” created: its items are being embedded.`) });
  };

  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="add-space-title">
      <h3 id="add-space-title">Add a space</h3>
      <div className="space-form">
        <label className="field">
          <span>Feature extractor</span>
          <select value={preset} onChange={(e) => choosePreset(Number(e.target.value))}>
            {PRESETS.map((p, i) => (
              <option key={p.label} value={i}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Model</span>
          <input type="text" required value={model} onChange={(e) => setModel(e.target.value)} placeholder="torchvision:mobilenet_v2 or ViT-B-32" />
        </label>
        <label className="field">
          <span>Weights (pretrained tag or checkpoint file)</span>
          <input type="text" value={pretrained} onChange={(e) => setPretrained(e.target.value)} placeholder="empty: random init" />
        </label>
        <label className="field">
          <span>Name (optional)</span>
          <input type="text" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span>Index</span>
          <select value={index} onChange={(e) => setIndex(e.target.value as IndexKind)}>
            <option value="hnsw">HNSW (best recall for the speed)</option>
            <option value="ivfflat">IVFFlat (fast to build, smaller)</option>
            <option value="exact">Exact (no index; the reference)</option>
          </select>
        </label>
        <label className="field">
          <span>Input size in pixels (optional)</span>
          <input type="text" inputMode="numeric" pattern="[0-9]*" value={imageSize} onChange={(e) => setImageSize(e.target.value)} placeholder="model default" />
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={activate} onChange={(e) => setActivate(e.target.checked)} />
          Make it the active space once built
        </label>
        <div className="actions">
          <button type="submit" className="button primary" disabled={create.isPending || !model.trim()}>
            {create.isPending ? 'Creating…' : 'Create space'}
          </button>
        </div>
      </div>
      {create.isError ? <ErrorMessage title="Could not create the space" error={create.error} /> : null}
      {created ? (
        <p role="status" className="small">
          {created}
        </p>
      ) : null}
    </form>
  );
}
