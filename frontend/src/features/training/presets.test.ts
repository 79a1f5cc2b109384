import { describe, expect, it } from 'vitest';
import { findPreset, presetValues } from './presets';
import { fieldsFromSchema } from './schemaForm';

const schema = {
  type: 'object',
  properties: {
    epochs: { default: 6, minimum: 1, title: 'Epochs', type: 'integer' },
    image_size: { default: 160, minimum: 16, title: 'Image Size', type: 'integer' },
    base_model: { default: 'torchvision:mobilenet_v2@IMAGENET1K_V1', title: 'Base Model', type: 'string' },
    early_stopping_patience: { default: 0, minimum: 0, title: 'Early Stopping Patience', type: 'integer' },
    amp: { default: true, type: 'boolean' },
    keys: { type: 'array', items: { type: 'string' }, default: [] },
  },
};
const presets = [
  { name: 'fast', description: 'quick', params: { image_size: 128, epochs: 3 } },
  { name: 'accurate', description: 'slow', params: { image_size: 224, epochs: 15, early_stopping_patience: 4, amp: false, keys: ['a', 'b'], unknown: 1 } },
];

describe('presets fill the form', () => {
  const fields = fieldsFromSchema(schema);

  it('shows the defaults without a preset', () => {
    expect(presetValues(fields, null)).toEqual({
      epochs: '6',
      image_size: '160',
      base_model: 'torchvision:mobilenet_v2@IMAGENET1K_V1',
      early_stopping_patience: '0',
      amp: true,
      keys: '',
    });
  });

  it('puts what a preset sets over the defaults, as the inputs show values', () => {
    const fast = presetValues(fields, findPreset(presets, 'fast'));
    expect([fast.epochs, fast.image_size, fast.base_model]).toEqual(['3', '128', 'torchvision:mobilenet_v2@IMAGENET1K_V1']);
    const accurate = presetValues(fields, findPreset(presets, 'accurate'));
    expect(accurate).toMatchObject({ epochs: '15', image_size: '224', early_stopping_patience: '4', amp: false, keys: 'a, b' });
    expect(accurate).not.toHaveProperty('unknown'); // a parameter the form does not show
  });

  it('finds presets by name; the defaults and unknown names are none', () => {
    expect(findPreset(presets, 'accurate')?.description).toBe('slow');
    expect(findPreset(presets, 'defaults')).toBeNull();
    expect(findPreset(undefined, 'fast')).toBeNull();
  });
});
