// Fills in the reader's own retrieval date in a page's citation and offers a button
// that copies it.
//
// The built page cannot know when it is read: it says "[引用日期]" and asks the reader
// to put the date in (and stays byte-identical from build to build). With JavaScript
// the placeholder becomes today's date in the reader's time zone, as GB/T 7714 writes
// it (YYYY-MM-DD), and a button copies the whole citation. Without JavaScript nothing
// is lost but the convenience.
(() => {
  'use strict';
  const PLACEHOLDER = '[引用日期]';

  function today() {
    const d = new Date();
    const two = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
  }

  for (const code of document.querySelectorAll('code.citation')) {
    if (code.textContent.includes(PLACEHOLDER)) {
      code.textContent = code.textContent.replace(PLACEHOLDER, `[${today()}]`);
      const hint = document.querySelector('.about .cite-hint');
      if (hint) hint.textContent = '引用日期已填为今天。引用单个数字时，请同时注明表中“出处”一栏的原文文章。';
    }
    if (!navigator.clipboard) continue;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'copy';
    button.textContent = '复制引用';
    const status = document.createElement('span');
    status.className = 'copied';
    status.setAttribute('role', 'status');
    button.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(code.textContent);
        status.textContent = '已复制';
      } catch {
        status.textContent = '未能复制：请选中文字后手动复制';
      }
    });
    code.after(' ', button, status);
  }
})();
