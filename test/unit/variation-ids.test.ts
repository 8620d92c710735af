import { describe, expect, it } from 'vitest';
import { uuidV5, VARIATION_NAMESPACE, variationId, variationValue } from '../../src/modules/launchdarkly/variation-ids.js';

// Expected values computed with Python's uuid module (uuid.uuid5), an independent implementation.
describe('variation ids', () => {
  it('are RFC 4122 version-5 UUIDs', () => {
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
    expect(VARIATION_NAMESPACE).toBe('3c2cdd89-a84c-5108-9386-fdf0c5820808');
    expect(variationId('beta', true)).toBe('73dde3b5-dec5-50ab-a24a-0cf67c4c2ae3');
  });

  it('tell which value they stand for on their flag only', () => {
    expect(variationValue('beta', variationId('beta', true))).toBe(true);
    expect(variationValue('beta', variationId('beta', false).toUpperCase())).toBe(false);
    expect(variationValue('gamma', variationId('beta', true))).toBeUndefined();
    expect(variationValue('beta', 'not-an-id')).toBeUndefined();
  });
});
