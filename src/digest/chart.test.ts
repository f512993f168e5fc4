import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chartAltText, chartSeries, OTHERS, renderSpendChart } from './chart.js';

/** A minimal PNG decoder (8-bit RGB/RGBA, non-interlaced): enough to look at what resvg wrote. */
function decodePng(png: Uint8Array): { width: number; height: number; pixel(x: number, y: number): number[] } {
  const buf = Buffer.from(png);
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < buf.length) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('ascii', offset + 4, offset + 8);
    const data = buf.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8]).toBe(8);
      channels = ({ 2: 3, 6: 4 } as Record<number, number>)[data[9] ?? -1] ?? 0;
      expect(channels).toBeGreaterThan(0);
      expect(data[12]).toBe(0);
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const cur = raw[y * (stride + 1) + 1 + x] ?? 0;
      const a = x >= channels ? (out[y * stride + x - channels] ?? 0) : 0;
      const b = y > 0 ? (out[(y - 1) * stride + x] ?? 0) : 0;
      const c = x >= channels && y > 0 ? (out[(y - 1) * stride + x - channels] ?? 0) : 0;
      let v = cur;
      if (filter === 1) v = cur + a;
      else if (filter === 2) v = cur + b;
      else if (filter === 3) v = cur + ((a + b) >> 1);
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v = cur + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      }
      out[y * stride + x] = v & 0xff;
    }
  }
  return {
    width,
    height,
    pixel: (x, y) => [...out.subarray(y * stride + x * channels, y * stride + x * channels + channels)],
  };
}

const DAYS = ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22'];
const MODELS = [
  'openai/gpt-4.1',
  'anthropic/claude-sonnet-4',
  'google/gemini-2.5-pro',
  'meta/llama-4',
  'x/a',
  'x/b',
  'x/c',
];

function rows() {
  return DAYS.flatMap((date, d) => MODELS.map((model, m) => ({ date, model, usd: (m + 1) * (d + 1) * 0.37 })));
}

describe('chartSeries', () => {
  it('keeps the top models by window spend and folds the rest into others, one value per day and series', () => {
    const data = chartSeries({ days: DAYS, rows: rows(), topModels: 3 });
    expect(data.series).toEqual(['x/c', 'x/b', 'x/a', OTHERS]);
    expect(data.values).toHaveLength(DAYS.length * 4);
    const othersOnDay1 = data.values.find((v) => v.date === DAYS[0] && v.model === OTHERS)?.usd ?? 0;
    expect(othersOnDay1).toBeCloseTo((1 + 2 + 3 + 4) * 0.37, 10);
    const total = rows().reduce((s, r) => s + r.usd, 0);
    expect(data.total).toBeCloseTo(total, 10);
    expect(data.values.reduce((s, v) => s + v.usd, 0)).toBeCloseTo(total, 10);
  });

  it('fills days without spend with zero and ignores rows outside the window', () => {
    const data = chartSeries({
      days: DAYS,
      rows: [
        { date: '2026-11-18', model: 'm', usd: 2 },
        { date: '2026-11-23', model: 'm', usd: 100 },
      ],
    });
    expect(data.series).toEqual(['m']);
    expect(data.values.map((v) => v.usd)).toEqual([0, 0, 2, 0, 0, 0, 0]);
    expect(chartAltText({ days: DAYS, rows: [] }, data)).toContain('Highest day: 2026-11-18 at $2.00');
  });
});

describe('renderSpendChart', () => {
  it('renders a PNG that decodes, has the expected size and is not blank', async () => {
    const chart = await renderSpendChart({ days: DAYS, rows: rows(), title: 'Daily spend' });
    expect(chart.width).toBe(1280);
    expect(chart.height).toBe(600);
    const png = decodePng(chart.png);
    expect(png.width).toBe(1280);
    expect(png.height).toBe(600);

    const colours = new Map<string, number>();
    for (let y = 0; y < png.height; y += 4) {
      for (let x = 0; x < png.width; x += 4) {
        const key = png.pixel(x, y).slice(0, 3).join(',');
        colours.set(key, (colours.get(key) ?? 0) + 1);
      }
    }
    const samples = (png.width / 4) * (png.height / 4);
    expect(colours.get('255,255,255') ?? 0).toBeLessThan(samples * 0.95);
    expect(colours.get('255,255,255') ?? 0).toBeGreaterThan(samples * 0.2);
    // The first series colour (#4C78A8) and "others" (#BAB0AC) are drawn.
    expect(colours.get('76,120,168') ?? 0).toBeGreaterThan(50);
    expect(colours.get('186,176,172') ?? 0).toBeGreaterThan(50);
    expect(chart.series).toHaveLength(6);
    expect(chart.altText).toMatch(/^Stacked bar chart of daily OpenRouter spend from 2026-11-16 to 2026-11-22/);
  });

  it('draws text with the bundled font (dark pixels outside the bars) and honours a custom size', async () => {
    const chart = await renderSpendChart({ days: DAYS, rows: [], width: 400, height: 200, scale: 1 });
    const png = decodePng(chart.png);
    expect([png.width, png.height]).toEqual([400, 200]);
    let dark = 0;
    for (let y = 0; y < png.height; y++) {
      for (let x = 0; x < png.width; x++) if ((png.pixel(x, y)[0] ?? 255) < 128) dark++;
    }
    expect(dark).toBeGreaterThan(100);
    expect(chart.altText).toContain('No spend on any day.');
  });
});
