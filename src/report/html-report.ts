/**
 * The run's HTML report (<run>/report.html): one self-contained file that opens from disk without network. Vega,
 * Vega-Lite and vega-embed are inlined from node_modules (vega 5 / vega-lite 5 UMD builds, the versions the kit
 * renders its static figures with), the data and thumbnails are inside the page.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/atomic';
import { OptionError } from '../util/errors';
import { buildSections, esc, MapsOptions, SECTION_NAMES, SectionName } from './html-sections';
import { readRunData, RunData } from './run-data';

export const REPORT_FILE = 'report.html';

export interface ReportOptions extends MapsOptions {
  /** Sections, in order. @default every section (SECTION_NAMES) */
  sections?: SectionName[];
}

/** Browser (UMD) builds, found beside each package's main file (vega-embed's "exports" hides its build folder). */
const LIBS: [pkg: string, file: string][] = [
  ['vega', 'vega.min.js'],
  ['vega-lite', 'vega-lite.min.js'],
  ['vega-embed', 'vega-embed.min.js'],
];
let libCache: string | undefined;

/** The three libraries as inline <script> elements (read once per process). */
function inlineLibs(): string {
  libCache ??= LIBS.map(([pkg, file]) => {
    const code = fs.readFileSync(path.join(path.dirname(require.resolve(pkg)), file), 'utf8');
    // A literal "</script" inside the code would end the element early.
    const inline = code.replace(/<\/script/gi, '<\\/script').replace(/\/\/# sourceMappingURL=\S+\s*$/, '');
    return `<script>${inline}</script>`;
  }).join('\n');
  return libCache;
}

const STYLE = `
body{font:14px/1.45 "DejaVu Sans",system-ui,sans-serif;margin:0 auto;max-width:1400px;padding:0 16px 40px;color:#222}
nav{position:sticky;top:0;background:#fff;border-bottom:1px solid #ddd;padding:6px 0;z-index:2}
nav a{margin-right:14px;color:#2b5d8a;text-decoration:none}
h1{font-size:22px} h2{font-size:18px;border-bottom:1px solid #eee;margin-top:28px} h3{font-size:15px}
table{border-collapse:collapse;margin:6px 0} th,td{border:1px solid #e2e2e2;padding:3px 7px;vertical-align:top}
th{background:#f6f6f6;text-align:left} .summary td{text-align:right;white-space:nowrap} .summary td.key,.summary td:nth-child(2){text-align:left}
td.best{font-weight:bold;background:#e8f4e4} span.best{font-weight:bold;background:#e8f4e4;padding:0 3px}
.facts td.key,td.key{color:#555;white-space:nowrap} .note,.none{color:#666;font-size:13px} .none{font-style:italic}
pre{background:#f7f7f7;padding:8px;overflow:auto;font-size:12px} .switch{display:block;margin:8px 0}
.thumbs{display:flex;flex-wrap:wrap;gap:6px} figure{margin:0;text-align:center;font-size:11px}
figure.thumb.noise figcaption{color:#c0392b;font-weight:bold} figure img{display:block;image-rendering:pixelated}
figure.map{display:inline-block;margin:2px} .missing{width:64px;height:64px;background:#eee;font-size:10px}
#vg-tooltip-element{font-size:12px} .cols{display:flex;flex-wrap:wrap;gap:28px;align-items:flex-start} td.sub{padding-left:22px}`;

/** Embeds every chart, records the views (window.reportViews), wires the panel selectors; errors go to the console. */
const CLIENT = `
(function(){
  var specs = JSON.parse(document.getElementById('report-specs').textContent);
  window.reportViews = {};
  var ids = Object.keys(specs);
  Promise.all(ids.map(function(id){
    return vegaEmbed('#' + id, specs[id], {renderer: 'svg', actions: false}).then(function(r){ window.reportViews[id] = r.view; });
  })).then(function(){ document.body.setAttribute('data-charts', String(ids.length)); },
          function(e){ console.error('chart failed: ' + e); });
  document.querySelectorAll('select[data-switch]').forEach(function(sel){
    sel.addEventListener('change', function(){
      document.querySelectorAll('[data-group="' + sel.dataset.switch + '"]').forEach(function(p){ p.hidden = p.dataset.panel !== sel.value; });
    });
  });
})();`;

/** JSON safe inside a <script> element. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

/** The report of a run as one HTML document. */
export function reportHtml(data: RunData, opts: ReportOptions = {}): string {
  const names = opts.sections ?? [...SECTION_NAMES];
  for (const n of names)
    if (!SECTION_NAMES.includes(n))
      throw new OptionError(`unknown report section "${n}" (sections: ${SECTION_NAMES.join(', ')})`);
  const sections = buildSections(data, names, opts);
  const charts = Object.assign({}, ...sections.map((s) => s.charts)) as Record<string, unknown>;
  const nav =
    sections.length > 1 ? `<nav>${sections.map((s) => `<a href="#${s.id}">${esc(s.title)}</a>`).join('')}</nav>` : '';
  const body = sections
    .map(
      (s) =>
        `<section id="${s.id}">${s.id === 'header' ? `<h1>${esc(s.title)}</h1>` : `<h2>${esc(s.title)}</h2>`}\n${s.html}</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(data.name)} · tailedcore-kit report</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:">
<style>${STYLE}</style>
${Object.keys(charts).length ? inlineLibs() : ''}
</head><body>
${nav}
${body}
<script type="application/json" id="report-specs">${scriptJson(charts)}</script>
${Object.keys(charts).length ? `<script>${CLIENT}</script>` : ''}
</body></html>
`;
}

/** Reads <runDir>, writes <runDir>/report.html and returns its path and size in bytes. */
export function writeReport(runDir: string, opts: ReportOptions = {}): { file: string; bytes: number } {
  const html = reportHtml(readRunData(runDir), opts);
  const file = path.join(runDir, REPORT_FILE);
  writeFileAtomic(file, html);
  return { file, bytes: Buffer.byteLength(html) };
}

/**
 * The report (or some sections) for a notebook: an <iframe> whose srcdoc is the self-contained page, so its scripts
 * run apart from the notebook's own (Jupyter's RequireJS would capture the UMD builds). Show it with
 * tslab.display.html(await reportFrame(dir, { sections: ['tradeoff'] })).
 */
export function reportFrame(runDir: string, opts: ReportOptions & { height?: number } = {}): string {
  const html = reportHtml(readRunData(runDir), opts);
  return `<iframe title="tailedcore-kit report" style="width:100%;height:${opts.height ?? 640}px;border:1px solid #ddd" sandbox="allow-scripts" srcdoc="${esc(html)}"></iframe>`;
}
