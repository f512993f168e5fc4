import { describe, expect, it } from 'vitest';
import { button, KEY_CANCEL, KEY_CONFIRM, KEY_DISABLE, splitOrigin, withOrigin } from './buttons.js';

describe('confirmation origins', () => {
  it('appends the origin only to buttons that update it, and splits it off again', () => {
    const r = { buttons: [button(KEY_CONFIRM, '12'), button(KEY_CANCEL, '12'), button(KEY_DISABLE, 'abc')] };
    const shown = withOrigin(r, 'C0KEYS/1700000000.000100');
    expect(shown.buttons.map((b) => b.value)).toEqual(['12@C0KEYS/1700000000.000100', '12', 'abc']);
    expect(splitOrigin('key-confirm', '12@C0KEYS/1700000000.000100')).toEqual({
      value: '12',
      origin: 'C0KEYS/1700000000.000100',
    });
    expect(withOrigin(r, undefined)).toBe(r);
  });

  it('leaves the values of other buttons alone, even with an @ in them', () => {
    expect(splitOrigin('key-cancel', '12@x')).toEqual({ value: '12@x' });
    expect(splitOrigin('key-disable', 'a@b')).toEqual({ value: 'a@b' });
    expect(splitOrigin('key-confirm', '12')).toEqual({ value: '12' });
  });
});
