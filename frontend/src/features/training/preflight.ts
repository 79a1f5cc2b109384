// The pre-flight check of a new run (POST .../training-runs/preflight): the body the form would
// send, and the counts that come back in words.
import type { components } from '../../client/schema';
import { plural } from '../../lib/format';

export type Preflight = components['schemas']['TrainingPreflight'];
export type PreflightCounts = Preflight['counts'];
type RunCreate = components['schemas']['TrainingRunCreate'];

/** The body to check, or null when the form cannot say yet (no kind, a bad held-out share).
 * Parameters the browser already refuses are left out, so the server's defaults stand in for
 * them: the counts depend on only a few parameters (the target, the seed, pairs, measurements),
 * and a half-typed number should not hide them. */
export function preflightBody(
  kind: string | undefined,
  params: Record<string, unknown>,
  dataset: RunCreate['dataset'],
): RunCreate | null {
  if (!kind || !dataset) return null;
  const fraction = dataset.val_fraction;
  if (fraction !== undefined && !(fraction >= 0 && fraction <= 0.5)) return null;
  if (!dataset.train_splits?.length) return null;
  return { kind, params, dataset };
}

const known = (value: number | null | undefined): value is number => typeof value === 'number';

/** One line: how many items the run would learn from and how they divide, with what matters
 * for the kind (boxes, identities, pairs, keywords with word vectors). */
export function countsSummary(counts: PreflightCounts): string {
  const parts = [plural(counts.train_items, 'training item'), plural(counts.val_items, 'validation item'), plural(counts.classes, 'class', 'classes')];
  if (known(counts.boxes)) parts.push(plural(counts.boxes, 'box', 'boxes'));
  if (known(counts.labelled_items)) parts.push(plural(counts.labelled_items, 'labelled item'));
  if (known(counts.identities)) parts.push(plural(counts.identities, 'identity', 'identities'));
  if (known(counts.pairs)) parts.push(plural(counts.pairs, 'positive pair'));
  if (known(counts.keywords_with_vectors)) parts.push(`${plural(counts.keywords_with_vectors, 'keyword')} with word vectors`);
  const usable = `${plural(counts.items, 'item')} of ${counts.selected_items.toLocaleString()} selected can train`;
  const skipped = counts.skipped_multi_label ? `; ${plural(counts.skipped_multi_label, 'item')} with several values left out` : '';
  return `${usable}: ${parts.join(', ')}${skipped}.`;
}

/** Whether the latest check says the run cannot start. Unknown (not checked yet, or the check
 * itself failed) does not block: the server checks again when the run is started. */
export function blocksStart(check: Preflight | undefined): boolean {
  return check !== undefined && !check.ok;
}
