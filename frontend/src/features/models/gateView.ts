// The deploy gate for people: what the comparison before a deploy found, in words and rows, and
// what the dialog's confirm button does (a worse version is deployed only by forcing it).
import type { DeployGate } from './api';

export interface GateRow {
  metric: string;
  candidate: string;
  deployed: string;
  /** Which side scores higher on this metric (higher is better for every gate metric). */
  better: 'candidate' | 'deployed' | 'tie';
}

export interface GateView {
  /** One sentence: how the version compares, or why there is nothing to compare. */
  headline: string;
  rows: GateRow[];
  /** What both sides were scored on, e.g. "8 held-out val items"; empty when skipped. */
  scoredOn: string;
  worse: boolean;
  /** Send force: true with the deploy (the version scores worse than what it replaces). */
  force: boolean;
  confirmLabel: string;
}

/** Scores in [0, 1] with three decimals, so close values stay apart. */
export function formatScore(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : String(value);
}

const SKIP_PREFIX = 'gate skipped: ';

/** The server's reason for skipping, as a sentence. */
export function skipReason(reason: string): string {
  const text = reason.startsWith(SKIP_PREFIX) ? reason.slice(SKIP_PREFIX.length) : reason;
  return text ? `${text.charAt(0).toUpperCase()}${text.slice(1)}.` : '';
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function scoredOn(gate: Pick<DeployGate, 'held_out_items' | 'split' | 'gallery_items' | 'capped'>): string {
  const split = gate.split ? `${gate.split} ` : '';
  let text = `${plural(gate.held_out_items, `held-out ${split}item`)}`;
  if (gate.gallery_items !== null && gate.gallery_items !== undefined) text += `, searched among ${plural(gate.gallery_items, 'training item')}`;
  if (gate.capped) text += ' (an evenly spread sample: the split is larger than the cap)';
  return text;
}

/** The comparison a deploy dialog shows for `title` (e.g. "v3 classifier"). */
export function gateView(gate: DeployGate, title: string): GateView {
  if (gate.outcome === 'skipped') {
    return {
      headline: `${skipReason(gate.reason)} Deploying replaces what the ${gate.slot} slot serves without a comparison.`,
      rows: [],
      scoredOn: '',
      worse: false,
      force: false,
      confirmLabel: 'Deploy',
    };
  }
  const worse = gate.outcome === 'worse' || gate.outcome === 'forced';
  const figures = gate.figures ?? [];
  const primary = figures[0]?.label ?? gate.metric ?? 'the primary metric';
  const other = gate.compared_with ?? 'the deployed model';
  const rows = figures.map((f) => ({
    metric: f.label,
    candidate: formatScore(f.candidate),
    deployed: formatScore(f.deployed),
    better: f.candidate > f.deployed ? 'candidate' : f.candidate < f.deployed ? 'deployed' : 'tie',
  })) satisfies GateRow[];
  return {
    headline: worse
      ? `${title} scores worse than ${other} on ${primary}: deploying it replaces a better model.`
      : `${title} scores at least as well as ${other} on ${primary}.`,
    rows,
    scoredOn: scoredOn(gate),
    worse,
    force: worse,
    confirmLabel: worse ? 'Force deploy (replace the better model)' : 'Deploy',
  };
}

/** The status line after a deploy, from the gate the response carries. */
export function deployedWords(title: string, gate: DeployGate | null | undefined): string {
  if (!gate) return `${title} deployed.`;
  if (gate.outcome === 'forced') return `${title} deployed (forced over a better-scoring model).`;
  if (gate.outcome === 'skipped') return `${title} deployed; no comparison was made.`;
  return `${title} deployed: it scores at least as well as what it replaced.`;
}
