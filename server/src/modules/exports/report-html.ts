import type { PdfDocument } from './pdf-browser.js';

/**
 * The PDF report as HTML. Everything interpolated goes through the `html` tag, which escapes it unless
 * it is already markup made by this tag: names, messages and record data cannot inject markup. The page
 * loads nothing (no scripts, fonts or images from anywhere; the chart is inline SVG).
 */

export class SafeHtml {
  constructor(readonly value: string) {}
  toString() {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0];
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1];
  });
  return new SafeHtml(out);
}

// ---------------------------------------------------------------------------------------------------------

export const RUN_STATUSES = ['succeeded', 'failed', 'cancelled', 'running', 'queued'] as const;
export type ChartStatus = (typeof RUN_STATUSES)[number];
const STATUS_COLORS: Record<ChartStatus, string> = {
  succeeded: '#2f9e44',
  failed: '#e03131',
  cancelled: '#868e96',
  running: '#1c7ed6',
  queued: '#f59f00',
};

export interface ReportTable {
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
  total: number;
  /** Sentence saying which rows are shown when `total` exceeds them. */
  cappedNote: string | null;
}

export interface ReportData {
  organization: { name: string; slug: string };
  rangeLabel: string;
  generatedAt: string;
  generatedBy: string | null;
  figures: { label: string; value: string; detail?: string }[];
  chart: { unit: 'day' | 'week' | 'month'; buckets: { label: string; counts: Record<ChartStatus, number> }[] };
  health: ReportTable;
  failures: ReportTable;
  tables: ReportTable[];
  /** How to get every row: the same export as CSV (a URL path with its query). */
  csvUrl: string;
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** Round the axis maximum up to 1, 2 or 5 × a power of ten so gridlines land on readable numbers. */
function niceCeiling(n: number): number {
  if (n <= 5) return 5;
  const power = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 5, 10].map((m) => m * power).find((c) => c >= n)!;
}

export function runsChart(chart: ReportData['chart']): SafeHtml {
  const width = 1000;
  const height = 250;
  const left = 56;
  const right = 12;
  const top = 30;
  const bottom = 44;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const buckets = chart.buckets;
  const totals = buckets.map((b) => RUN_STATUSES.reduce((s, st) => s + b.counts[st], 0));
  const max = niceCeiling(Math.max(0, ...totals));
  const slot = plotW / Math.max(1, buckets.length);
  const barW = Math.max(1, slot * 0.72);
  const labelEvery = Math.ceil(buckets.length / 16);
  const y = (v: number) => top + plotH - (v / max) * plotH;

  const grid = [0, 0.25, 0.5, 0.75, 1].map(
    (f) =>
      html` <line x1="${left}" x2="${width - right}" y1="${y(max * f)}" y2="${y(max * f)}" stroke="#dee2e6" stroke-width="1" />
        <text x="${left - 6}" y="${y(max * f) + 4}" text-anchor="end" font-size="11" fill="#495057">${fmt(Math.round(max * f))}</text>`,
  );
  const bars = buckets.map((b, i) => {
    let base = 0;
    const x = left + i * slot + (slot - barW) / 2;
    const segments = RUN_STATUSES.filter((st) => b.counts[st] > 0).map((st) => {
      const h = (b.counts[st] / max) * plotH;
      base += b.counts[st];
      return html`<rect
        x="${x.toFixed(2)}"
        y="${y(base).toFixed(2)}"
        width="${barW.toFixed(2)}"
        height="${h.toFixed(2)}"
        fill="${STATUS_COLORS[st]}"
      />`;
    });
    const label =
      i % labelEvery === 0
        ? html`<text x="${(x + barW / 2).toFixed(2)}" y="${top + plotH + 16}" text-anchor="middle" font-size="10" fill="#495057"
            >${b.label}</text
          >`
        : null;
    return html`${segments}${label}`;
  });
  const legend = RUN_STATUSES.map(
    (st, i) =>
      html` <rect x="${left + i * 110}" y="6" width="12" height="12" fill="${STATUS_COLORS[st]}" />
        <text x="${left + i * 110 + 17}" y="16" font-size="12" fill="#212529">${st}</text>`,
  );
  const empty = totals.every((n) => n === 0)
    ? html`<text x="${left + plotW / 2}" y="${top + plotH / 2}" text-anchor="middle" font-size="14" fill="#868e96"
        >No runs in this range</text
      >`
    : null;
  return html`<svg
    xmlns="http://www.w3.org/2000/svg"
    viewBox="0 0 ${width} ${height}"
    width="100%"
    role="img"
    aria-label="Runs per ${chart.unit} by status"
  >
    ${legend}${grid}${bars}${empty}
    <line x1="${left}" x2="${width - right}" y1="${top + plotH}" y2="${top + plotH}" stroke="#868e96" stroke-width="1" />
  </svg>`;
}

function table(t: ReportTable): SafeHtml {
  const body = t.rows.length
    ? t.rows.map(
        (row) =>
          html`<tr>
            ${row.map((cell) => html`<td>${typeof cell === 'number' ? fmt(cell) : cell}</td>`)}
          </tr>`,
      )
    : html`<tr>
        <td colspan="${t.columns.length}" class="empty">Nothing in this range.</td>
      </tr>`;
  return html` <section class="table-section">
    <h2>${t.title} <span class="count">${fmt(t.total)} ${t.total === 1 ? 'row' : 'rows'}</span></h2>
    ${t.cappedNote ? html`<p class="note">${t.cappedNote}</p>` : null}
    <table>
      <thead>
        <tr>
          ${t.columns.map((c) => html`<th>${c}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${body}
      </tbody>
    </table>
  </section>`;
}

const STYLE = `
  @page { size: A4 landscape; }
  * { box-sizing: border-box; }
  body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 9.5px; color: #212529; margin: 0; }
  h1 { font-size: 22px; margin: 0 0 4px; }
  h2 { font-size: 14px; margin: 18px 0 6px; border-bottom: 2px solid #343a40; padding-bottom: 3px; }
  h2 .count { font-size: 10px; font-weight: normal; color: #495057; }
  .meta { color: #495057; font-size: 11px; margin: 0 0 12px; }
  table.figures { width: auto; min-width: 45%; margin: 6px 0 4px; }
  table.figures th { font-size: 11px; width: 11em; }
  table.figures td.value { font-size: 15px; font-weight: bold; text-align: right; min-width: 6em; }
  table.figures td.detail { color: #495057; font-size: 10px; }
  table { width: 100%; border-collapse: collapse; table-layout: auto; }
  th, td { border: 1px solid #dee2e6; padding: 2px 4px; text-align: left; vertical-align: top; word-break: break-word; }
  th { background: #f1f3f5; }
  tr { page-break-inside: avoid; }
  td.empty { color: #868e96; text-align: center; }
  .note { color: #495057; font-style: italic; margin: 2px 0 6px; }
  .chart { margin: 4px 0 0; }
  code.url { white-space: nowrap; font-size: 8.5px; }
`;

export function reportDocument(data: ReportData): PdfDocument {
  const title = `${data.organization.name} (${data.organization.slug})`;
  const body = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>Linkyard report: ${title}</title>
        <style>
          ${new SafeHtml(STYLE)}
        </style>
      </head>
      <body>
        <h1>${data.organization.name}</h1>
        <p class="meta">
          Organization <strong>${data.organization.slug}</strong> · Range: <strong>${data.rangeLabel}</strong> (UTC days, inclusive) ·
          Generated ${data.generatedAt}${data.generatedBy ? html` by ${data.generatedBy}` : null}
        </p>
        <h2>Summary</h2>
        <table class="figures">
          ${data.figures.map(
            (f) =>
              html` <tr>
                <th>${f.label}</th>
                <td class="value">${f.value}</td>
                <td class="detail">${f.detail ?? ''}</td>
              </tr>`,
          )}
        </table>
        <h2>Runs per ${data.chart.unit} by status</h2>
        <div class="chart">${runsChart(data.chart)}</div>
        ${table(data.health)} ${table(data.failures)} ${data.tables.map(table)}
        <p class="note">
          To get every row, export as CSV: choose CSV in the Exports panel, or download <code class="url">GET ${data.csvUrl}</code>
        </p>
      </body>
    </html>`;
  const small =
    'font-size:8px;color:#495057;width:100%;padding:0 12mm;display:flex;justify-content:space-between;font-family:"DejaVu Sans",Arial,sans-serif;';
  return {
    html: body.value,
    headerTemplate: html`<div style="${small}"><span>Linkyard · ${title}</span><span>${data.rangeLabel}</span></div>`.value,
    footerTemplate: html`<div style="${small}">
      <span>Generated ${data.generatedAt}</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span>
    </div>`.value,
  };
}
