import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { useProjectId } from '../../../app/params';
import { filtersFromParams } from '../../../lib/itemFilters';
import { useAccess } from '../../auth/api';
import { ExportForm } from './ExportForm';
import { ImportForm } from './ImportForm';
import '../../../styles/dataset.css';

export function ImportExportPage() {
  const projectId = useProjectId();
  const [params] = useSearchParams();
  const filters = useMemo(() => filtersFromParams(params), [params]);
  const access = useAccess(projectId);
  return (
    <div className="page transfer-page">
      <h2 className="visually-hidden">Import and export</h2>
      <div className="transfer-layout">
        {access.can('import') ? (
          <ImportForm projectId={projectId} />
        ) : (
          <section className="card">
            <h2>Import</h2>
            <p className="muted">Importing needs the annotator role on this project.</p>
          </section>
        )}
        <ExportForm projectId={projectId} filters={filters} />
      </div>
    </div>
  );
}
