// `indicity serve` in a real browser: the page reloads itself and shows errors.
//
//   node tests/browser/serve.mjs ADDR SITE_ROOT
//
// Run by `cargo test --test it serve` against a server it started on SITE_ROOT (a copy
// of the bundled site). Opens Fuzhou's page in headless Debian Chromium, then edits
// the files the way a curator does and checks what the open page shows, without ever
// reloading it from here:
//  - a wrong value: the error overlay appears, covers the page, is visible, and
//    names content/cities/fuzhou.yaml with line and column;
//  - the fix: the page reloads by itself and the overlay is gone;
//  - a corrected figure (article sentence and YAML): the page reloads by itself and
//    shows the new value;
//  - no console error on the way.
// Exits non-zero, with the reason, when a check fails.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(REPO, 'package.json'));
const { chromium } = require('playwright-core');

const [ADDR, ROOT] = process.argv.slice(2);
const YAML = path.join(ROOT, 'content/cities/fuzhou.yaml');
const ARTICLE = path.join(ROOT, 'content/articles/fuzhou/2023-02-13-fuzhou-guojia-gaoxin-jishu.md');
const ROW = '#fig-tech_smes-2022-actual td.num';

function edit(file, from, to) {
  const text = fs.readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} has no ${from}`);
  fs.writeFileSync(file, text.replace(from, to));
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-sync'],
});
const failures = [];
try {
  const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://${ADDR}/cities/fuzhou/`);
  const value = () => page.locator(ROW).innerText();
  if ((await value()) !== '2,437家') failures.push(`first value: ${await value()}`);
  // Wait for the event stream to be open (the page reloads on a missed rebuild).
  await page.waitForTimeout(500);

  edit(YAML, 'value: 2437', 'value: 2438');
  const overlay = page.locator('#indicity-overlay');
  await overlay.waitFor({ state: 'visible', timeout: 20000 });
  const text = await overlay.innerText();
  if (!/content\/cities\/fuzhou\.yaml:\d+:\d+/.test(text)) failures.push(`overlay without file:line:col:\n${text}`);
  const box = await overlay.boundingBox();
  if (!box || box.width < 360 || box.height < 740) failures.push(`the overlay does not cover the page: ${JSON.stringify(box)}`);
  const onTop = await page.evaluate(() => document.elementFromPoint(180, 370)?.closest('#indicity-overlay') !== null);
  if (!onTop) failures.push('the overlay is under the page');

  edit(YAML, 'value: 2438', 'value: 2437');
  await page.waitForEvent('load', { timeout: 20000 });
  if (await overlay.count()) failures.push('the overlay stayed after the fix');

  edit(ARTICLE, '中小企业2437家', '中小企业2473家');
  edit(YAML, 'value: 2437', 'value: 2473');
  edit(YAML, 'quote: 全市备案科技型中小企业2437家', 'quote: 全市备案科技型中小企业2473家');
  await page.waitForFunction((sel) => document.querySelector(sel)?.innerText === '2,473家', ROW, { timeout: 20000 })
    .catch(async () => failures.push(`the page never showed the new value: ${await value()}`));
  if (errors.length) failures.push(`console errors: ${errors.join('; ')}`);
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
console.log('serve in the browser: overlay, recovery and reload on edit all work');
