// A live time-series chart on uPlot, served from the installed uplot package
// (/console/assets/vendor/). Besides the canvas, the figure carries what it
// shows as data: data-points (samples drawn), data-series (labels), data-last
// (the latest value of each series, JSON) and data-colors (each series' stroke,
// JSON), and a text line with the latest values for screen readers.

import uPlot from './vendor/uPlot.esm.js';
import { h } from './dom.js';

export const PALETTE = ['#2563eb', '#db2777', '#059669', '#d97706', '#7c3aed', '#0891b2', '#dc2626', '#65a30d'];
const HEIGHT = 220;
const MIN_SPAN_SECONDS = 30;
/** Y steps of a chart of counts: whole messages only. */
const INTEGER_STEPS = [1, 2, 5].flatMap((step) => [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7].map((scale) => step * scale)).sort((a, b) => a - b);

function timeRange(x) {
  const last = x.length > 0 ? x[x.length - 1] : Date.now() / 1000;
  const first = x.length > 0 ? x[0] : last;
  return [Math.min(first, last - MIN_SPAN_SECONDS), last];
}

const cssVariable = (name, fallback) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
const lastValue = (values) => {
  for (let index = values.length - 1; index >= 0; index -= 1) if (values[index] !== null && values[index] !== undefined) return values[index];
  return null;
};

export class LiveChart {
  /** `format(value)` renders a value on the axis and in the summary; `integer` keeps the y axis on whole numbers. */
  constructor({ id, title, description, format = String, integer = false, empty = 'No data yet.' }) {
    Object.assign(this, { format, integer, empty });
    this.plotArea = h('div', { class: 'plot' });
    this.summary = h('p', { class: 'chart-summary', 'aria-live': 'off' });
    this.note = h('p', { class: 'chart-note', hidden: true });
    this.element = h(
      'figure',
      { class: 'chart', data: { chart: id, points: '0', series: '', last: '{}', colors: '{}' }, 'aria-label': title },
      h('figcaption', {}, h('strong', { text: title }), description ? h('span', { class: 'muted', text: ` ${description}` }) : null),
      this.plotArea,
      this.summary,
      this.note,
    );
    this.plot = undefined;
    this.labels = '';
    this.resizer = new ResizeObserver(() => this.plot?.setSize({ width: this.width(), height: HEIGHT }));
    this.resizer.observe(this.plotArea);
  }

  width() {
    return Math.max(280, Math.floor(this.plotArea.clientWidth || 600));
  }

  /** A line of explanation under the chart (where the numbers come from, what is missing); null hides it. */
  setNote(text) {
    this.note.hidden = text === null;
    this.note.textContent = text ?? '';
  }

  /** Draws `x` (Unix seconds) against `series`: `[{ label, values }]`, arrays as long as `x`, null for no value. */
  update(x, series) {
    const labels = series.map((s) => s.label).join('\n');
    const data = [x, ...series.map((s) => s.values)];
    if (this.plot === undefined || labels !== this.labels) {
      this.plot?.destroy();
      this.labels = labels;
      this.plot = new uPlot(this.options(series), data, this.plotArea);
    } else {
      this.plot.setData(data);
    }
    const last = Object.fromEntries(series.map((s) => [s.label, lastValue(s.values)]));
    const colors = Object.fromEntries(series.map((s, index) => [s.label, this.colorOf(s, index)]));
    Object.assign(this.element.dataset, { points: String(x.length), series: series.map((s) => s.label).join(','), last: JSON.stringify(last), colors: JSON.stringify(colors) });
    this.summary.textContent =
      series.length === 0 ? this.empty : `Latest: ${series.map((s) => `${s.label} ${last[s.label] === null ? '–' : this.format(last[s.label])}`).join(' · ')}`;
  }

  colorOf(series, index) {
    return series.color ?? PALETTE[index % PALETTE.length];
  }

  options(series) {
    const axis = cssVariable('--chart-axis', '#475569');
    const grid = cssVariable('--chart-grid', '#e2e8f0');
    const format = this.format;
    return {
      width: this.width(),
      height: HEIGHT,
      scales: {
        // From the first sample to the last, and at least MIN_SPAN_SECONDS wide, so the first samples are not
        // spread over sub-second ticks (nor, for a single one, over uPlot's default of a thousand days).
        x: { time: true, range: (u) => timeRange(u.data[0]) },
        y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] },
      },
      series: [
        { label: 'Time' },
        ...series.map((s, index) => {
          const color = this.colorOf(s, index);
          // A fill only under a lone series: overlapping fills muddy each other.
          return { label: s.label, stroke: color, fill: series.length === 1 ? `${color}1f` : undefined, width: 2, points: { show: false }, value: (_u, v) => (v === null || v === undefined ? '–' : format(v)) };
        }),
      ],
      axes: [
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } },
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, size: 56, incrs: this.integer ? INTEGER_STEPS : undefined, values: (_u, values) => values.map((v) => format(v)) },
      ],
      // Labels only: the latest values are in the summary line, and the cursor shows a point's value on hover.
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
    };
  }

  destroy() {
    this.resizer.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
  }
}
