import { describe, expect, it } from 'vitest';
import { requestedBackend } from '../../src/lib/browser/backend';

describe('requestedBackend', () => {
  it('reads ?backend=webgl|wasm|cpu from the query string', () => {
    expect(requestedBackend('?backend=webgl')).toBe('webgl');
    expect(requestedBackend('?x=1&backend=wasm')).toBe('wasm');
    expect(requestedBackend('backend=cpu')).toBe('cpu');
  });

  it('ignores a missing, empty or unknown value instead of failing', () => {
    expect(requestedBackend('')).toBeUndefined();
    expect(requestedBackend('?backend=')).toBeUndefined();
    expect(requestedBackend('?backend=WEBGL')).toBeUndefined();
    expect(requestedBackend('?backend=%3Cscript%3E')).toBeUndefined();
    expect(requestedBackend('?backend=webgpu')).toBeUndefined();
  });
});
