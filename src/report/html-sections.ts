/**
 * The sections of the HTML report, each an HTML fragment built from RunData. Charts are placeholders
 * (<div data-chart>) whose Vega-Lite specs are returned beside the HTML; ./html-report embeds them.
 */
import type { CellDetails } from '../results/cell-details';
import { CLASS_GROUPS } from './summary';
import { formatCell } from './markdown';
import { settingLabel } from '../data/splits/options';
import { tailAccuracy } from './tail-accuracy';
import type { RunData } from './run-data';
import {
  METRIC_TITLES,
  perClassReportSpec,
  splitLabel,
  tailSamplerReportSpec,
  tradeoffReportSpec,
} from './report-specs';

export interface Section {
  id: SectionName;
  title: string;
  html: string;
  /** Chart id -> Vega-Lite spec. */
  charts: Record<string, Record<string, unknown>>;
}

export const SECTION_NAMES = ['header', 'summary', 'tradeoff', 'per-class', 'tailsampler', 'maps'] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

export const esc = (s: unknown): string =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const table = (head: string[], rows: string[][], cls = '') => {
  const thead = head.some((h) => h) ? `<thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>` : '';
  return `<table${cls ? ` class="${cls}"` : ''}>${thead}<tbody>${rows.map((r) => `<tr>${r.join('')}</tr>`).join('')}</tbody></table>`;
};
const td = (v: unknown, cls = '') => `<td${cls ? ` class="${cls}"` : ''}>${esc(v)}</td>`;
const none = (what: string) => `<p class="none">${esc(what)}</p>`;
const chart = (id: string) => `<div class="chart" id="${id}" data-chart="${id}"></div>`;

function seconds(s: number): string {
  if (!Number.isFinite(s)) return '–';
  return s < 120 ? `${s.toFixed(1)} s` : s < 7200 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(2)} h`;
}

/** Flattens a JSON value to key/value rows ("features.patchLayers" -> "layer2, layer3"). */
function flatten(v: unknown, prefix = '', out: [string, string][] = []): [string, string][] {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else if (Array.isArray(v) && v.some((x) => x !== null && typeof x === 'object')) {
    out.push([prefix, JSON.stringify(v)]);
  } else out.push([prefix, Array.isArray(v) ? v.join(', ') : String(v)]);
  return out;
}

function header(d: RunData): Section {
  const cfg = d.config ?? {};
  const env = d.env ?? {};
  const git = (env.git ?? {}) as { commit?: string | null; dirty?: boolean | null };
  const methods = [...new Set(d.results.map((r) => r.method))];
  const seeds = [...new Set(d.results.map((r) => r.seed))].sort((a, b) => a - b);
  const settings = [...new Set(d.results.map((r) => settingLabel(r.tail_type, r.k)))];
  const noises = [...new Set(d.results.map((r) => r.noise_ratio))].sort((a, b) => a - b);
  const cells = new Set(
    d.results.map((r) => `${r.dataset}|${r.tail_type}|${r.k}|${r.noise_ratio}|${r.seed}|${r.method}`),
  );
  const facts: [string, string][] = [
    ['run', d.name],
    [
      'cells',
      `${cells.size} (${settings.join(', ')} × noise ${noises.map((n) => `${Math.round(n * 100)}%`).join(', ')} × ${seeds.length} seed(s) × ${methods.length} method(s))`,
    ],
    ['methods', methods.join(', ')],
    ['seeds', `${seeds.join(', ')}${cfg.modelSeed !== undefined ? ` (model seed: ${String(cfg.modelSeed)})` : ''}`],
    ['datasets', [...new Set(d.results.map((r) => r.dataset))].join(', ')],
    ['started', String(env.createdAt ?? 'not recorded')],
    [
      'git',
      git.commit ? `${git.commit.slice(0, 12)}${git.dirty ? ' (with uncommitted changes)' : ''}` : 'not recorded',
    ],
    ['numeric backend', String(env.backend ?? 'not recorded')],
    [
      'node / platform',
      `${String(env.node ?? '?')} / ${String(env.platform ?? '?')}, ${String(env.cpus ?? '?')} CPU(s)`,
    ],
  ];
  const fp = d.fingerprint;
  facts.push(['config fingerprint', fp?.config ?? 'not recorded']);
  for (const [name, f] of Object.entries(fp?.datasets ?? {}))
    facts.push([
      `dataset fingerprint (${name})`,
      `${f.id ?? '?'}${f.files !== undefined ? `, ${f.files} files` : ''}${f.root ? `, ${f.root}` : ''}`,
    ]);
  const engines = env.features
    ? flatten(env.features).filter(([k]) => !k.startsWith('layerShapes') && k !== 'cacheDir')
    : [];
  // Wall time per stage: the features stage per dataset (every part), then fit and predict per method, then the
  // model's own sub-stages summed over cells.
  const timeRows: string[][] = [];
  for (const f of d.featureStages)
    timeRows.push([td(`features (${f.dataset}, ${f.images} images)`), td(seconds(f.seconds))]);
  const byMethod = new Map<string, { fit: number; predict: number; n: number }>();
  const stage = new Map<string, number>();
  for (const c of d.details) {
    const m = byMethod.get(c.method) ?? { fit: 0, predict: 0, n: 0 };
    m.fit += c.fitSeconds;
    m.predict += c.predictSeconds;
    m.n++;
    byMethod.set(c.method, m);
    for (const [k, v] of Object.entries(c.stageMs ?? {})) if (k !== 'fit') stage.set(k, (stage.get(k) ?? 0) + v / 1000);
  }
  for (const [m, t] of byMethod) {
    timeRows.push([td(`fit ${m} (${t.n} cells)`), td(seconds(t.fit))]);
    timeRows.push([td(`predict ${m} (${t.n} cells)`), td(seconds(t.predict))]);
  }
  for (const [k, v] of stage) if (v > 0) timeRows.push([td(`of which ${k} (all cells)`, 'sub'), td(seconds(v))]);
  const html = [
    '<div class="cols"><div>',
    table(
      ['', ''],
      facts.map(([k, v]) => [td(k, 'key'), td(v)]),
      'facts',
    ),
    '</div><div><h3>Features: backbone, embedding and engine</h3>',
    engines.length
      ? table(
          ['', ''],
          engines.map(([k, v]) => [td(k, 'key'), td(v)]),
          'facts',
        )
      : none('env.json not recorded'),
    '</div><div><h3>Wall time per stage</h3>',
    timeRows.length
      ? table(['stage', 'wall time'], timeRows)
      : none('not recorded (this run was made before the runner recorded cell details)'),
    '</div></div>',
    `<details><summary>config.json</summary><pre>${esc(JSON.stringify(cfg, null, 2))}</pre></details>`,
    d.problems.length ? `<p class="none">${d.problems.map(esc).join('<br>')}</p>` : '',
  ].join('\n');
  return { id: 'header', title: `Run ${d.name}`, html, charts: {} };
}

function summary(d: RunData): Section {
  const metrics = ['image_auroc', 'pixel_auroc', 'aupro'].filter((m) => d.summary.some((r) => r.metric === m));
  const groups = CLASS_GROUPS;
  const index = new Map(
    d.summary.map((r) => [`${r.dataset}|${r.tail_type}|${r.k}|${r.noise_ratio}|${r.method}|${r.metric}|${r.group}`, r]),
  );
  const blocks = new Map<string, { label: string; key: string; methods: string[] }>();
  for (const r of d.summary) {
    const key = `${r.dataset}|${r.tail_type}|${r.k}|${r.noise_ratio}`;
    const b = blocks.get(key) ?? {
      label: `${settingLabel(r.tail_type, r.k)} · noise ${Math.round(r.noise_ratio * 100)}%`,
      key,
      methods: [],
    };
    if (!b.methods.includes(r.method)) b.methods.push(r.method);
    blocks.set(key, b);
  }
  const multi = new Set(d.summary.map((r) => r.dataset)).size > 1;
  const rows: string[][] = [];
  for (const b of blocks.values()) {
    const best = new Map<string, number>();
    for (const m of metrics)
      for (const g of groups)
        best.set(
          `${m}|${g}`,
          Math.max(...b.methods.map((x) => index.get(`${b.key}|${x}|${m}|${g}`)?.mean ?? -Infinity)),
        );
    b.methods.forEach((method, i) => {
      const cells = metrics.flatMap((m) =>
        groups.map((g) => {
          const r = index.get(`${b.key}|${method}|${m}|${g}`);
          if (!r) return td('–');
          const isBest = b.methods.length > 1 && r.mean === best.get(`${m}|${g}`);
          return td(formatCell(r.mean, r.std), isBest ? 'best' : '');
        }),
      );
      const first =
        i === 0
          ? `<td rowspan="${b.methods.length}" class="key">${esc(multi ? `${b.key.split('|')[0]} · ${b.label}` : b.label)}</td>`
          : '';
      rows.push([first, td(method), ...cells]);
    });
  }
  const head = ['setting', 'method', ...metrics.flatMap((m) => groups.map((g) => `${METRIC_TITLES[m]} ${g}`))];
  const seeds = Math.max(...d.summary.map((r) => r.n_seeds));
  const html =
    table(head, rows, 'summary') +
    `<p class="note">Mean ± std over ${seeds} seed(s) of the per-seed class mean, in percent; the best method per setting and column is <span class="best">marked</span>. Tail = classes with at most ${String((d.config?.tailMaxCount as number | undefined) ?? 20)} training images; head = the rest.</p>`;
  return { id: 'summary', title: 'Summary', html, charts: {} };
}

function tradeoff(d: RunData): Section {
  const charts: Record<string, Record<string, unknown>> = {};
  const parts: string[] = [];
  for (const m of ['image_auroc', 'pixel_auroc']) {
    if (!d.summary.some((r) => r.metric === m && Number.isFinite(r.mean))) continue;
    const id = `chart-tradeoff-${m.replace('_', '-')}`;
    charts[id] = tradeoffReportSpec(d.summary, m);
    parts.push(`<h3>${esc(METRIC_TITLES[m])}</h3>${chart(id)}`);
  }
  const html =
    '<p class="note">Hover a point for its values; click a point or a legend entry to highlight that method (shift-click adds one, a click on empty space clears).</p>' +
    parts.join('\n');
  return { id: 'tradeoff', title: 'Tail versus noise', html, charts };
}

function perClass(d: RunData): Section {
  const metrics = ['image_auroc', 'pixel_auroc', 'aupro'].filter((m) =>
    d.results.some((r) => r.metric === m && !Number.isNaN(r.value)),
  );
  const id = 'chart-per-class';
  return {
    id: 'per-class',
    title: 'Per class',
    html: `<p class="note">Mean over seeds per class; classes ordered by training size, tail classes labelled and in red. Pick the metric, setting and noise ratio below the chart.</p>${chart(id)}`,
    charts: { [id]: perClassReportSpec(d.results, metrics) },
  };
}

/** A <select> that shows one of several panels (data-panel) of a group; the first is shown. */
function switcher(group: string, label: string, panels: { label: string; html: string }[]): string {
  const opts = panels.map((p, i) => `<option value="${i}">${esc(p.label)}</option>`).join('');
  const divs = panels
    .map((p, i) => `<div class="panel" data-group="${group}" data-panel="${i}"${i ? ' hidden' : ''}>${p.html}</div>`)
    .join('\n');
  return `<label class="switch">${esc(label)} <select data-switch="${group}">${opts}</select></label>\n${divs}`;
}

/** The runner's per-cell tail selection counts (tail-selection.csv), shown as recorded when the run has them. */
function tailSelectionTable(d: RunData): string {
  const t = d.tailSelection;
  if (!t) return '';
  return `<h3>Tail selection records (tail-selection.csv)</h3>${table(
    t.columns,
    t.rows.map((r) => r.map((v) => td(v))),
  )}`;
}

function tailSampler(d: RunData): Section {
  const spec = tailSamplerReportSpec(d.details);
  if (!spec)
    return {
      id: 'tailsampler',
      title: 'TailSampler',
      html:
        tailSelectionTable(d) +
        none(
          'No cell of this run recorded a TailSampler decision (no TailedCore cell, or a run made before the runner recorded cell details).',
        ),
      charts: {},
    };
  const cells = d.details.filter((c) => c.tailSampler);
  const rows = cells.map((c) => {
    const t = c.tailSampler!;
    const a = tailAccuracy(t.trueSize, t.selected, t.noise, t.predicted);
    const noise = t.noise.reduce((x, y) => x + y, 0);
    const noiseSel = t.noise.filter((n, i) => n && t.selected[i]).length;
    const headSel = t.selected.filter(
      (s, i) => s && t.trueSize[i] > ((d.config?.tailMaxCount as number | undefined) ?? 20),
    ).length;
    return [
      td(`${splitLabel(c.split)} · ${c.method}`),
      td(a.selected),
      td(a.trueTail),
      td(`${a.missingTailPct.toFixed(0)}%`),
      td(`${noiseSel} of ${noise}`),
      td(`${headSel} (${a.inclHeadPct.toFixed(0)}%)`),
      td(t.maxK === null ? '–' : t.maxK.toFixed(1)),
    ];
  });
  const panels = cells.map((c) => {
    const t = c.tailSampler!;
    const figs = t.thumbnails
      .map(
        (th) =>
          `<figure class="thumb${th.noise ? ' noise' : ''}">${th.src ? `<img src="${th.src}" alt="${esc(th.class)}">` : '<div class="missing">not readable</div>'}<figcaption>${esc(th.class)}${th.noise ? ' · noise' : ''}</figcaption></figure>`,
      )
      .join('');
    const sel = t.selected.reduce((x, y) => x + y, 0);
    return {
      label: `${splitLabel(c.split)} · ${c.method}`,
      html: `<p class="note">${t.thumbnails.length} of ${sel} selected images, labelled with their true class; injected noise in red.</p><div class="thumbs">${figs}</div>`,
    };
  });
  const html = [
    table(
      ['split · method', 'selected', 'true tail', 'true tail missed', 'included anomalies', 'included head', 'cut'],
      rows,
    ),
    chart('chart-tailsampler'),
    '<h3>Selected images</h3>',
    switcher('tail', 'split', panels),
    tailSelectionTable(d),
  ].join('\n');
  return { id: 'tailsampler', title: 'TailSampler', html, charts: { 'chart-tailsampler': spec } };
}

export interface MapsOptions {
  /** Which splits' anomaly maps go into the report: 'one-per-setting' (the lowest seed at the noise ratio nearest 10 %) or 'all'. @default 'one-per-setting' */
  mapSplits?: 'one-per-setting' | 'all';
}

/** The splits whose maps are shown. */
function mapSplits(details: readonly CellDetails[], which: MapsOptions['mapSplits']): string[] {
  const splits = [...new Set(details.filter((c) => c.maps.length).map((c) => c.split))];
  if (which === 'all') return splits;
  const bySetting = new Map<string, string>();
  const score = (s: string) => {
    const [, , , noise, seed] = s.split('|');
    return [Math.abs(Number(noise) - 0.1), Number(seed)];
  };
  for (const s of splits) {
    const [ds, tail, k] = s.split('|');
    const key = `${ds}|${tail}|${k}`;
    const prev = bySetting.get(key);
    if (!prev) bySetting.set(key, s);
    else {
      const [a1, b1] = score(s);
      const [a2, b2] = score(prev);
      if (a1 < a2 - 1e-12 || (Math.abs(a1 - a2) < 1e-12 && b1 < b2)) bySetting.set(key, s);
    }
  }
  return [...bySetting.values()];
}

function maps(d: RunData, o: MapsOptions): Section {
  const splits = mapSplits(d.details, o.mapSplits ?? 'one-per-setting');
  if (splits.length === 0)
    return {
      id: 'maps',
      title: 'Anomaly maps',
      html: none('No anomaly maps recorded (a run made before the runner recorded cell details, or mapsPerClass 0).'),
      charts: {},
    };
  const fig = (t: CellDetails['maps'][number]['highest'][number]) =>
    `<figure class="map"><img src="${t.src}" alt="${esc(t.rel)}" title="${esc(t.rel)}"><figcaption>${t.label ? 'anomalous' : 'normal'} · ${t.score.toPrecision(3)}${t.imageRead ? '' : ' · image not readable'}</figcaption></figure>`;
  const panels = splits.map((split) => {
    const cells = d.details.filter((c) => c.split === split);
    const classes = [...new Set(cells.flatMap((c) => c.maps.map((m) => m.class)))];
    const head = ['class', ...cells.flatMap((c) => [`${c.method}: highest`, `${c.method}: lowest`])];
    const rows = classes.map((cls) => [
      td(cls, 'key'),
      ...cells.flatMap((c) => {
        const m = c.maps.find((x) => x.class === cls);
        return [`<td>${m ? m.highest.map(fig).join('') : ''}</td>`, `<td>${m ? m.lowest.map(fig).join('') : ''}</td>`];
      }),
    ]);
    return { label: splitLabel(split), html: table(head, rows, 'maps') };
  });
  const html =
    '<p class="note">Per class and method, the highest- and lowest-scored test images: each thumbnail is the image with the ground-truth outline (white) and the anomaly map over it (jet, one colour range per class and method), captioned with the true label and the image score.</p>' +
    switcher('maps', 'split', panels);
  return { id: 'maps', title: 'Anomaly maps', html, charts: {} };
}

export function buildSections(
  d: RunData,
  names: readonly SectionName[] = SECTION_NAMES,
  o: MapsOptions = {},
): Section[] {
  const make: Record<SectionName, () => Section> = {
    header: () => header(d),
    summary: () => summary(d),
    tradeoff: () => tradeoff(d),
    'per-class': () => perClass(d),
    tailsampler: () => tailSampler(d),
    maps: () => maps(d, o),
  };
  return names.map((n) => make[n]());
}
