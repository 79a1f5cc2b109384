// A form drawn from a JSON Schema (a training kind's `params_schema`, as pydantic writes it):
// numbers, integers, enums, booleans, strings and lists of them (typed with commas between the
// values), nullable ones (anyOf [..., null]) included,
// defaults filled in, checked in the browser as the server will check them, and the server's
// own field errors (loc ["params", name]) put back beside their fields.
import { ApiError } from '../../lib/errors';

export type FieldKind = 'integer' | 'number' | 'boolean' | 'enum' | 'string' | 'list';
/** What a list holds. */
export type ItemKind = 'integer' | 'number' | 'string';

export interface SchemaField {
  name: string;
  title: string;
  description: string;
  kind: FieldKind;
  nullable: boolean;
  required: boolean;
  default: unknown;
  options: readonly (string | number)[];
  minimum: number | null;
  maximum: number | null;
  exclusiveMinimum: number | null;
  exclusiveMaximum: number | null;
  minLength: number | null;
  maxLength: number | null;
  pattern: string | null;
  examples: readonly string[];
  /** Lists: the kind of their values (their allowed values, if any, are `options`). */
  itemKind: ItemKind | null;
  minItems: number | null;
  maxItems: number | null;
}

/** What the inputs hold: text for everything but checkboxes. */
export type FormValues = Record<string, string | boolean>;
export type FieldErrors = Record<string, string>;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const numberOr = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function resolve(node: unknown, root: Json): Json {
  if (!isObject(node)) return {};
  const ref = node.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/')) {
    let target: unknown = root;
    for (const part of ref.slice(2).split('/')) target = isObject(target) ? target[part] : undefined;
    return { ...resolve(target, root), ...Object.fromEntries(Object.entries(node).filter(([k]) => k !== '$ref')) };
  }
  return node;
}

function titleFrom(name: string): string {
  const words = name.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The fields of an object schema, in its order. Properties of kinds a form cannot edit (objects,
 * lists of objects) are left out: the server fills their defaults. */
export function fieldsFromSchema(schema: unknown): SchemaField[] {
  if (!isObject(schema) || !isObject(schema.properties)) return [];
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  const fields: SchemaField[] = [];
  for (const [name, raw] of Object.entries(schema.properties)) {
    const outer = resolve(raw, schema);
    let prop = outer;
    let nullable = false;
    const union = Array.isArray(outer.anyOf) ? outer.anyOf : Array.isArray(outer.oneOf) ? outer.oneOf : null;
    if (union) {
      const branches = union.map((b) => resolve(b, schema));
      nullable = branches.some((b) => b.type === 'null');
      const rest = branches.filter((b) => b.type !== 'null');
      if (rest.length !== 1) continue;
      prop = { ...rest[0], ...Object.fromEntries(Object.entries(outer).filter(([k]) => k !== 'anyOf' && k !== 'oneOf')) };
    }
    if (Array.isArray(prop.type)) {
      nullable = nullable || prop.type.includes('null');
      const types = prop.type.filter((t) => t !== 'null');
      if (types.length !== 1) continue;
      prop = { ...prop, type: types[0] };
    }
    let kind: FieldKind | null = null;
    let options: (string | number)[] = [];
    let itemKind: ItemKind | null = null;
    let examples: string[] = Array.isArray(prop.examples) ? prop.examples.filter((e): e is string => typeof e === 'string') : [];
    if (prop.type === 'array') {
      const items = resolve(prop.items, schema);
      if (Array.isArray(items.enum)) {
        options = items.enum.filter((v): v is string | number => typeof v === 'string' || typeof v === 'number');
        itemKind = options.every((o) => typeof o === 'number') ? 'number' : 'string';
      } else if (items.type === 'string' || items.type === 'integer' || items.type === 'number') {
        itemKind = items.type;
      }
      if (itemKind) kind = 'list';
      // Examples of a list are lists: shown as the text that would type them.
      examples = (Array.isArray(prop.examples) ? prop.examples : [])
        .filter((e): e is unknown[] => Array.isArray(e) && e.length > 0)
        .map((e) => e.map(String).join(', '));
    } else if (Array.isArray(prop.enum)) {
      options = prop.enum.filter((v): v is string | number => typeof v === 'string' || typeof v === 'number');
      kind = 'enum';
    } else if ('const' in prop && (typeof prop.const === 'string' || typeof prop.const === 'number')) {
      options = [prop.const];
      kind = 'enum';
    } else if (prop.type === 'integer' || prop.type === 'number' || prop.type === 'boolean' || prop.type === 'string') {
      kind = prop.type;
    }
    if (!kind) continue;
    fields.push({
      name,
      title: typeof prop.title === 'string' ? prop.title : titleFrom(name),
      description: typeof prop.description === 'string' ? prop.description : '',
      kind,
      nullable,
      required: required.has(name) && !('default' in prop),
      default: prop.default,
      options,
      minimum: numberOr(prop.minimum),
      maximum: numberOr(prop.maximum),
      exclusiveMinimum: numberOr(prop.exclusiveMinimum),
      exclusiveMaximum: numberOr(prop.exclusiveMaximum),
      minLength: numberOr(prop.minLength),
      maxLength: numberOr(prop.maxLength),
      pattern: typeof prop.pattern === 'string' ? prop.pattern : null,
      examples,
      itemKind,
      minItems: numberOr(prop.minItems),
      maxItems: numberOr(prop.maxItems),
    });
  }
  return fields;
}

/** A JSON value of a field as its input shows it. */
export function formValue(field: SchemaField, value: unknown): string | boolean {
  if (field.kind === 'boolean') return value === true;
  if (field.kind === 'list') return Array.isArray(value) ? value.map(String).join(', ') : '';
  return value === null || value === undefined ? '' : String(value);
}

/** The defaults, as the inputs show them. */
export function initialValues(fields: readonly SchemaField[]): FormValues {
  const values: FormValues = {};
  for (const f of fields) values[f.name] = formValue(f, f.default);
  return values;
}

function parseNumber(field: SchemaField, raw: string): { value?: number; error?: string } {
  const text = raw.trim();
  const value = Number(text);
  if (!text || !Number.isFinite(value)) return { error: 'Enter a number.' };
  if (field.kind === 'integer' && !Number.isInteger(value)) return { error: 'Enter a whole number.' };
  if (field.minimum !== null && value < field.minimum) return { error: `At least ${field.minimum}.` };
  if (field.maximum !== null && value > field.maximum) return { error: `At most ${field.maximum}.` };
  if (field.exclusiveMinimum !== null && value <= field.exclusiveMinimum) return { error: `More than ${field.exclusiveMinimum}.` };
  if (field.exclusiveMaximum !== null && value >= field.exclusiveMaximum) return { error: `Less than ${field.exclusiveMaximum}.` };
  return { value };
}

/** A list typed as "a, b, c": its values, typed, or what is wrong with them. */
function parseList(field: SchemaField, text: string): { value?: unknown; error?: string } {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  if (!parts.length && field.nullable && field.default === null) return { value: null };
  if (field.minItems !== null && parts.length < field.minItems) return { error: `At least ${field.minItems} value${field.minItems === 1 ? '' : 's'}, with commas between them.` };
  if (field.maxItems !== null && parts.length > field.maxItems) return { error: `At most ${field.maxItems} values.` };
  const values: (string | number)[] = [];
  for (const part of parts) {
    let value: string | number = part;
    if (field.itemKind === 'integer' || field.itemKind === 'number') {
      value = Number(part);
      if (!Number.isFinite(value) || (field.itemKind === 'integer' && !Number.isInteger(value))) {
        return { error: `“${part}” is not a ${field.itemKind === 'integer' ? 'whole number' : 'number'}.` };
      }
    }
    if (field.options.length && !field.options.some((o) => String(o) === part)) return { error: `“${part}” is not one of ${field.options.join(', ')}.` };
    if (!values.includes(value)) values.push(value);
  }
  return { value: values };
}

/** One field's value for the API, or the reason it cannot be sent. */
export function fieldValue(field: SchemaField, raw: string | boolean | undefined): { value?: unknown; error?: string } {
  if (field.kind === 'boolean') return { value: raw === true };
  const text = typeof raw === 'string' ? raw : '';
  if (field.kind === 'list') return parseList(field, text);
  if (!text.trim()) {
    if (field.nullable) return { value: null };
    if (field.kind === 'string' && !field.required && field.minLength === null) return { value: text };
    return { error: 'Required.' };
  }
  if (field.kind === 'integer' || field.kind === 'number') return parseNumber(field, text);
  if (field.kind === 'enum') {
    const match = field.options.find((o) => String(o) === text);
    return match === undefined ? { error: `One of ${field.options.join(', ')}.` } : { value: match };
  }
  if (field.minLength !== null && text.length < field.minLength) return { error: `At least ${field.minLength} characters.` };
  if (field.maxLength !== null && text.length > field.maxLength) return { error: `At most ${field.maxLength} characters.` };
  if (field.pattern !== null) {
    try {
      if (!new RegExp(field.pattern, 'u').test(text)) return { error: `Does not match the expected form (${field.pattern}).` };
    } catch {
      /* a pattern JavaScript cannot read: the server checks it */
    }
  }
  return { value: text };
}

/** The params object to send, or the problems per field. */
export function toParams(fields: readonly SchemaField[], values: FormValues): { params: Record<string, unknown>; errors: FieldErrors } {
  const params: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  for (const f of fields) {
    const { value, error } = fieldValue(f, values[f.name]);
    if (error) errors[f.name] = error;
    else params[f.name] = value;
  }
  return { params, errors };
}

/** The server's field problems under `params`, by field name; the rest by their dotted path
 * (`dataset.val_fraction`, `dataset`, `kind`). */
export function serverFieldErrors(error: unknown): FieldErrors {
  if (!(error instanceof ApiError)) return {};
  const out: FieldErrors = {};
  for (const f of error.fields) {
    const loc = f.loc[0] === 'body' ? f.loc.slice(1) : f.loc;
    const key = loc[0] === 'params' && loc[1] ? loc[1] : loc.join('.');
    if (key && !out[key]) out[key] = f.message;
  }
  const detail = error.detail;
  if (typeof detail === 'object' && detail !== null && 'field' in detail && typeof detail.field === 'string') {
    out[detail.field] ??= error.message;
  }
  return out;
}

/** Fields most runs change, shown first; the rest fold away under "More settings". */
export const COMMON_FIELDS = ['base_model', 'model', 'epochs', 'batch_size', 'image_size', 'lr', 'target', 'embedding_dim', 'device'];

export function splitFields(fields: readonly SchemaField[]): { common: SchemaField[]; more: SchemaField[] } {
  const common = fields.filter((f) => COMMON_FIELDS.includes(f.name) || f.required);
  common.sort((a, b) => COMMON_FIELDS.indexOf(a.name) - COMMON_FIELDS.indexOf(b.name));
  return { common, more: fields.filter((f) => !common.includes(f)) };
}
