import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { useDeployCheck, useDeployModel, type ModelVersion } from './api';
import { deployedWords, gateView } from './gateView';
import { modelTitle } from './modelView';

interface Props {
  projectId: number;
  /** The version to deploy; null keeps the dialog closed. */
  model: ModelVersion | null;
  onClose: () => void;
  onDeployed: (message: string) => void;
}

/**
 * Before a deploy: the version and what its slot serves now, scored on the same held-out items
 * (the deploy gate's check). Confirming deploys it; a worse version is deployed only by forcing.
 */
export function DeployDialog({ projectId, model, onClose, onDeployed }: Props) {
  const check = useDeployCheck(projectId, model?.id ?? null);
  const deploy = useDeployModel(projectId);
  const title = model ? modelTitle(model) : '';
  const view = check.data ? gateView(check.data, title) : null;

  const close = () => {
    deploy.reset();
    onClose();
  };
  const confirm = () => {
    if (!model) return;
    deploy.mutate(
      { modelId: model.id, force: view?.force ?? false },
      {
        onSuccess: (deployed) => {
          deploy.reset();
          onDeployed(deployedWords(title, deployed.deployment?.gate));
        },
      },
    );
  };

  return (
    <Dialog open={model !== null} title={`Deploy ${title}?`} onClose={close}>
      {check.isPending ? (
        <Loading label="Comparing with the deployed model on the held-out items…" />
      ) : check.isError ? (
        <ErrorMessage title="Could not compare with the deployed model" error={check.error} onRetry={() => check.refetch()} />
      ) : view ? (
        <section className="deploy-gate" aria-label="Deploy comparison" data-outcome={check.data.outcome}>
          <p className={view.worse ? 'deploy-gate-worse' : undefined}>{view.headline}</p>
          {view.rows.length ? (
            <table className="data-table">
              <caption className="small muted">Scored on {view.scoredOn}.</caption>
              <thead>
                <tr>
                  <th scope="col">Metric</th>
                  <th scope="col" className="num">
                    {title}
                  </th>
                  <th scope="col" className="num">
                    Deployed
                  </th>
                </tr>
              </thead>
              <tbody>
                {view.rows.map((row) => (
                  <tr key={row.metric}>
                    <th scope="row">{row.metric}</th>
                    <td className={row.better === 'candidate' ? 'num best' : 'num'}>{row.candidate}</td>
                    <td className={row.better === 'deployed' ? 'num best' : 'num'}>{row.deployed}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </section>
      ) : null}
      {deploy.isError ? <ErrorMessage title="Could not deploy the version" error={deploy.error} /> : null}
      <div className="actions">
        <button type="button" className="button" onClick={close}>
          Cancel
        </button>
        <button
          type="button"
          className={view?.force ? 'button danger' : 'button primary'}
          disabled={check.isPending || deploy.isPending}
          onClick={confirm}
        >
          {deploy.isPending ? 'Deploying…' : (view?.confirmLabel ?? 'Deploy')}
        </button>
      </div>
    </Dialog>
  );
}
