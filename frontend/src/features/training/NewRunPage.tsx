import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useProjectId } from '../../app/params';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { filtersFromParams, toItemFilter, toItemQuery } from '../../lib/itemFilters';
import { useAccess } from '../auth/api';
import { useItemTotal } from '../../lib/pagedItems';
import { useDebounced } from '../../lib/useDebounced';
import { usePreflight, useStartRun, useTrainingKinds, type Kind, type RunCreate } from './api';
import { DatasetSelection, type Selection } from './DatasetSelection';
import { blocksStart, preflightBody } from './preflight';
import { PreflightCheck } from './PreflightCheck';
import { DEFAULTS, findPreset, presetValues } from './presets';
import { SchemaFields } from './SchemaFields';
import { fieldsFromSchema, serverFieldErrors, splitFields, toParams, type FieldErrors, type FormValues } from './schemaForm';
import './training.css';

const NO_FILTERS = {};
// The pre-flight check waits for the form to rest this long, so typing does not flood the API.
const PREFLIGHT_DEBOUNCE_MS = 400;

function datasetOf(selection: Selection): RunCreate['dataset'] {
  return {
    filters: toItemFilter(selection.filters),
    train_splits: selection.trainSplits,
    val_splits: selection.valSplits,
    val_fraction: Number(selection.valFraction),
  };
}

/** Start a run: the kind, its parameters (a form drawn from the kind's JSON Schema) and the data. */
export function NewRunPage() {
  const projectId = useProjectId();
  const access = useAccess(projectId);
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const kinds = useTrainingKinds();
  const start = useStartRun(projectId);
  const [kindName, setKindName] = useState<string | null>(null);
  const [presetName, setPresetName] = useState<string>(DEFAULTS);
  const kind: Kind | undefined = kinds.data?.find((k) => k.kind === kindName) ?? kinds.data?.[0];
  const preset = findPreset(kind?.presets, presetName);
  const fields = useMemo(() => fieldsFromSchema(kind?.params_schema), [kind]);
  const { common, more } = useMemo(() => splitFields(fields), [fields]);
  const [values, setValues] = useState<FormValues>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  const [selection, setSelection] = useState<Selection>(() => ({
    filters: filtersFromParams(params),
    trainSplits: ['train', 'none'],
    valSplits: ['val'],
    valFraction: '0.2',
  }));
  const query = useMemo(() => toItemQuery(selection.filters), [selection.filters]);
  const matching = useItemTotal(projectId, query);
  const sample = useItemTotal(projectId, NO_FILTERS);

  // The kind's defaults, under the chosen preset, whenever another kind or preset is picked.
  useEffect(() => {
    setValues(presetValues(fields, preset));
    setErrors({});
  }, [fields, preset]);

  // What the run would learn from, checked live as the kind, the settings or the data change.
  const body = useMemo(() => {
    const checked = preflightBody(kind?.kind, toParams(fields, values).params, datasetOf(selection));
    return checked && preset ? { ...checked, preset: preset.name } : checked;
  }, [kind, preset, fields, values, selection]);
  const preflight = usePreflight(projectId, useDebounced(body, PREFLIGHT_DEBOUNCE_MS));
  const blocked = blocksStart(preflight.data);

  const change = (name: string, value: string | boolean) => {
    setValues((v) => ({ ...v, [name]: value }));
    setErrors(({ [name]: _gone, ...rest }) => rest);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!kind) return;
    const built = toParams(fields, values);
    const fraction = Number(selection.valFraction);
    const problems: FieldErrors = { ...built.errors };
    if (!(fraction >= 0 && fraction <= 0.5)) problems['dataset.val_fraction'] = 'Between 0 and 0.5.';
    if (!selection.trainSplits.length) problems['dataset.train_splits'] = 'Pick at least one split to train on.';
    setErrors(problems);
    if (Object.keys(problems).length) return;
    start.mutate(
      // The form holds the preset's values already; naming it records it in the run's log.
      { kind: kind.kind, preset: preset?.name ?? null, params: built.params, dataset: datasetOf(selection) },
      {
        onSuccess: (run) => navigate(`/projects/${projectId}/training/${run.id}`),
        onError: (error) => setErrors(serverFieldErrors(error)),
      },
    );
  };

  if (!access.can('train')) {
    return (
      <div className="page training-page">
        <ErrorMessage error="Starting training runs needs the trainer role on this project." />
      </div>
    );
  }
  const invalid = Object.keys(errors).length;
  return (
    <div className="page training-page">
      <p>
        <Link to={`/projects/${projectId}/training`}>← Training runs</Link>
      </p>
      <h2>New training run</h2>
      {kinds.isPending ? (
        <Loading label="Loading the model kinds…" />
      ) : kinds.isError ? (
        <ErrorMessage title="Could not load the model kinds" error={kinds.error} onRetry={() => kinds.refetch()} />
      ) : !kind ? (
        <ErrorMessage error="This server offers no model kinds to train." />
      ) : (
        <form className="new-run" onSubmit={onSubmit} noValidate aria-label="New training run">
          <fieldset className="field-group">
            <legend>Model kind</legend>
            {(kinds.data ?? []).map((k) => (
              <label key={k.kind} className="radio kind-choice">
                <input type="radio" name="kind" value={k.kind} checked={k.kind === kind.kind} onChange={() => setKindName(k.kind)} />
                <span>
                  <strong>{k.title}</strong>
                  <span className="small muted"> {k.description}</span>
                </span>
              </label>
            ))}
          </fieldset>
          <fieldset className="field-group">
            <legend>Preset</legend>
            {[null, ...kind.presets].map((p) => (
              <label key={p?.name ?? DEFAULTS} className="radio preset-choice">
                <input
                  type="radio"
                  name="preset"
                  value={p?.name ?? DEFAULTS}
                  checked={(preset?.name ?? DEFAULTS) === (p?.name ?? DEFAULTS)}
                  onChange={() => setPresetName(p?.name ?? DEFAULTS)}
                  disabled={start.isPending}
                />
                <span>
                  <strong>{p ? p.name.charAt(0).toUpperCase() + p.name.slice(1) : 'Defaults'}</strong>
                  <span className="small muted"> {p ? p.description : 'The kind’s own defaults: a pretrained backbone, sized for a few hundred images on a CPU.'}</span>
                </span>
              </label>
            ))}
            <p className="small muted">A preset fills the settings below; what you change there is what the run uses.</p>
          </fieldset>
          <fieldset className="field-group">
            <legend>Settings</legend>
            <SchemaFields fields={common} values={values} errors={errors} onChange={change} disabled={start.isPending} />
            {more.length ? (
              <details className="more-settings" open={more.some((f) => errors[f.name])}>
                <summary>More settings ({more.length})</summary>
                <SchemaFields fields={more} values={values} errors={errors} onChange={change} disabled={start.isPending} />
              </details>
            ) : null}
          </fieldset>
          <DatasetSelection
            projectId={projectId}
            value={selection}
            onChange={setSelection}
            matching={matching.data?.total ?? null}
            sampleItems={sample.data?.items ?? []}
            errors={errors}
          />
          <PreflightCheck check={preflight.data} checking={preflight.isFetching} failed={preflight.isError} />
          {start.isError ? <ErrorMessage title="The run was not started" error={start.error} /> : null}
          {invalid && !start.isError ? (
            <p className="field-error" role="alert">
              Some settings need fixing: see the fields marked in red.
            </p>
          ) : null}
          <div className="actions">
            <Link className="button" to={`/projects/${projectId}/training`}>
              Cancel
            </Link>
            <button type="submit" className="button primary" disabled={start.isPending || blocked} title={blocked ? 'The selection cannot train this kind yet: see the pre-flight check' : undefined}>
              {start.isPending ? 'Starting…' : 'Start training'}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
