import { describe, expect, it } from 'vitest';
import type { StoredKey } from '../db/queries/keys.js';
import { UserError } from '../errors.js';
import { resolveKeyName } from './key-alert.js';

const key = (name: string, hash: string) => ({ name, hash }) as StoredKey;
const keys = [
  key('production', 'a1b2c3d4e5f6'),
  key('research-batch', 'ffee00112233'),
  key('research-notebook', 'ffee99887766'),
  key('ci', '0123456789ab'),
];

describe('resolveKeyName', () => {
  it('finds a key by exact name (case-insensitive), unique prefix, or hash prefix of 6+', () => {
    expect(resolveKeyName(keys, 'Production').name).toBe('production');
    expect(resolveKeyName(keys, 'prod').name).toBe('production');
    expect(resolveKeyName(keys, 'research-n').name).toBe('research-notebook');
    expect(resolveKeyName(keys, 'ffee9988').name).toBe('research-notebook');
    expect(resolveKeyName(keys, 'ci').name).toBe('ci');
  });
  it('refuses an ambiguous prefix with the candidates, and an unknown name with the key names', () => {
    expect(() => resolveKeyName(keys, 'research')).toThrow(
      /"research" matches 2 keys: research-batch \(ffee0011\), research-notebook \(ffee9988\)/,
    );
    expect(() => resolveKeyName(keys, 'ffee')).toThrow(UserError);
    expect(() => resolveKeyName(keys, 'nope<@U1>')).toThrow('No key is named "nope<@U1>" (nor starts with it)');
    // A pasted key is never echoed back.
    const pasted = `sk-or-v1-${'a'.repeat(64)}`;
    expect(() => resolveKeyName(keys, pasted)).toThrow(/No key is named/);
    expect(() => resolveKeyName(keys, pasted)).not.toThrow(pasted);
  });
});
