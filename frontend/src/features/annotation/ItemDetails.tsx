import type { Item } from '../../lib/api';
import { formatBytes, formatDate, formatValue } from '../../lib/format';

function Table({ title, rows }: { title: string; rows: [string, unknown][] }) {
  if (!rows.length) return null;
  return (
    <section className="panel-section" aria-label={title}>
      <h2>{title}</h2>
      <dl className="facts">
        {rows.map(([key, value]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd>{formatValue(value)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/** What came with the image: file facts, text, metadata and sensor readings. */
export function ItemDetails({ item }: { item: Item }) {
  return (
    <>
      <Table title="Sensor readings" rows={Object.entries(item.measurements)} />
      <Table title="Metadata" rows={Object.entries(item.metadata)} />
      {item.text ? (
        <section className="panel-section" aria-label="Text">
          <h2>Text</h2>
          <p className="item-text">{item.text}</p>
        </section>
      ) : null}
      <Table
        title="File"
        rows={[
          ['name', item.filename],
          ['size', `${item.width}×${item.height} px, ${formatBytes(item.size_bytes)}`],
          ['type', item.media_type],
          ['added', formatDate(item.created_at)],
        ]}
      />
    </>
  );
}
