// @vitest-environment jsdom
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { SchemaFields } from './SchemaFields';
import { fieldsFromSchema, initialValues, type FormValues } from './schemaForm';

const fields = fieldsFromSchema({
  type: 'object',
  properties: {
    epochs: { type: 'integer', default: 10, minimum: 1, title: 'Epochs', description: 'Passes over the training items.' },
    amp: { type: 'string', enum: ['auto', 'on', 'off'], default: 'auto', title: 'Amp' },
    shuffle: { type: 'boolean', default: true, title: 'Shuffle' },
  },
});

function Harness({ errors = {} }: { errors?: Record<string, string> }) {
  const [values, setValues] = useState<FormValues>(initialValues(fields));
  return (
    <>
      <SchemaFields fields={fields} values={values} errors={errors} onChange={(name, v) => setValues((s) => ({ ...s, [name]: v }))} />
      <output>{JSON.stringify(values)}</output>
    </>
  );
}

describe('SchemaFields', () => {
  it('draws a labelled input per field, with defaults and descriptions', async () => {
    render(<Harness />);
    const epochs = screen.getByRole('spinbutton', { name: 'Epochs' });
    expect(epochs).toHaveValue(10);
    expect(epochs).toHaveAccessibleDescription('Passes over the training items. (≥ 1)');
    expect(screen.getByRole('combobox', { name: 'Amp' })).toHaveValue('auto');
    expect(screen.getByRole('checkbox', { name: 'Shuffle' })).toBeChecked();
    const user = userEvent.setup();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Amp' }), 'off');
    await user.click(screen.getByRole('checkbox', { name: 'Shuffle' }));
    expect(screen.getByRole('status')).toHaveTextContent('"amp":"off"');
    expect(screen.getByRole('status')).toHaveTextContent('"shuffle":false');
  });

  it('shows a field’s problem beside it and marks it invalid', () => {
    render(<Harness errors={{ epochs: 'At least 1.' }} />);
    const epochs = screen.getByRole('spinbutton', { name: 'Epochs' });
    expect(epochs).toHaveAttribute('aria-invalid', 'true');
    expect(epochs).toHaveAccessibleDescription('Passes over the training items. (≥ 1) At least 1.');
  });
});
