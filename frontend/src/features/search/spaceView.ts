// Reading embedding spaces for people: status in words, build progress, and what they can search.
import { formatEta } from '../../lib/jobView';
import type { Space } from './api';

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

export interface SpaceProgress {
  fraction: number | null;
  words: string;
}

/** The build progress of a space whose job is running (null when none is). */
export function spaceProgress(space: Pick<Space, 'status' | 'progress'>): SpaceProgress | null {
  const p = space.progress;
  if (!p) return space.status === 'queued' ? { fraction: null, words: 'waiting for a worker' } : null;
  const done = num(p.done);
  const total = num(p.total);
  const eta = formatEta(num(p.eta_s));
  const message = typeof p.message === 'string' ? p.message : space.status;
  const counts = done !== null && total ? ` ${done.toLocaleString()} of ${total.toLocaleString()}` : '';
  return {
    fraction: total ? num(p.fraction) : null,
    words: [`${message}${counts}`, eta].filter(Boolean).join(', '),
  };
}

export function spaceStatusWords(space: Pick<Space, 'status' | 'error' | 'active' | 'activation_pending'>): string {
  if (space.status === 'failed') return `failed${space.error ? `: ${space.error}` : ''}`;
  if (space.status === 'ready') return space.active ? 'ready, active' : 'ready';
  return `${space.status}${space.activation_pending ? ' (becomes active when ready)' : ''}`;
}

/** Whether the space's model can embed text. The API does not say (yet); CLIP models, which
 * open_clip builds, have a text tower and torchvision CNNs do not. */
export function hasTextTower(space: Pick<Space, 'backbone'>): boolean {
  return space.backbone === 'open_clip';
}

export function spaceLabel(space: Pick<Space, 'name' | 'dimension' | 'item_count'>): string {
  const dim = space.dimension ? `, ${space.dimension}-d` : '';
  return `${space.name} (${space.item_count.toLocaleString()} items${dim})`;
}
