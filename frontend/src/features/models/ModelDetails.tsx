import { formatMetric } from '../training/runEvents';
import type { ModelVersion } from './api';
import { confusionGrid, gainWords, metricGain, modelTitle, modelWarnings, perClassRows, primaryMetrics } from './modelView';

const figure = (v: number | null) => (v === null ? '—' : v.toFixed(2));

/** One version read closely: its primary metrics with their gains, warnings, per-class figures and
 * (for a classifier) the confusion matrix. */
export function ModelDetails({ model }: { model: ModelVersion }) {
  const title = modelTitle(model);
  const warnings = modelWarnings(model);
  const rows = perClassRows(model);
  const grid = confusionGrid(model);
  return (
    <section className="model-details" aria-labelledby="model-details-title">
      <h3 id="model-details-title">{title}: details</h3>
      <dl className="model-primary">
        {primaryMetrics(model).map((c) => {
          const gain = metricGain(model.metrics, c.name);
          return gain ? (
            <div key={c.name}>
              <dt>{c.label}</dt>
              <dd>{gainWords(gain)}</dd>
            </div>
          ) : null;
        })}
      </dl>
      {warnings.length ? (
        <div className="model-warnings" role="note" aria-label={`Warnings for ${title}`}>
          <strong>Warnings</strong>
          <ul>
            {warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {rows.length ? (
        <div className="table-scroll">
          <table className="data-table per-class">
            <caption>Per-class figures on the validation items</caption>
            <thead>
              <tr>
                <th scope="col">Class</th>
                <th scope="col" className="num">
                  Precision
                </th>
                <th scope="col" className="num">
                  Recall
                </th>
                <th scope="col" className="num">
                  F1
                </th>
                <th scope="col" className="num">
                  Items
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.name}>
                  <th scope="row">{r.name}</th>
                  <td className="num">{figure(r.precision)}</td>
                  <td className="num">{figure(r.recall)}</td>
                  <td className="num">{figure(r.f1)}</td>
                  <td className="num">{r.support ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {grid ? (
        <div className="table-scroll">
          <table className="data-table confusion">
            <caption>Confusion matrix: rows are the true class, columns the predicted one</caption>
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">True class</span>
                </th>
                {grid.labels.map((l) => (
                  <th key={l} scope="col" className="num">
                    {l}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {grid.labels.map((t, i) => (
                <tr key={t}>
                  <th scope="row">{t}</th>
                  {grid.labels.map((p, j) => {
                    const v = grid.counts[i]?.[j] ?? 0;
                    const shade = grid.max > 0 ? v / grid.max : 0;
                    return (
                      <td
                        key={p}
                        className={i === j ? 'num diagonal' : 'num'}
                        style={{ background: v ? `color-mix(in srgb, var(--accent, #3b6fd8) ${Math.round(shade * 45)}%, transparent)` : undefined }}
                        title={`true ${t}, predicted ${p}: ${v}`}
                      >
                        {v ? formatMetric(v) : '·'}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
