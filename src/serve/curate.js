// indicity serve: the curator's workbench on an article page. Every number of the
// article is a button; the panel shows what it is, why, and records, edits,
// rejects or explains it. Keyboard first: j/k next/previous number, r record,
// e edit, x reject, a add an indicator, Esc back to the number, ? help.
// Added to article pages by the server, never by `build`.
(() => {
  const token = document.currentScript.dataset.token;
  const data = document.getElementById('indicity-bench');
  if (!data) return;
  const bench = JSON.parse(data.textContent);
  const byN = new Map(bench.numbers.map((n) => [n.n, n]));
  const buttons = [...document.querySelectorAll('button.ic-num')];
  const remember = 'indicity-curate:' + bench.article;
  let current = -1;
  let periodEdited = false;
  let busy = false;

  const el = (tag, attrs = {}, text) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const panel = el('aside', { id: 'ic-panel', 'aria-label': '整理数据 Curation' });
  panel.innerHTML = `
<h2><span class="ic-badge" id="ic-state"></span><span id="ic-text"></span><small id="ic-pos"></small></h2>
<p class="ic-sentence" id="ic-sentence"></p>
<pre id="ic-yaml" aria-label="写入地区文件的内容 YAML"></pre>
<ul id="ic-why"></ul>
<p id="ic-link" hidden><a id="ic-href" href="#">查看已记录的数据 ↗</a></p>
<form id="ic-form">
<label for="ic-q">指标（中文或拼音搜索）<kbd>e</kbd></label>
<input id="ic-q" type="search" autocomplete="off" placeholder="高企 / gaoqi / gxjsqy">
<select id="ic-ind" size="5" aria-label="指标"></select>
<div class="ic-row">
<div><label for="ic-period">时期</label><input id="ic-period" placeholder="2023, 2023-H1"></div>
<div><label for="ic-status">状态</label><select id="ic-status"><option value="actual">实际 actual</option><option value="target">目标 target</option></select></div>
<div><label for="ic-bound">界限</label><select id="ic-bound"><option value="">按原文</option><option value="none">无</option><option value="&gt;">&gt;</option><option value="&gt;=">≥</option><option value="&lt;">&lt;</option><option value="&lt;=">≤</option><option value="~">≈</option></select></div>
</div>
<div class="ic-row">
<div><label for="ic-basis">时期依据</label><select id="ic-basis"><option value="">按原文</option><option value="date">文章日期 date</option><option value="previous-year">日期上一年 previous-year</option><option value="title">标题年份 title</option><option value="address">原文地址 address</option><option value="judgement">编者判断 judgement</option></select></div>
<div><label for="ic-why">判断理由</label><input id="ic-why" disabled></div>
</div>
<div class="ic-actions">
<button type="submit" id="ic-record">记录 <kbd>r</kbd></button>
<button type="button" id="ic-reject">拒绝 <kbd>x</kbd></button>
<button type="button" id="ic-add">新增指标 <kbd>a</kbd></button>
</div>
</form>
<form id="ic-new" hidden>
<label for="ic-new-name">指标名称</label><input id="ic-new-name" required>
<div class="ic-row">
<div><label for="ic-new-id">id</label><input id="ic-new-id" required pattern="[a-z0-9]+(_[a-z0-9]+)*"></div>
<div><label for="ic-new-unit">单位</label><input id="ic-new-unit" required></div>
</div>
<label for="ic-new-en">English name</label><input id="ic-new-en">
<label for="ic-new-group">主题</label><select id="ic-new-group"></select>
<div class="ic-actions"><button type="submit" id="ic-new-add">添加到指标目录</button><button type="button" id="ic-new-cancel">取消 <kbd>Esc</kbd></button></div>
</form>
<p class="ic-msg" id="ic-msg" role="status" aria-live="polite"></p>
<p class="ic-help" id="ic-help" hidden><kbd>j</kbd>/<kbd>k</kbd> 下一个/上一个数字 · <kbd>r</kbd> 记录 · <kbd>e</kbd> 编辑 · <kbd>x</kbd> 拒绝 · <kbd>a</kbd> 新增指标 · <kbd>Esc</kbd> 回到数字 · <kbd>?</kbd> 帮助</p>`;
  document.body.appendChild(panel);
  document.body.classList.add('ic-on');
  const $ = (id) => document.getElementById(id);

  // The catalogue, by theme; each option searchable by id, name and pinyin.
  const select = $('ic-ind');
  for (const theme of bench.themes) {
    const group = el('optgroup', { label: theme.label });
    for (const i of theme.indicators) {
      const o = el('option', { value: i.id }, `${i.name}（${i.unit}）`);
      o.dataset.search = [i.id, i.name, i.pinyin, i.initials].join(' ').toLowerCase();
      o.dataset.unit = i.unit;
      group.appendChild(o);
    }
    select.appendChild(group);
    $('ic-new-group').appendChild(el('option', { value: theme.group }, theme.label));
  }
  if (!$('ic-new-group').querySelector('option[value="platforms"]')) {
    for (const [g, l] of [['enterprises', '企业'], ['rd', '研发与成果'], ['platforms', '平台与孵化载体'], ['talent', '人才'], ['money', '资金与金融']]) {
      if (!$('ic-new-group').querySelector(`option[value="${g}"]`)) $('ic-new-group').appendChild(el('option', { value: g }, l));
    }
  }
  // Shows the indicators the search finds; the first of them counted in the number's
  // unit is chosen.
  const filter = () => {
    const q = $('ic-q').value.trim().toLowerCase();
    const text = number() ? number().text : '';
    let first = null;
    let fitting = null;
    for (const o of select.querySelectorAll('option')) {
      o.hidden = q !== '' && !o.dataset.search.includes(q);
      if (o.hidden) continue;
      if (!first) first = o;
      if (!fitting && text.endsWith(o.dataset.unit)) fitting = o;
    }
    const best = fitting || first;
    if (q && best) select.value = best.value;
  };

  const say = (text, bad = false) => {
    $('ic-msg').textContent = text;
    $('ic-msg').classList.toggle('ic-bad', bad);
  };

  const number = () => byN.get(Number(buttons[current]?.dataset.n));

  function show(i, focus = true) {
    if (!buttons.length) return;
    current = (i + buttons.length) % buttons.length;
    buttons.forEach((b, k) => b.classList.toggle('ic-current', k === current));
    const n = number();
    sessionStorage.setItem(remember, String(n.n));
    $('ic-state').textContent = n.state_label;
    $('ic-text').textContent = n.text;
    $('ic-pos').textContent = `${current + 1} / ${buttons.length}`;
    const s = $('ic-sentence');
    s.replaceChildren(n.before, el('mark', {}, n.text), n.after);
    $('ic-yaml').textContent = n.figure ? n.figure.yaml : '（尚无：选择指标后预览）';
    $('ic-why').replaceChildren(...n.why.map((w) => el('li', {}, w)));
    $('ic-link').hidden = !n.href;
    if (n.href) $('ic-href').href = n.href;
    $('ic-q').value = '';
    previewed = '';
    filter();
    select.value = n.figure ? n.figure.indicator : '';
    $('ic-period').value = n.figure ? n.figure.period : '';
    periodEdited = false;
    $('ic-status').value = n.figure ? n.figure.status : 'actual';
    $('ic-bound').value = '';
    $('ic-basis').value = '';
    $('ic-why').value = '';
    $('ic-why').disabled = true;
    $('ic-new').hidden = true;
    $('ic-form').hidden = false;
    $('ic-reject').disabled = !(n.state === 'proposed' || n.state === 'unsure');
    say(bench.writes || '');
    if (focus) buttons[current].focus();
  }

  const pick = () => {
    const n = number();
    return {
      article: bench.article, run: n.run, at: n.at,
      indicator: select.value, status: $('ic-status').value,
      period: periodEdited ? $('ic-period').value : '',
      bound: $('ic-bound').value, base: bench.base,
      period_from: $('ic-basis').value, judgement: $('ic-why').value,
    };
  };

  async function post(what, body) {
    const r = await fetch(`/.indicity/curate/${what}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Indicity-Token': token },
      body: JSON.stringify(body),
    });
    let answer = {};
    try { answer = await r.json(); } catch (_) { answer = { why: `HTTP ${r.status}` }; }
    return { status: r.status, ...answer };
  }

  const changed = (a) => {
    say(a.why, true);
    setTimeout(() => location.reload(), 1500);
  };

  let previewed = '';
  async function preview() {
    if (!select.value || current < 0) return;
    const asked = JSON.stringify(pick());
    if (asked === previewed) return;
    previewed = asked;
    let a = await post('preview', pick());
    if (asked !== previewed) return;
    // No period read for this indicator: the one the field shows, if any.
    if (!a.ok && !periodEdited && $('ic-period').value) {
      periodEdited = true;
      a = await post('preview', pick());
      if (!a.ok) periodEdited = false;
    }
    if (a.ok) {
      $('ic-yaml').textContent = a.result.figure.yaml;
      if (!periodEdited) $('ic-period').value = a.result.figure.period;
      say('check 通过：按 r 记录');
    } else if (a.status === 409) changed(a);
    else say(a.why, true);
  }

  async function record() {
    const n = number();
    if (busy || !n) return;
    if (!select.value) { say('先选择指标（按 e）', true); $('ic-q').focus(); return; }
    busy = true;
    const a = await post('record', pick());
    busy = false;
    if (a.ok) {
      say(`已记录到 ${bench.place_file}：正在重建…`);
      buttons[current].classList.replace(`ic-${n.state}`, 'ic-recorded');
      n.state = 'recorded';
      // Reloaded by the live-reload stream once the site is rebuilt.
    } else if (a.status === 409) changed(a);
    else say(a.why, true);
  }

  async function reject() {
    const n = number();
    if (busy || !n || !(n.state === 'proposed' || n.state === 'unsure')) return;
    busy = true;
    const a = await post('reject', { article: bench.article, run: n.run, at: n.at });
    busy = false;
    if (a.ok) { say('已拒绝：不再建议'); location.reload(); } else say(a.why, true);
  }

  function addForm() {
    const n = number();
    if (!n) return;
    $('ic-form').hidden = true;
    $('ic-new').hidden = false;
    $('ic-new-unit').value = (n.text.match(/[^\d.,，．０-９\s]+$/) || [''])[0].replace(/^[万亿千百]+/, '') || '';
    $('ic-new-name').focus();
  }

  async function addIndicator() {
    const n = number();
    const a = await post('indicator', {
      article: bench.article, id: $('ic-new-id').value, name: $('ic-new-name').value,
      name_en: $('ic-new-en').value, unit: $('ic-new-unit').value,
      group: $('ic-new-group').value, example: n ? n.text : '', base: bench.catalogue_base,
    });
    if (a.ok) say(`已添加指标 ${a.result.id}：正在重建…`);
    else if (a.status === 409) changed(a);
    else say(a.why, true);
  }

  buttons.forEach((b, k) => b.addEventListener('click', () => show(k)));
  $('ic-q').addEventListener('input', () => { filter(); preview(); });
  select.addEventListener('change', preview);
  $('ic-period').addEventListener('input', () => { periodEdited = true; });
  $('ic-period').addEventListener('change', preview);
  $('ic-status').addEventListener('change', preview);
  $('ic-bound').addEventListener('change', preview);
  $('ic-basis').addEventListener('change', () => {
    $('ic-why').disabled = $('ic-basis').value !== 'judgement';
    preview();
  });
  $('ic-why').addEventListener('change', preview);
  $('ic-form').addEventListener('submit', (e) => { e.preventDefault(); record(); });
  $('ic-reject').addEventListener('click', reject);
  $('ic-add').addEventListener('click', addForm);
  $('ic-new').addEventListener('submit', (e) => { e.preventDefault(); addIndicator(); });
  $('ic-new-cancel').addEventListener('click', () => show(current));

  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const field = e.target.closest && e.target.closest('input, select, textarea');
    if (e.key === 'Escape') {
      if (current >= 0) show(current);
      e.preventDefault();
      return;
    }
    if (field) return;
    const keys = {
      j: () => show(current + 1), n: () => show(current + 1),
      k: () => show(current - 1), p: () => show(current - 1),
      r: record, x: reject, a: addForm,
      e: () => { if (current < 0) show(0); $('ic-q').focus(); },
      '?': () => { $('ic-help').hidden = !$('ic-help').hidden; },
    };
    const act = keys[e.key];
    if (act) { e.preventDefault(); act(); }
  });

  const last = Number(sessionStorage.getItem(remember));
  const at = buttons.findIndex((b) => Number(b.dataset.n) === last);
  if (buttons.length) show(at >= 0 ? at : 0, at >= 0);
  else say('本文没有数字 / no numbers in this article');
  if (bench.problem) say(bench.problem, true);
})();
