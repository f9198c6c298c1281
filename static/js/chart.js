// Offers each chart of the page as an SVG file to download.
//
// The pages carry their charts inline (so they are themed by the page, printed with it
// and read by screen readers); writing each one a second time as a file of its own
// would double the bytes of every chart on the site. The file is made here, from the
// chart the reader sees, only when it is asked for. Without JavaScript the page loses
// only this button.
//
// A downloaded chart has no page around it: it gets its own colours (light and dark)
// and a font stack with CJK fonts, and the XML declaration of a standalone file.
(() => {
  'use strict';
  const STYLE =
    'svg{color:#1f2328;background:#fff;font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Zen Hei",sans-serif}' +
    'text{font-family:inherit}' +
    '@media (prefers-color-scheme:dark){svg{color:#e6e6e6;background:#16181d}}';

  function standalone(svg) {
    const copy = svg.cloneNode(true);
    copy.removeAttribute('class');
    const style = document.createElementNS('http://www.w3.org/2000/svg', 'style');
    style.textContent = STYLE;
    const desc = copy.querySelector('desc');
    copy.insertBefore(style, desc ? desc.nextSibling : copy.firstChild);
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(copy) + '\n';
  }

  for (const figure of document.querySelectorAll('figure.chart[data-download]')) {
    const svg = figure.querySelector('svg');
    const caption = figure.querySelector('figcaption');
    if (!svg || !caption) continue;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'download';
    button.textContent = '下载图表（SVG）';
    const title = svg.querySelector('title');
    if (title) button.setAttribute('aria-label', `下载图表（SVG）：${title.textContent}`);
    button.addEventListener('click', () => {
      const url = URL.createObjectURL(new Blob([standalone(svg)], { type: 'image/svg+xml' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = figure.dataset.download;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    });
    caption.append(' ', button);
  }
})();
