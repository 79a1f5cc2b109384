import { useMemo } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useItemId, useProjectId } from '../../app/params';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { filtersFromParams } from '../../lib/itemFilters';
import { useAccess } from '../auth/api';
import { useItem, useLabels } from '../../lib/itemApi';
import { datasetHref, itemHref } from '../../lib/itemLinks';
import { similarHref } from '../../lib/searchRequest';
import { AnnotationEditor } from './AnnotationEditor';
import { useNeighbours } from './api';
import './annotation.css';

function parseIndex(raw: string | null): number | null {
  const n = Number(raw);
  return raw !== null && Number.isInteger(n) && n >= 0 ? n : null;
}

export function ItemPage() {
  const projectId = useProjectId();
  const itemId = useItemId();
  const [params] = useSearchParams();
  const filters = useMemo(() => filtersFromParams(params), [params]);
  const index = parseIndex(params.get('i'));
  const item = useItem(projectId, itemId);
  const labels = useLabels(projectId);
  const { place, total } = useNeighbours(projectId, filters, index, itemId);
  const navigate = useNavigate();
  const access = useAccess(projectId);

  if (item.isPending) return <Loading label="Loading the item…" />;
  if (item.isError) return <ErrorMessage title="Could not open the item" error={item.error} onRetry={() => item.refetch()} />;
  return (
    <AnnotationEditor
      key={item.data.id}
      projectId={projectId}
      item={item.data}
      classes={labels.data ?? []}
      place={place}
      total={total}
      backHref={datasetHref(projectId, filters)}
      onNavigate={(to) => navigate(itemHref(projectId, to.id, filters, to.index))}
      similarHref={similarHref(projectId, item.data.id, filters)}
      readOnly={!access.can('annotate')}
    />
  );
}
