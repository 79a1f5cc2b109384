import { Link } from 'react-router';
import { useProjectId } from '../../app/params';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { useAccess } from '../auth/api';
import { useWordModels } from './api';
import { ImportWordModelForm } from './ImportWordModelForm';
import { NeighboursLookup } from './NeighboursLookup';
import { TrainWordModelForm } from './TrainWordModelForm';
import { WordModelCard } from './WordModelCard';
import './words.css';

/** Word models: vectors for words, trained on the project's text or imported. The active one
 * suggests keywords, searches images by words and maps keyword models' outputs to words. */
export function WordsPage() {
  const projectId = useProjectId();
  const access = useAccess(projectId);
  const models = useWordModels(projectId);
  const canManage = access.can('train');
  const list = models.data?.models ?? [];
  return (
    <div className="page words-page">
      <h2>Word models</h2>
      <p className="lead">
        A word model gives every word a vector, so that words used alike are near each other. The active one offers words
        as keywords while annotating, lets <Link to={`/projects/${projectId}/search?mode=words`}>search</Link> find images
        by words nobody tagged, and names what a keywords model sees.
      </p>
      {models.isPending ? (
        <Loading label="Loading the word models…" />
      ) : models.isError ? (
        <ErrorMessage title="Could not load the word models" error={models.error} onRetry={() => models.refetch()} />
      ) : list.length === 0 ? (
        <EmptyState title="No word model yet">
          <p>{canManage ? 'Train one from the project’s text below, or import pretrained vectors.' : 'Ask someone with the trainer role to add one.'}</p>
        </EmptyState>
      ) : (
        <ul className="word-model-list" aria-label="Word models">
          {list.map((model) => (
            <WordModelCard key={model.id} projectId={projectId} model={model} canManage={canManage} />
          ))}
        </ul>
      )}
      {canManage ? (
        <div className="word-forms">
          <TrainWordModelForm projectId={projectId} />
          <ImportWordModelForm projectId={projectId} />
        </div>
      ) : (
        <p className="muted">Training, importing and activating word models needs the trainer role on this project.</p>
      )}
      {models.data?.active_word_model_id != null ? <NeighboursLookup projectId={projectId} /> : null}
    </div>
  );
}
