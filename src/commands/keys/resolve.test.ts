import { describe, expect, it } from 'vitest';
import { resolveKey } from './resolve.js';

const keys = [
  { name: 'production', hash: 'a1b2c3d4e5f6' },
  { name: 'prod-batch', hash: 'a1b2ffff0000' },
  { name: 'staging', hash: '0f0f0f0f0f0f' },
  { name: 'ci', hash: 'cccc11112222' },
  { name: 'Twin', hash: 'deadbeef0001' },
  { name: 'twin', hash: 'deadbeef0002' },
];

describe('resolveKey', () => {
  it('takes an exact name first, in any case, even when it is also a prefix of another name', () => {
    expect(resolveKey(keys, 'production')).toMatchObject({ ok: true, key: { hash: 'a1b2c3d4e5f6' } });
    expect(resolveKey(keys, 'CI')).toMatchObject({ ok: true, key: { name: 'ci' } });
  });

  it('takes a unique name prefix', () => {
    expect(resolveKey(keys, 'stag')).toMatchObject({ ok: true, key: { name: 'staging' } });
    expect(resolveKey(keys, 'prod-')).toMatchObject({ ok: true, key: { name: 'prod-batch' } });
  });

  it('refuses an ambiguous name prefix and names the candidates', () => {
    const r = resolveKey(keys, 'prod');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toBe('ambiguous');
    expect(r.candidates.map((k) => k.name)).toEqual(['production', 'prod-batch']);
    expect(r.message).toContain('production (a1b2c3d4)');
    expect(r.message).toContain('prod-batch (a1b2ffff)');
  });

  it('takes a unique hash prefix of four or more hex digits, and refuses an ambiguous one', () => {
    expect(resolveKey(keys, '0f0f0f')).toMatchObject({ ok: true, key: { name: 'staging' } });
    expect(resolveKey(keys, 'a1b2c')).toMatchObject({ ok: true, key: { name: 'production' } });
    const r = resolveKey(keys, 'a1b2');
    expect(r).toMatchObject({ ok: false, reason: 'ambiguous' });
    // Three hex digits are too few to be read as a hash.
    expect(resolveKey(keys, '0f0')).toMatchObject({ ok: false, reason: 'none' });
  });

  it('refuses a name two keys share exactly, and asks for a hash prefix', () => {
    const r = resolveKey(keys, 'twin');
    expect(r).toMatchObject({ ok: false, reason: 'ambiguous' });
    if (!r.ok) expect(r.message).toMatch(/2 keys are named "twin".*hash prefix/);
  });

  it('says so when nothing matches', () => {
    const r = resolveKey(keys, 'nope');
    expect(r).toMatchObject({ ok: false, reason: 'none', candidates: [] });
    if (!r.ok) expect(r.message).toContain('`keys` lists them all');
    expect(resolveKey(keys, '  ')).toMatchObject({ ok: false, reason: 'none' });
  });
});
