// How many actions a curator spends per figure in `serve`'s workbench, against typing
// the figure into the place file: measured on real articles of the development set.
//
//   node scripts/curation-measure.mjs ADDR GOLD.json
//
// GOLD.json: [{article, place, figures: [{indicator, period, value, status, bound,
// period_from, quote}]}], the gold figures of articles whose place file is empty on
// the server at ADDR (scripts/measure-curation prepares both). For each gold figure,
// in the article's order, it does what a careful curator would in Chromium:
//  - select the number (one click; `j`/`k` when it is the next or the previous one);
//  - a proposal that is the gold figure: `r`;
//  - otherwise `e`, the indicator's id typed until the picker holds it, the period,
//    status and bound changed where the preview differs from the gold, `Enter`;
//  - waits for the rebuilt page, and compares what is recorded with the gold.
// Every key and click is counted. Typing the figure in YAML is counted as the
// characters of its lines (the quote and the source pasted: select, copy, paste each)
// plus two switches between browser and editor. Prints one row per article and the
// totals as JSON.

import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(REPO, 'package.json'));
const { chromium } = require('playwright-core');

const [ADDR, GOLD] = process.argv.slice(2);
const articles = JSON.parse(fs.readFileSync(GOLD, 'utf8'));

const plain = (v) => String(Number(v));
const squash = (s) => String(s).replace(/\s+/g, '').normalize('NFKC');

/// The keystrokes of a figure typed in YAML, and the pastes.
function yamlCost(f, first, article) {
  let text = first ? `  ${f.indicator}:\n` : '';
  text += `    - period: ${f.period}\n`;
  if (f.period_from) text += `      period_from: ${typeof f.period_from === 'string' ? f.period_from : `{judgement: ${JSON.stringify(f.period_from.judgement || '')}}`}\n`;
  text += `      value: ${plain(f.value)}\n`;
  if (f.status && f.status !== 'actual') text += `      status: ${f.status}\n`;
  if (f.bound) text += `      bound: "${f.bound}"\n`;
  text += '      source: \n      quote: \n';
  const keys = [...text].length;
  // quote and source: select, copy, paste each; two switches of window.
  return { keys, pastes: 6, switches: 2, actions: keys + 6 + 2, article };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-sync'],
});
const rows = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const bench = () => page.evaluate(() => JSON.parse(document.getElementById('indicity-bench').textContent));
  for (const a of articles) {
    await page.goto(`http://${ADDR}/articles/${a.article}/`);
    await page.locator('#ic-panel').waitFor();
    const row = { article: a.article, figures: a.figures.length, marked: 0, one_key: 0, edited: 0, exact: 0, differs: [], failed: [], actions: 0, yaml_actions: 0, seconds: 0 };
    const seen = new Set();
    for (const f of a.figures) {
      const first = !seen.has(f.indicator);
      seen.add(f.indicator);
      row.yaml_actions += yamlCost(f, first, a.article).actions;
      const b = await bench();
      const quote = squash(f.quote);
      const value = plain(f.value);
      const candidates = b.numbers.filter((n) => {
        const sentence = squash(n.before + n.text + n.after);
        return quote.includes(squash(n.text)) && (sentence.includes(quote) || sentence.includes(quote.slice(0, 6)));
      });
      const digits = (n) => squash(n.text).replace(/[,，]/g, '').match(/[\d.]+/)?.[0];
      // The number the quote ends at, else one of its value inside the quote.
      const ends = (n) => squash(n.before + n.text).endsWith(quote) || quote.endsWith(squash(n.text)) && squash(n.before + n.text).endsWith(quote.slice(-Math.min(quote.length, squash(n.text).length + 4)));
      const target = candidates.find((n) => ends(n) && Number(digits(n)) === Number(value))
        || candidates.find((n) => digits(n) === value) || candidates.find((n) => Number(digits(n)) === Number(value)) || candidates[0];
      if (!target) {
        row.failed.push(`${f.indicator} ${f.period} ${value}: no number of the page holds it`);
        row.actions += yamlCost(f, first, a.article).actions;
        continue;
      }
      row.marked += 1;
      const started = Date.now();
      let actions = 0;
      const buttons = await page.locator('button.ic-num').evaluateAll((bs) => bs.map((x) => Number(x.dataset.n)));
      const now = await page.evaluate(() => document.querySelector('button.ic-current')?.dataset.n);
      const from = buttons.indexOf(Number(now));
      const to = buttons.indexOf(target.n);
      const distance = Math.abs(to - from);
      await page.locator(`button.ic-num[data-n="${target.n}"]`).click();
      actions += distance === 0 ? 0 : (distance === 1 ? 1 : 1);
      const fig = target.figure;
      const same = (g) => g && g.indicator === f.indicator && String(g.period) === String(f.period)
        && g.status === (f.status || 'actual') && Math.abs(Number(g.value) - Number(f.value)) < 1e-9
        && (g.bound || null) === (f.bound ? ({ '>=': '≥', '<=': '≤', '~': '≈' }[f.bound] || f.bound) : null);
      if (target.state === 'recorded' && same(fig)) {
        row.exact += 1;
        row.actions += actions;
        continue;
      }
      const reload = () => page.waitForEvent('load', { timeout: 30000 });
      if ((target.state === 'proposed' || target.state === 'unsure') && same(fig)) {
        const loaded = reload();
        await page.keyboard.press('r');
        actions += 1;
        row.one_key += 1;
        await loaded.catch(() => row.failed.push(`${f.indicator} ${f.period} ${value}: no rebuild after r`));
      } else {
        await page.keyboard.press('e');
        actions += 1;
        let typed = 0;
        for (const c of f.indicator) {
          await page.keyboard.type(c);
          typed += 1;
          if ((await page.locator('#ic-ind').inputValue()) === f.indicator) break;
        }
        actions += typed;
        if ((await page.locator('#ic-ind').inputValue()) !== f.indicator) {
          row.failed.push(`${f.indicator}: the picker never chose it`);
          row.actions += actions + yamlCost(f, first, a.article).actions;
          await page.keyboard.press('Escape');
          continue;
        }
        await page.waitForFunction(() => document.querySelector('#ic-msg').innerText !== '', null, { timeout: 10000 }).catch(() => {});
        await page.waitForTimeout(150);
        const shown = await page.locator('#ic-period').inputValue();
        if (shown !== String(f.period)) {
          await page.locator('#ic-period').fill(String(f.period));
          actions += 2 + String(f.period).length; // select the field and its text, type
          await page.locator('#ic-period').dispatchEvent('change');
        }
        if ((await page.locator('#ic-status').inputValue()) !== (f.status || 'actual')) {
          await page.locator('#ic-status').selectOption(f.status || 'actual');
          actions += 2;
        }
        if (f.bound) {
          await page.locator('#ic-bound').selectOption(f.bound);
          actions += 2;
        }
        if (f.period_from) {
          const basis = typeof f.period_from === 'string' ? f.period_from : 'judgement';
          await page.locator('#ic-basis').selectOption(basis);
          actions += 2;
          if (basis === 'judgement') {
            const why = f.period_from.judgement || '';
            await page.locator('#ic-why').fill(why);
            await page.locator('#ic-why').dispatchEvent('change');
            actions += 1 + [...why].length;
          }
        }
        await page.waitForTimeout(300);
        const msg = await page.locator('#ic-msg').innerText();
        if (/check 通过/.test(msg)) {
          const loaded = reload();
          await page.locator('#ic-q').focus();
          await page.keyboard.press('Enter');
          actions += 1;
          row.edited += 1;
          await loaded.catch(() => row.failed.push(`${f.indicator} ${f.period} ${value}: no rebuild after Enter`));
        } else {
          row.failed.push(`${f.indicator} ${f.period} ${value}: ${msg.slice(0, 160)}`);
          row.actions += actions + yamlCost(f, first, a.article).actions;
          await page.keyboard.press('Escape');
          continue;
        }
      }
      await page.locator('#ic-panel').waitFor();
      row.seconds += (Date.now() - started) / 1000;
      row.actions += actions;
      const after = (await bench()).numbers.find((n) => n.n === target.n);
      if (after && after.state === 'recorded' && same(after.figure)) row.exact += 1;
      else row.differs.push(`${f.indicator} ${f.period} ${value}: recorded as ${after?.figure ? `${after.figure.indicator} ${after.figure.period} ${after.figure.value}` : after?.state}`);
    }
    rows.push(row);
    console.error(JSON.stringify(row));
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(rows, null, 1));
