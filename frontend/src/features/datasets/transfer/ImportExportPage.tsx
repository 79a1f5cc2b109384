import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { useProjectId } from '../../../app/params';
import { filtersFromParams } from '../../../lib/itemFilters';
import { ExportForm } from './ExportForm';
import { ImportForm } from './ImportForm';
import '../dataset.css';

export function ImportExportPage() {
  const projectId = useProjectId();
  const [params] = useSearchParams();
  const filters = useMemo(() => filtersFromParams(params), [params]);
  return (
    <div className="page transfer-page">
      <h2 className="visually-hidden">Import and export</h2>
      <div className="transfer-layout">
        <ImportForm projectId={projectId} />
        <ExportForm projectId={projectId} filters={filters} />
      </div>
    </div>
  );
}
