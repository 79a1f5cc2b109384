import { describe, expect, it } from 'vitest';
import { apiErrorFrom } from '../../lib/errors';
import { fieldValue, fieldsFromSchema, initialValues, serverFieldErrors, splitFields, toParams } from './schemaForm';

// Trimmed from GET /training/kinds (pydantic's JSON Schema of the embedding kind's params).
const schema = {
  title: 'embedding parameters',
  type: 'object',
  additionalProperties: false,
  properties: {
    epochs: { default: 10, minimum: 1, maximum: 1000, title: 'Epochs', type: 'integer', description: 'Passes over the training items.' },
    lr: { default: 0.001, exclusiveMinimum: 0, maximum: 10, title: 'Lr', type: 'number' },
    device: { default: 'auto', pattern: '^(auto|cpu|mps|cuda(:\\d+)?)$', title: 'Device', type: 'string' },
    amp: { default: 'auto', enum: ['auto', 'on', 'off'], title: 'Amp', type: 'string' },
    grad_clip_norm: { anyOf: [{ exclusiveMinimum: 0, type: 'number' }, { type: 'null' }], default: null, title: 'Grad Clip Norm' },
    pin_memory: { default: true, type: 'boolean' },
    base_model: { default: 'tiny-cnn', maxLength: 300, title: 'Base Model', type: 'string', examples: ['tiny-cnn', 'torchvision:mobilenet_v2@IMAGENET1K_V1'] },
    mode: { $ref: '#/$defs/Mode', default: 'fast' },
    tags: { type: 'array', items: { type: 'string' }, default: [] },
    boxes: { type: 'array', items: { type: 'object' }, default: [] },
  },
  $defs: { Mode: { enum: ['fast', 'slow'], title: 'Mode', type: 'string' } },
};

describe('a form from a JSON Schema', () => {
  const fields = fieldsFromSchema(schema);

  it('reads each editable property with its kind, limits and default', () => {
    expect(fields.map((f) => [f.name, f.kind])).toEqual([
      ['epochs', 'integer'],
      ['lr', 'number'],
      ['device', 'string'],
      ['amp', 'enum'],
      ['grad_clip_norm', 'number'],
      ['pin_memory', 'boolean'],
      ['base_model', 'string'],
      ['mode', 'enum'],
      ['tags', 'list'],
    ]);
    const epochs = fields[0];
    expect(epochs).toMatchObject({ title: 'Epochs', minimum: 1, maximum: 1000, default: 10, description: 'Passes over the training items.' });
    expect(fields.find((f) => f.name === 'grad_clip_norm')).toMatchObject({ nullable: true, exclusiveMinimum: 0, title: 'Grad Clip Norm' });
    expect(fields.find((f) => f.name === 'amp')?.options).toEqual(['auto', 'on', 'off']);
    expect(fields.find((f) => f.name === 'mode')?.options).toEqual(['fast', 'slow']);
    expect(fields.find((f) => f.name === 'pin_memory')?.title).toBe('Pin memory');
    expect(fieldsFromSchema(null)).toEqual([]);
  });

  it('fills in the defaults and sends them back typed', () => {
    const values = initialValues(fields);
    expect(values).toMatchObject({ epochs: '10', lr: '0.001', grad_clip_norm: '', pin_memory: true, amp: 'auto', tags: '' });
    expect(toParams(fields, values)).toEqual({
      params: { epochs: 10, lr: 0.001, device: 'auto', amp: 'auto', grad_clip_norm: null, pin_memory: true, base_model: 'tiny-cnn', mode: 'fast', tags: [] },
      errors: {},
    });
  });

  it('checks values as the server will', () => {
    const [epochs, lr, device] = fields;
    if (!epochs || !lr || !device) throw new Error('fields missing');
    expect(fieldValue(epochs, '2.5').error).toBe('Enter a whole number.');
    expect(fieldValue(epochs, '0').error).toBe('At least 1.');
    expect(fieldValue(epochs, '').error).toBe('Required.');
    expect(fieldValue(lr, '0').error).toBe('More than 0.');
    expect(fieldValue(lr, 'abc').error).toBe('Enter a number.');
    expect(fieldValue(device, 'gpu').error).toMatch(/expected form/);
    expect(fieldValue(device, 'cuda:1').value).toBe('cuda:1');
    const { errors } = toParams(fields, { ...initialValues(fields), epochs: '-1', amp: 'maybe' });
    expect(errors).toEqual({ epochs: 'At least 1.', amp: 'One of auto, on, off.' });
  });

  it('puts the server’s field errors beside their fields', () => {
    const error = apiErrorFrom(422, {
      error: {
        code: 'invalid_input',
        message: 'invalid embedding parameters',
        detail: {
          fields: [
            { loc: ['params', 'epochs'], message: 'Input should be greater than or equal to 1' },
            { loc: ['body', 'dataset', 'val_fraction'], message: 'Input should be less than or equal to 0.5' },
          ],
        },
      },
    });
    expect(serverFieldErrors(error)).toEqual({
      epochs: 'Input should be greater than or equal to 1',
      'dataset.val_fraction': 'Input should be less than or equal to 0.5',
    });
    const empty = apiErrorFrom(422, { error: { code: 'invalid_input', message: 'no items', detail: { field: 'dataset' } } });
    expect(serverFieldErrors(empty)).toEqual({ dataset: 'no items' });
    expect(serverFieldErrors(new Error('x'))).toEqual({});
  });

  it('puts the usual settings first', () => {
    const { common, more } = splitFields(fields);
    expect(common.map((f) => f.name)).toEqual(['base_model', 'epochs', 'lr', 'device']);
    expect(more.map((f) => f.name)).toEqual(['amp', 'grad_clip_norm', 'pin_memory', 'mode', 'tags']);
  });
});

describe('list fields (a classifier’s measurement_keys, a detector’s sizes)', () => {
  // As pydantic writes list[str] = Field(default_factory=list, max_length=64, examples=[[], [...]]).
  const listSchema = {
    type: 'object',
    properties: {
      measurement_keys: {
        type: 'array',
        items: { type: 'string' },
        maxItems: 3,
        title: 'Measurement Keys',
        examples: [[], ['temperature_c', 'humidity_pct']],
      },
      anchor_sizes: { type: 'array', items: { type: 'integer' }, default: [16, 32], minItems: 1 },
      ratios: { anyOf: [{ type: 'array', items: { type: 'number' } }, { type: 'null' }], default: null },
      splits: { type: 'array', items: { enum: ['train', 'val'], type: 'string' }, default: ['train'] },
    },
  };
  const fields = fieldsFromSchema(listSchema);
  const field = (name: string) => {
    const f = fields.find((x) => x.name === name);
    if (!f) throw new Error(`no field ${name}`);
    return f;
  };

  it('reads lists of strings, numbers and allowed values, with their examples as typed text', () => {
    expect(fields.map((f) => [f.name, f.kind, f.itemKind])).toEqual([
      ['measurement_keys', 'list', 'string'],
      ['anchor_sizes', 'list', 'integer'],
      ['ratios', 'list', 'number'],
      ['splits', 'list', 'string'],
    ]);
    expect(field('measurement_keys')).toMatchObject({ maxItems: 3, examples: ['temperature_c, humidity_pct'] });
    expect(field('splits').options).toEqual(['train', 'val']);
    expect(initialValues(fields)).toEqual({ measurement_keys: '', anchor_sizes: '16, 32', ratios: '', splits: 'train' });
  });

  it('sends the typed values as a list, each once, checked as the server will', () => {
    expect(fieldValue(field('measurement_keys'), ' temperature_c,humidity_pct , ,temperature_c').value).toEqual(['temperature_c', 'humidity_pct']);
    expect(fieldValue(field('measurement_keys'), '').value).toEqual([]);
    expect(fieldValue(field('measurement_keys'), 'a, b, c, d').error).toBe('At most 3 values.');
    expect(fieldValue(field('anchor_sizes'), '8, 16').value).toEqual([8, 16]);
    expect(fieldValue(field('anchor_sizes'), '8, 1.5').error).toBe('“1.5” is not a whole number.');
    expect(fieldValue(field('anchor_sizes'), '').error).toBe('At least 1 value, with commas between them.');
    expect(fieldValue(field('ratios'), '').value).toBeNull();
    expect(fieldValue(field('ratios'), '0.5, 2').value).toEqual([0.5, 2]);
    expect(fieldValue(field('splits'), 'train, test').error).toBe('“test” is not one of train, val.');
  });
});
