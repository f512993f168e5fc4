/**
 * A small reader for the Prometheus text exposition format (version 0.0.4), enough for tests:
 * `name{label="value",…} number` lines; `# HELP`/`# TYPE` lines are skipped.
 * Format: https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 * @module
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
// Label values escape backslash, double quote and newline (the format's only escapes).
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parsePromText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) {
      labels[l[1] as string] = (l[2] as string).replace(/\\(.)/g, (_s, c: string) => (c === 'n' ? '\n' : c));
    }
    const v = m[3] as string;
    samples.push({
      name: m[1] as string,
      labels,
      value: v === '+Inf' ? Number.POSITIVE_INFINITY : v === '-Inf' ? Number.NEGATIVE_INFINITY : Number(v),
    });
  }
  return samples;
}

/** Metric family names present (histogram/summary sample suffixes folded into their family). */
export function metricNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^# TYPE (\S+) /.exec(line);
    if (m) names.add(m[1] as string);
  }
  for (const s of parsePromText(text)) names.add(s.name);
  return names;
}
