// The curation workbench of `indicity serve` in a real browser, driven by the keyboard
// as a curator would.
//
//   node tests/browser/curate.mjs ADDR SITE_ROOT ARTICLE_ID [SCREENSHOT]
//
// Run by `cargo test --test it curate` against a server on a copy of the bundled site
// whose place file lost its figures. At 360 px, on the article's page:
//  - every number is a button, the panel shows the first one;
//  - j moves to the first proposed number, r records it, and the page, rebuilt and
//    reloaded, shows it recorded;
//  - the second: an unassigned number, e, an indicator found by its pinyin, Enter;
//  - the third: a proposal rejected with x;
//  - the fourth: an unassigned number, a, a new indicator typed in, Enter; after the
//    rebuild the number is recorded under it with e + its id + Enter;
//  - no console error on the way, no sideways scroll at 360 px, and axe-core finds
//    no serious or critical violation on the page with the workbench open.
// Prints what it recorded as JSON (the Rust side checks the files); exits non-zero
// with the reason when a check fails.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(REPO, 'package.json'));
const { chromium } = require('playwright-core');

const [ADDR, , ARTICLE, SHOT] = process.argv.slice(2);
const URL = `http://${ADDR}/articles/${ARTICLE}/`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-sync'],
});
const failures = [];
const keys = { count: 0 };
const done = [];
try {
  const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  const press = async (k) => { keys.count += 1; await page.keyboard.press(k); };
  const type = async (t) => { keys.count += 1; await page.keyboard.type(t); };
  const state = (text) => page.locator(`button.ic-num:text-is("${text}")`).first().getAttribute('class');
  const current = () => page.locator('#ic-text').innerText();
  // j until the panel shows `text`.
  const goTo = async (text) => {
    for (let i = 0; i < 80; i += 1) {
      if ((await current()) === text) return;
      await press('j');
    }
    throw new Error(`never reached ${text}`);
  };
  // The page reloads once the site is rebuilt; when it does not, what the panel says.
  const reloaded = async (action) => {
    const loaded = page.waitForEvent('load', { timeout: 30000 });
    await action();
    try {
      await loaded;
    } catch (e) {
      const said = await page.locator('#ic-msg').innerText().catch(() => '?');
      const ind = await page.locator('#ic-ind').inputValue().catch(() => '?');
      throw new Error(`no reload after the action; the panel says: ${said} (indicator ${ind}, number ${await current()})`);
    }
    await page.locator('#ic-panel').waitFor();
  };

  await page.goto(URL);
  await page.locator('#ic-panel').waitFor();
  await page.waitForTimeout(500);
  const count = await page.locator('button.ic-num').count();
  if (count < 10) failures.push(`only ${count} numbers marked`);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  if (wide > 360) failures.push(`the page scrolls sideways at 360 px: ${wide}`);
  // The workbench is for people with screen readers and keyboards too.
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const axe = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of serious) failures.push(`axe: ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`);

  // 1. A proposal, recorded with one key.
  await goTo('3759家');
  if (!(await state('3759家')).includes('ic-proposed')) failures.push(`3759家 is not proposed: ${await state('3759家')}`);
  await reloaded(() => press('r'));
  if (!(await state('3759家')).includes('ic-recorded')) failures.push(`3759家 not recorded after the reload: ${await state('3759家')}`);
  if ((await current()) !== '3759家') failures.push(`the panel did not stay on the recorded number: ${await current()}`);
  done.push('3759');

  // 2. An unassigned number, its indicator found by pinyin, recorded with Enter.
  await goTo('1572家');
  if (!(await state('1572家')).includes('ic-unassigned')) failures.push(`1572家 is not unassigned: ${await state('1572家')}`);
  await press('e');
  await type('xinrending');
  await page.waitForFunction(() => document.querySelector('#ic-ind').value === 'high_tech_enterprises_new', null, { timeout: 5000 })
    .catch(async () => failures.push(`pinyin search chose ${await page.locator('#ic-ind').inputValue()}`));
  await page.waitForFunction(() => /check 通过/.test(document.querySelector('#ic-msg').innerText), null, { timeout: 10000 })
    .catch(async () => failures.push(`no preview: ${await page.locator('#ic-msg').innerText()}`));
  const yaml = await page.locator('#ic-yaml').innerText();
  if (!/value: 1572/.test(yaml) || !/high_tech_enterprises_new/.test(yaml)) failures.push(`preview YAML: ${yaml}`);
  await reloaded(() => press('Enter'));
  if (!(await state('1572家')).includes('ic-recorded')) failures.push(`1572家 not recorded: ${await state('1572家')}`);
  done.push('1572');

  // 3. A proposal rejected.
  await page.locator('button.ic-num:text-is("72家")').first().focus();
  keys.count += 1; // one Tab-or-click to get there; counted as one action
  await press('Enter');
  if ((await current()) !== '72家') failures.push(`focus did not select 72家: ${await current()}`);
  if (!(await state('72家')).includes('ic-proposed')) failures.push(`72家 is not proposed: ${await state('72家')}`);
  await reloaded(() => press('x'));
  if (!(await state('72家')).includes('ic-rejected')) failures.push(`72家 not rejected: ${await state('72家')}`);
  done.push('72');

  // 4. A number no indicator explains: a new indicator, then recorded under it.
  await goTo('1.79亿元');
  await press('a');
  await type('高新技术企业认定奖励资金');
  await press('Tab');
  await type('high_tech_award_funds');
  await press('Tab');
  await page.locator('#ic-new-unit').fill('亿元');
  await page.locator('#ic-new-group').selectOption('money');
  await page.locator('#ic-new-name').focus();
  await reloaded(() => press('Enter'));
  if ((await current()) !== '1.79亿元') failures.push(`after the new indicator the panel shows ${await current()}`);
  await press('e');
  await type('high_tech_award_funds');
  await page.waitForFunction(() => /check 通过/.test(document.querySelector('#ic-msg').innerText), null, { timeout: 10000 })
    .catch(async () => failures.push(`no preview under the new indicator: ${await page.locator('#ic-msg').innerText()}`));
  await reloaded(() => press('Enter'));
  if (!(await state('1.79亿元')).includes('ic-recorded')) failures.push(`1.79亿元 not recorded: ${await state('1.79亿元')}`);
  done.push('1.79');

  // A write refused in place: the indicator's unit does not fit the number.
  await goTo('157场');
  await press('e');
  await type('tech_smes');
  await page.waitForFunction(() => document.querySelector('#ic-msg').classList.contains('ic-bad'), null, { timeout: 10000 })
    .catch(async () => failures.push(`no refusal in place: ${await page.locator('#ic-msg').innerText()}`));
  await press('Escape');

  if (SHOT) {
    await goTo('2437家');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: SHOT });
  }
  if (errors.length) failures.push(`console errors: ${errors.join('; ')}`);
} finally {
  await browser.close();
}
console.log(JSON.stringify({ recorded: done, keys: keys.count }));
if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
