// A kind's named presets (GET /training/kinds `presets`) as a choice of starting values for the
// form: "defaults" is the schema's own defaults, a preset sets some parameters over them.
import { formValue, initialValues, type FormValues, type SchemaField } from './schemaForm';

export interface PresetLike {
  name: string;
  description: string;
  params: Record<string, unknown>;
}

/** The implicit choice: no preset, the schema's defaults. */
export const DEFAULTS = 'defaults';

/** The form's values for a preset: the defaults, with each parameter the preset sets (and the
 * form shows) in its place. `null`: the defaults alone. */
export function presetValues(fields: readonly SchemaField[], preset: PresetLike | null): FormValues {
  const values = initialValues(fields);
  if (!preset) return values;
  for (const field of fields) {
    if (Object.hasOwn(preset.params, field.name)) values[field.name] = formValue(field, preset.params[field.name]);
  }
  return values;
}

/** The preset of that name, or null for the defaults and for a name the kind has not got. */
export function findPreset<P extends PresetLike>(presets: readonly P[] | undefined, name: string): P | null {
  return presets?.find((p) => p.name === name) ?? null;
}

