import { useId } from 'react';
import type { FieldErrors, FormValues, SchemaField } from './schemaForm';

interface Props {
  fields: readonly SchemaField[];
  values: FormValues;
  errors: FieldErrors;
  onChange: (name: string, value: string | boolean) => void;
  disabled?: boolean;
}

/** Inputs for schema fields: a number box, a select, a checkbox or a text box each, labelled with
 * the field's title, described by its description, and showing its problem when it has one. */
export function SchemaFields({ fields, values, errors, onChange, disabled }: Props) {
  return (
    <div className="schema-fields">
      {fields.map((field) => (
        <SchemaInput
          key={field.name}
          field={field}
          value={values[field.name]}
          error={errors[field.name]}
          onChange={(v) => onChange(field.name, v)}
          disabled={disabled}
        />
      ))}
    </div>
  );
}

interface InputProps {
  field: SchemaField;
  value: string | boolean | undefined;
  error: string | undefined;
  onChange: (value: string | boolean) => void;
  disabled?: boolean;
}

function limits(field: SchemaField): string {
  if (field.kind === 'list') {
    const allowed = field.options.length ? `one or more of ${field.options.join(', ')}` : 'comma-separated';
    return field.maxItems !== null ? `${allowed}, at most ${field.maxItems}` : allowed;
  }
  const low = field.minimum ?? field.exclusiveMinimum;
  const high = field.maximum ?? field.exclusiveMaximum;
  if (low === null && high === null) return '';
  const from = low === null ? '' : `${field.exclusiveMinimum !== null ? '>' : '≥'} ${low}`;
  const to = high === null ? '' : `${field.exclusiveMaximum !== null ? '<' : '≤'} ${high}`;
  return [from, to].filter(Boolean).join(', ');
}

function SchemaInput({ field, value, error, onChange, disabled }: InputProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [field.description || limits(field) ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: field.name,
    disabled,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
  } as const;
  const hint =
    field.description || limits(field) ? (
      <span id={hintId} className="field-hint">
        {field.description}
        {field.description && limits(field) ? ' ' : ''}
        {limits(field) ? `(${limits(field)})` : ''}
      </span>
    ) : null;
  const problem = error ? (
    <span id={errorId} className="field-error">
      {error}
    </span>
  ) : null;

  if (field.kind === 'boolean') {
    return (
      <div className={error ? 'field schema-field invalid' : 'field schema-field'}>
        <label className="checkbox" htmlFor={id}>
          <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(e.target.checked)} />
          {field.title}
        </label>
        {hint}
        {problem}
      </div>
    );
  }
  const text = typeof value === 'string' ? value : '';
  let input;
  if (field.kind === 'enum') {
    input = (
      <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
        {field.nullable ? <option value="">none</option> : null}
        {field.options.map((o) => (
          <option key={String(o)} value={String(o)}>
            {String(o)}
          </option>
        ))}
      </select>
    );
  } else if (field.kind === 'list') {
    input = (
      <input
        {...common}
        type="text"
        placeholder={field.examples[0] ? `e.g. ${field.examples[0]}` : 'values, with commas between them'}
        value={text}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  } else if (field.kind === 'integer' || field.kind === 'number') {
    input = (
      <input
        {...common}
        type="number"
        inputMode={field.kind === 'integer' ? 'numeric' : 'decimal'}
        step={field.kind === 'integer' ? 1 : 'any'}
        min={field.minimum ?? undefined}
        max={field.maximum ?? undefined}
        required={!field.nullable}
        placeholder={field.nullable ? 'none' : undefined}
        value={text}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  } else {
    input = (
      <>
        <input
          {...common}
          type="text"
          maxLength={field.maxLength ?? undefined}
          list={field.examples.length ? `${id}-examples` : undefined}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
        {field.examples.length ? (
          <datalist id={`${id}-examples`}>
            {field.examples.map((e) => (
              <option key={e} value={e} />
            ))}
          </datalist>
        ) : null}
      </>
    );
  }
  return (
    <div className={error ? 'field schema-field invalid' : 'field schema-field'}>
      <label htmlFor={id}>{field.title}</label>
      {input}
      {hint}
      {problem}
    </div>
  );
}
