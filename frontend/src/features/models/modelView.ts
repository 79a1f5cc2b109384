// Model versions for people: which metrics to show in the list, the deployment in words, and
// the comparison's best values.
import { formatBytes } from '../../lib/format';
import type { ModelComparison, ModelVersion } from './api';

/** The metrics worth a column: validation ones first, then the rest, at most `max`. */
export function metricColumns(models: readonly Pick<ModelVersion, 'metrics'>[], max = 3): string[] {
  const names = new Set<string>();
  for (const m of models) for (const name of Object.keys(m.metrics)) names.add(name);
  const rank = (n: string) => (n.startsWith('val/') ? (/loss/.test(n) ? 1 : 0) : 2);
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).slice(0, max);
}

export function deploymentWords(model: Pick<ModelVersion, 'deployed' | 'deployment' | 'produces'>): string {
  if (!model.deployed || !model.deployment) return '';
  if (model.deployment.status === 'reembedding') return 'deploying: re-embedding the project for search';
  return model.produces === 'embedding' ? 'deployed: search uses it' : `deployed as the ${model.deployment.slot}`;
}

export function modelTitle(model: Pick<ModelVersion, 'version' | 'kind'>): string {
  return `v${model.version} ${model.kind}`;
}

export function modelFacts(model: Pick<ModelVersion, 'base_model' | 'size_bytes' | 'run_id'>): string {
  return [model.base_model || 'from scratch', formatBytes(model.size_bytes), model.run_id !== null ? `run ${model.run_id}` : 'run deleted']
    .filter(Boolean)
    .join(' · ');
}

/** Is this the best value of its row (ties all count)? */
export function isBest(row: ModelComparison['metrics'][number], modelId: number): boolean {
  if (row.best_model_id === null) return false;
  const best = row.values[String(row.best_model_id)];
  const value = row.values[String(modelId)];
  return value !== null && value !== undefined && value === best;
}

/** Toggle a version in the comparison, keeping the order in which they were picked. */
export function toggleCompared(ids: readonly number[], id: number, max = 20): number[] {
  if (ids.includes(id)) return ids.filter((x) => x !== id);
  return [...ids, id].slice(-max);
}
