import { useEffect, useId, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useElementSize } from '../../lib/useElementSize';
import { alignSeries, formatMetric, type MetricPoint } from './runEvents';

const COLORS = ['#2f7ed8', '#e4572e', '#2a9d5b', '#9b59b6', '#c28f00', '#17a2b8', '#d63384', '#6c757d'];

interface Props {
  title: string;
  names: readonly string[];
  series: Readonly<Record<string, readonly MetricPoint[]>>;
  height?: number;
}

function countValues(column: ArrayLike<number | null | undefined> | undefined): number {
  let n = 0;
  for (let i = 0; i < (column?.length ?? 0); i += 1) if (column?.[i] !== null && column?.[i] !== undefined) n += 1;
  return n;
}

function cssVar(name: string, fallback: string): string {
  if (typeof document === 'undefined') return fallback;
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** Curves over the global step, drawn by uPlot (canvas); the caption carries the latest values
 * in words, for screen readers and for a glance. */
export function LineChart({ title, names, series, height = 220 }: Props) {
  const titleId = useId();
  const [sizeRef, size] = useElementSize<HTMLDivElement>();
  const holder = useRef<HTMLDivElement | null>(null);
  const plot = useRef<uPlot | null>(null);
  const data = useMemo(() => alignSeries(series, names), [series, names]);
  const aligned = useMemo<uPlot.AlignedData>(() => [data.x, ...data.ys], [data]);
  const latest = useRef(aligned);
  latest.current = aligned;
  const key = names.join('\n');
  const ready = size.width > 0;

  useEffect(() => {
    const el = holder.current;
    if (!el || !ready) return;
    const muted = cssVar('--muted', '#5b6675');
    const grid = cssVar('--border', '#d3d9e1');
    const axis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const u = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height,
        scales: {
          x: { time: false },
          // A flat series (a metric stuck at 0) gets a small range around it, not 0 to 100.
          y: { range: (_u, min, max) => (min === max ? [min - (Math.abs(min) || 1) * 0.1, max + (Math.abs(max) || 1) * 0.1] : uPlot.rangeNum(min, max, 0.1, true)) },
        },
        axes: [
          { ...axis, label: 'step', labelSize: 18 },
          { ...axis, size: 72, values: (_u, ticks) => ticks.map((t) => formatMetric(t)) },
        ],
        series: [
          { label: 'step' },
          ...key.split('\n').map((name, i) => ({
            label: name,
            stroke: COLORS[i % COLORS.length],
            width: 2,
            spanGaps: true,
            points: { show: (_u: uPlot, seriesIdx: number) => countValues(latest.current[seriesIdx]) < 40 },
            value: (_u: uPlot, v: number | null) => (v === null ? '—' : formatMetric(v)),
          })),
        ],
        legend: { live: true },
        cursor: { drag: { x: true, y: false } },
      },
      latest.current,
      el,
    );
    plot.current = u;
    return () => {
      u.destroy();
      plot.current = null;
    };
  }, [key, height, ready]);

  useEffect(() => {
    plot.current?.setData(aligned);
  }, [aligned]);
  useEffect(() => {
    if (plot.current && size.width > 0) plot.current.setSize({ width: Math.max(200, size.width), height });
  }, [size.width, height]);

  const points = data.ys.reduce((n, column) => n + column.filter((v) => v !== null).length, 0);
  const summary = names
    .map((name) => {
      const last = series[name]?.[series[name].length - 1];
      return last ? `${name} ${formatMetric(last.value)} at step ${last.step}` : null;
    })
    .filter(Boolean)
    .join('; ');
  return (
    <figure className="chart" aria-labelledby={titleId} data-points={points}>
      <figcaption>
        <strong id={titleId}>{title}</strong>
        <span className="small muted chart-summary">{summary ? ` — ${summary}` : ''}</span>
      </figcaption>
      <div
        className="chart-canvas"
        aria-hidden="true"
        ref={(node) => {
          holder.current = node;
          sizeRef(node);
        }}
      />
    </figure>
  );
}
