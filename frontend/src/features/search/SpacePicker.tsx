import { Link } from 'react-router';
import { ProgressBar } from '../../components/ProgressBar';
import type { Space } from './api';
import { spaceLabel, spaceProgress, spaceStatusWords } from './spaceView';

interface Props {
  projectId: number;
  spaces: readonly Space[];
  activeId: number | null;
  chosenId: number | null;
  onChoose: (spaceId: number | null) => void;
}

/** Which embedding space to search (the active one unless another is chosen), and its state. */
export function SpacePicker({ projectId, spaces, activeId, chosenId, onChoose }: Props) {
  const space = spaces.find((s) => s.id === (chosenId ?? activeId));
  const progress = space ? spaceProgress(space) : null;
  return (
    <div className="space-picker">
      <label className="inline-field">
        <span>Embedding space</span>
        <select value={chosenId ?? ''} onChange={(e) => onChoose(e.target.value ? Number(e.target.value) : null)}>
          <option value="">{activeId !== null ? `Active: ${spaces.find((s) => s.id === activeId)?.name ?? activeId}` : 'Active (none yet)'}</option>
          {spaces.map((s) => (
            <option key={s.id} value={s.id}>
              {spaceLabel(s)} — {s.status}
            </option>
          ))}
        </select>
      </label>
      {space ? (
        <span className="small muted space-state">
          {space.model} · {spaceStatusWords(space)}
        </span>
      ) : null}
      {progress ? (
        <span className="space-progress small">
          <ProgressBar value={progress.fraction} label={`Building ${space?.name ?? 'the space'}`} />
          {progress.words}
        </span>
      ) : null}
      <Link className="small" to={`/projects/${projectId}/spaces`}>
        Manage spaces
      </Link>
    </div>
  );
}
