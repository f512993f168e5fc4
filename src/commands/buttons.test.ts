import { describe, expect, it } from 'vitest';
import { BUTTONS, PRESS_BUTTONS } from '../core/buttons.js';
import { buttons } from './index.js';

describe('button declarations and core handlers', () => {
  it('every press button declared in core/buttons.ts has a core handler', () => {
    const missing = PRESS_BUTTONS.map((b) => b.action).filter((action) => !(action in buttons));
    expect(missing).toEqual([]);
  });

  it('every core handler belongs to a declared press button (no handler keyed by a stray string)', () => {
    const declared = new Set(PRESS_BUTTONS.map((b) => b.action));
    const stray = Object.keys(buttons).filter((action) => !declared.has(action as never));
    expect(stray).toEqual([]);
  });

  it('share and refresh are handled by the adapters, not by a core handler', () => {
    const adapterKinds = BUTTONS.filter((b) => b.kind !== 'press').map((b) => b.action);
    expect(adapterKinds.filter((a) => a in buttons)).toEqual([]);
  });
});
