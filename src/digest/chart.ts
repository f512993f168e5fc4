/**
 * The digest chart: daily spend over the window, stacked by the top models plus "others", as a PNG
 * rendered on the server without a browser (Vega-Lite → Vega → SVG → @resvg/resvg-js). The font
 * ships in the `dejavu-fonts-ttf` npm package, so a machine without system fonts draws the same text.
 * @module
 */
import { createRequire } from 'node:module';
import type { TopLevelSpec } from 'vega-lite';
import { formatUsd } from '../domain/money.js';

const require = createRequire(import.meta.url);
const FONT_FILE = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_FAMILY = 'DejaVu Sans';
export const OTHERS = 'others';
const PALETTE = ['#4C78A8', '#F58518', '#54A24B', '#E45756', '#72B7B2', '#B279A2', '#9D755D'];
const OTHERS_COLOUR = '#BAB0AC';

export interface DailyModelSpend {
  /** `YYYY-MM-DD` (UTC day). */
  date: string;
  model: string;
  usd: number;
}

export interface ChartInput {
  /** Every day of the window in order, so days without spend still get a slot. */
  days: readonly string[];
  rows: readonly DailyModelSpend[];
  /** Models drawn on their own; the rest are stacked as "others". Default 5. */
  topModels?: number;
  /** CSS pixels of the chart; the PNG is `scale` times larger. Defaults 640 × 300, scale 2. */
  width?: number;
  height?: number;
  scale?: number;
  title?: string;
}

export interface ChartSeries {
  /** Stack order: the top models by window spend, then "others" when any. */
  series: string[];
  values: DailyModelSpend[];
  total: number;
}

export interface Chart {
  png: Uint8Array;
  width: number;
  height: number;
  altText: string;
  series: string[];
}

/** Folds the rows into the top `topModels` models plus "others", one value per (day, series). Pure. */
export function chartSeries(input: Pick<ChartInput, 'days' | 'rows' | 'topModels'>): ChartSeries {
  const inWindow = new Set(input.days);
  const byModel = new Map<string, number>();
  for (const r of input.rows) {
    if (!inWindow.has(r.date) || !(r.usd > 0)) continue;
    byModel.set(r.model, (byModel.get(r.model) ?? 0) + r.usd);
  }
  const ranked = [...byModel.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const top = ranked.slice(0, input.topModels ?? 5).map(([m]) => m);
  const topSet = new Set(top);
  const hasOthers = ranked.length > top.length;
  const series = hasOthers ? [...top, OTHERS] : top;
  const cells = new Map<string, number>();
  for (const r of input.rows) {
    if (!inWindow.has(r.date) || !(r.usd > 0)) continue;
    const name = topSet.has(r.model) ? r.model : OTHERS;
    const key = `${r.date}\u0000${name}`;
    cells.set(key, (cells.get(key) ?? 0) + r.usd);
  }
  const values: DailyModelSpend[] = [];
  for (const date of input.days) {
    for (const model of series) values.push({ date, model, usd: cells.get(`${date}\u0000${model}`) ?? 0 });
  }
  return { series, values, total: ranked.reduce((s, [, v]) => s + v, 0) };
}

/** A sentence describing the chart for screen readers and for clients that do not load images. */
export function chartAltText(input: Pick<ChartInput, 'days' | 'rows'>, data: ChartSeries): string {
  const first = input.days[0];
  const last = input.days.at(-1);
  if (!first || !last) return 'Daily spend chart with no days.';
  const perDay = input.days.map((d) => ({
    d,
    usd: data.values.filter((v) => v.date === d).reduce((s, v) => s + v.usd, 0),
  }));
  const peak = perDay.reduce((a, b) => (b.usd > a.usd ? b : a));
  const models = data.series.filter((s) => s !== OTHERS);
  return [
    `Stacked bar chart of daily OpenRouter spend from ${first} to ${last} (UTC days), ${formatUsd(data.total)} in total.`,
    peak.usd > 0 ? `Highest day: ${peak.d} at ${formatUsd(peak.usd)}.` : 'No spend on any day.',
    models.length > 0 ? `Stacked by ${models.join(', ')}${data.series.includes(OTHERS) ? ' and others' : ''}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

function spec(input: ChartInput, data: ChartSeries, width: number, height: number): TopLevelSpec {
  const colours = data.series.map((s, i) => (s === OTHERS ? OTHERS_COLOUR : (PALETTE[i % PALETTE.length] as string)));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width,
    height,
    autosize: { type: 'fit', contains: 'padding' },
    padding: 12,
    background: '#ffffff',
    ...(input.title ? { title: { text: input.title, anchor: 'start', fontSize: 14 } } : {}),
    data: { values: data.values.map((v) => ({ ...v, order: data.series.indexOf(v.model) })) },
    mark: { type: 'bar' },
    encoding: {
      x: {
        field: 'date',
        type: 'ordinal',
        sort: [...input.days],
        title: null,
        axis: { labelAngle: 0, labelExpr: 'substring(datum.value, 5)' },
      },
      y: { field: 'usd', type: 'quantitative', aggregate: 'sum', title: 'USD', axis: { format: '$,.2f' } },
      color: {
        field: 'model',
        type: 'nominal',
        title: null,
        scale: { domain: data.series, range: colours },
        legend: { orient: 'bottom', columns: 2, labelLimit: 280 },
      },
      order: { field: 'order', type: 'quantitative', sort: 'ascending' },
    },
    config: {
      font: FONT_FAMILY,
      view: { stroke: null },
      axis: { labelFont: FONT_FAMILY, titleFont: FONT_FAMILY, grid: true, gridColor: '#eeeeee' },
      legend: { labelFont: FONT_FAMILY, titleFont: FONT_FAMILY },
    },
  };
}

/** Renders the window's daily spend as a PNG (about 150 ms). */
export async function renderSpendChart(input: ChartInput): Promise<Chart> {
  const width = input.width ?? 640;
  const height = input.height ?? 300;
  const scale = input.scale ?? 2;
  const data = chartSeries(input);
  // Loaded on first use: vega, vega-lite and resvg cost ~28 MB and ~300 ms at start-up otherwise.
  const [{ Resvg }, { parse: parseVega, View }, { compile }] = await Promise.all([
    import('@resvg/resvg-js'),
    import('vega'),
    import('vega-lite'),
  ]);
  const compiled = compile(spec(input, data, width, height)).spec;
  const view = new View(parseVega(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: Math.round(width * scale) },
    background: '#ffffff',
    font: { fontFiles: [FONT_FILE], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
  });
  const image = resvg.render();
  const png = image.asPng();
  return {
    png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength),
    width: image.width,
    height: image.height,
    altText: chartAltText(input, data),
    series: data.series,
  };
}
