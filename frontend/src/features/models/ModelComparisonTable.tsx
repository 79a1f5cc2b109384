import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { formatValue } from '../../lib/format';
import { formatMetric } from '../training/runEvents';
import { useModelComparison } from './api';
import { comparedMetric, isBest, metricLabel, modelTitle } from './modelView';

/** Metrics side by side, the best of each row marked (the server knows which way is better). */
export function ModelComparisonTable({ projectId, ids }: { projectId: number; ids: readonly number[] }) {
  const comparison = useModelComparison(projectId, ids);
  return (
    <section className="comparison" aria-labelledby="comparison-title">
      <h3 id="comparison-title">Comparison</h3>
      {comparison.isPending ? (
        <Loading label="Comparing…" />
      ) : comparison.isError ? (
        <ErrorMessage title="Could not compare the versions" error={comparison.error} />
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Metric</th>
                {comparison.data.models.map((m) => (
                  <th key={m.id} scope="col" className="num">
                    {modelTitle(m)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {comparison.data.metrics.filter((row) => comparedMetric(row.name)).map((row) => (
                <tr key={row.name}>
                  <th scope="row">
                    <span title={row.name}>{metricLabel(row.name)}</span> <span className="muted small">({row.higher_is_better ? 'higher' : 'lower'} is better)</span>
                  </th>
                  {comparison.data.models.map((m) => {
                    const value = row.values[String(m.id)];
                    const best = isBest(row, m.id);
                    return (
                      <td key={m.id} className={best ? 'num best' : 'num'}>
                        {value === null || value === undefined ? '—' : formatMetric(value)}
                        {best ? <span className="visually-hidden"> (best)</span> : null}
                      </td>
                    );
                  })}
                </tr>
              ))}
              {['base_model', 'epochs', 'batch_size', 'image_size', 'lr'].map((key) => (
                <tr key={key} className="config-row">
                  <th scope="row">{key}</th>
                  {comparison.data.models.map((m) => (
                    <td key={m.id} className="num">
                      {key === 'base_model' ? m.base_model || '—' : formatValue(m.config[key] ?? (m.config.params as Record<string, unknown> | undefined)?.[key])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
