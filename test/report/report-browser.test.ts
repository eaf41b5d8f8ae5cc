/**
 * report.html of a small real run, opened in Debian's Chromium over the DevTools protocol: no console error, no
 * network request, every chart drawn with marks, a hover shows the point's value, a click highlights a method, the
 * metric selector redraws, every thumbnail decodes. Without Chromium the test is skipped locally and FAILS under
 * CI=true (.ci/run installs it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { readResults } from '../../src/results/results-file';
import { chromiumOk, CHROMIUM, launchChromium } from '../../scripts/chromium';
import { smallRealRun } from './small-run';

const inCi = process.env.CI === 'true';

/** An attribute of every element matching a selector. */
const attrs = (page: Page, sel: string, name: string) =>
  page.$$eval(sel, (els, n) => els.map((e) => e.getAttribute(n)), name);

/** Polls until cond holds (the timeout only stops a hung test; no timing is asserted). */
async function until(cond: () => Promise<boolean>, what: string, timeoutMs = 10000): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test(
  'report.html of a real run renders in Chromium: charts with marks, tooltips with the values, thumbnails, no network',
  {
    skip:
      !chromiumOk && !inCi
        ? `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH); CI=true makes this a failure`
        : false,
  },
  async () => {
    assert.ok(chromiumOk, `Chromium is required under CI=true: not found at ${CHROMIUM}`);
    const { dir, outputs } = await smallRealRun();
    const file = outputs.report.file;
    assert.equal(fs.statSync(file).size, outputs.report.bytes);
    const html = fs.readFileSync(file, 'utf8');
    const markup = html.replace(/(<script[^>]*>)[\s\S]*?<\/script>/g, '$1'); // the tags, without the inlined code
    assert.ok(!/<script[^>]+src=|<link[^>]+href=|<img[^>]+src="(?!data:)/i.test(markup), 'the page references no file');
    const url = pathToFileURL(file).href;
    let ctx: BrowserContext | undefined;
    try {
      ctx = await launchChromium();
      const page: Page = await ctx.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(url);
      await page.waitForSelector('body[data-charts]', { timeout: 60000 });
      assert.deepEqual(errors, [], 'console errors');
      assert.deepEqual(
        requests.filter((r) => r !== url && !r.startsWith('data:')),
        [],
        'network requests besides the file itself',
      );

      // Every chart: an SVG with data marks.
      const charts = await page.$$eval('[data-chart]', (els) =>
        els.map((e) => ({ id: e.id, marks: e.querySelectorAll('svg g.role-mark > *').length })),
      );
      assert.deepEqual(charts.map((c) => c.id).sort(), [
        'chart-per-class',
        'chart-tailsampler',
        'chart-tradeoff-image-auroc',
        'chart-tradeoff-pixel-auroc',
      ]);
      for (const c of charts) assert.ok(c.marks > 0, `${c.id} has no marks`);

      // The trade-off: one point per setting x group x method x noise ratio of the results.
      const rows = readResults(dir).filter((r) => r.metric === 'image_auroc' && !Number.isNaN(r.value));
      const groups = new Map<string, number[]>();
      for (const r of rows) {
        const k = `${r.is_tail ? 'tail' : 'head'} classes|${r.method}|${r.noise_ratio}`;
        groups.set(k, [...(groups.get(k) ?? []), r.value]);
      }
      const symbols = '#chart-tradeoff-image-auroc g.mark-symbol.role-mark > path';
      assert.equal(await page.locator(symbols).count(), groups.size);

      // Hover a point: the tooltip shows its mean, the class mean of the results (one seed).
      const point = page.locator(symbols).nth(1);
      const datum = (await point.evaluate(
        (el) => (el as unknown as { __data__: { datum: Record<string, unknown> } }).__data__.datum,
      )) as { group: string; method: string; noise: number };
      const vals = groups.get(`${datum.group}|${datum.method}|${datum.noise}`)!;
      const expected = vals.reduce((a, b) => a + b, 0) / vals.length;
      await point.hover({ force: true });
      const tip = page.locator('#vg-tooltip-element.visible');
      await tip.waitFor({ timeout: 10000 });
      const text = await tip.innerText();
      assert.match(text, new RegExp(`image AUROC mean\\s+${expected.toFixed(3).replace('.', '\\.')}`), text);
      assert.match(text, new RegExp(`method\\s+${datum.method}`));

      // Click the point: the other methods' points fade.
      await point.click({ force: true });
      await until(async () => (await attrs(page, symbols, 'opacity')).some((o) => Number(o ?? 1) < 1), 'highlight');
      const opacities = await page.$$eval(symbols, (els) =>
        els.map((e) => ({
          method: (e as unknown as { __data__: { datum: { method: string } } }).__data__.datum.method,
          opacity: Number(e.getAttribute('opacity') ?? 1),
        })),
      );
      for (const o of opacities)
        assert.equal(o.opacity === 1, o.method === datum.method, `${o.method} opacity ${o.opacity}`);

      // The per-class metric selector redraws the bars with the other metric's values.
      const bars = '#chart-per-class g.mark-rect.role-mark > path';
      const before = (await attrs(page, bars, 'd')).join();
      await page.locator('#chart-per-class select').first().selectOption('pixel AUROC');
      await until(async () => (await attrs(page, bars, 'd')).join() !== before, 'the bars to redraw');
      assert.ok((await page.locator(bars).count()) > 0);

      // Thumbnails: anomaly maps of every class for each method, TailSampler's selected images; all decode.
      const imgs = await page.$$eval('img', async (els) =>
        Promise.all(
          els.map(async (e) => {
            const i = e as unknown as { decode(): Promise<void>; naturalWidth: number; naturalHeight: number };
            await i.decode();
            return { w: i.naturalWidth, h: i.naturalHeight, map: e.closest('figure.map') !== null };
          }),
        ),
      );
      const maps = imgs.filter((i) => i.map);
      // one split shown (noise nearest 10 %), 4 classes x 2 methods x (highest + lowest)
      assert.equal(maps.length, 4 * 2 * 2);
      assert.ok(imgs.length > maps.length, 'TailSampler thumbnails present');
      for (const i of imgs) assert.ok(i.w > 0 && i.h > 0, 'a thumbnail did not decode');
      assert.deepEqual(errors, [], 'console errors after interaction');
    } finally {
      await ctx?.close();
    }
  },
);
