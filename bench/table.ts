// A plain text table of benchmark rows: one line per measured number, columns padded to fit.
import type { Row } from './result.js';

const HEADERS = ['scenario', 'metric', 'backend', 'value', 'unit', 'detail'] as const;

export function formatTable(rows: readonly Row[]): string {
  const cells = rows.map((r) => [r.name, r.metric, r.backend, formatValue(r.value), r.unit, r.detail ?? '']);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) =>
    c
      .map((text, i) => (i === 3 ? text.padStart(widths[i]!) : text.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(HEADERS), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
