import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { renderTable } from './render-text.js';

describe('renderTable', () => {
  it('aligns columns by display width, so CJK and emoji names line up', () => {
    const text = renderTable({
      columns: ['key', 'spend', 'share'],
      align: ['left', 'right', 'right'],
      rows: [
        ['日本語チーム', '$12.50', '50.0%'],
        ['🚀 launch', '$7.25', '29.0%'],
        ['prod-eu', '$5.25', '21.0%'],
        ['e\u0301te\u0301', '$0.00', '0.0%'],
      ],
      footer: ['total', '$25.00', '100%'],
    });
    const lines = text.split('\n');
    expect(lines).toHaveLength(8);
    // The last column is right-aligned: every line ends at the same display column.
    expect(new Set(lines.map((l) => stringWidth(l)))).toEqual(new Set([stringWidth('日本語チーム') + 2 + 6 + 2 + 5]));
    // The spend column ends at the same display column on every row.
    const spendEnd = (l: string) => stringWidth(l.slice(0, l.lastIndexOf(' ', l.length - 5) + 1).trimEnd());
    expect(new Set(lines.filter((l) => l.includes('$')).map(spendEnd)).size).toBe(1);
    expect(lines[3]).toBe(`🚀 launch${' '.repeat(12 - stringWidth('🚀 launch'))}   $7.25  29.0%`);
  });
});
