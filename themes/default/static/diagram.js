/* Draws mermaid diagrams with the theme's copy of mermaid, under the page's
   CSP (style-src 'self', no 'unsafe-inline'): mermaid's <style> elements and
   style attributes are applied through the CSSOM instead, which CSP allows.
   The library (3.4 MiB) is fetched only when a diagram comes near the screen
   (or the page is printed): the steps never wait for it, and its box is
   reserved by the stylesheet, so drawing moves nothing. */
(function () {
  'use strict';
  var figures = document.querySelectorAll('figure.diagram[data-diagram="mermaid"]');
  if (!figures.length) return;
  var self = document.currentScript;
  var library = self && self.src ? self.src.replace(/diagram\.js(\?.*)?$/, 'vendor/mermaid/mermaid.min.js') : null;

  var sheets = [];
  function adopt(css) {
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      sheets.push(sheet);
      document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
    } catch (e) { /* a diagram without its styles is still drawn */ }
  }

  // While mermaid draws, a <style> it creates is an inert element whose CSS
  // goes to an adopted stylesheet, and style attributes go through el.style.
  var createElement = document.createElement;
  var setAttribute = Element.prototype.setAttribute;
  var parseFromString = DOMParser.prototype.parseFromString;
  // Parsed documents share the page's CSP: a parsed style attribute is a
  // violation, so it is parsed as data-cairn-style and applied by insertSvg.
  function renameStyleAttributes(markup) {
    return String(markup).replace(/<[a-zA-Z][^>]*>/g, function (tag) {
      return tag.replace(/(\s)style(\s*=)/gi, '$1data-cairn-style$2');
    });
  }
  function patch() {
    DOMParser.prototype.parseFromString = function (markup, type) {
      return parseFromString.call(this, renameStyleAttributes(markup), type);
    };
    document.createElement = function (name, options) {
      if (String(name).toLowerCase() !== 'style') return createElement.call(document, name, options);
      var el = createElement.call(document, 'cairn-style');
      var css = '';
      ['innerHTML', 'textContent', 'innerText'].forEach(function (prop) {
        Object.defineProperty(el, prop, {
          get: function () { return css; },
          set: function (v) { css = String(v); adopt(css); }
        });
      });
      return el;
    };
    Element.prototype.setAttribute = function (name, value) {
      if (String(name).toLowerCase() === 'style') {
        this.style.cssText = value;
        return;
      }
      return setAttribute.call(this, name, value);
    };
  }
  function unpatch() {
    DOMParser.prototype.parseFromString = parseFromString;
    document.createElement = createElement;
    Element.prototype.setAttribute = setAttribute;
  }

  // Parsed inertly, then inserted with its style attributes moved to el.style.
  function insertSvg(container, svgText) {
    var doc = parseFromString.call(new DOMParser(), renameStyleAttributes(svgText), 'image/svg+xml');
    var svg = doc.documentElement;
    if (!svg || svg.nodeName.toLowerCase() !== 'svg') return false;
    Array.prototype.forEach.call(svg.querySelectorAll('style, cairn-style, script'), function (el) {
      if (el.nodeName.toLowerCase() === 'style') adopt(el.textContent);
      el.remove();
    });
    var live = document.importNode(svg, true);
    container.appendChild(live);
    [live].concat(Array.prototype.slice.call(live.querySelectorAll('[data-cairn-style]'))).forEach(function (el) {
      var css = el.getAttribute('data-cairn-style');
      if (css === null) return;
      el.style.cssText = css;
      el.removeAttribute('data-cairn-style');
    });
    return true;
  }

  async function drawAll() {
    var mermaid = window.mermaid;
    if (!mermaid) return;
    var dark = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches;
    mermaid.initialize({
      startOnLoad: false,
      securityLevel: 'strict',
      theme: dark ? 'dark' : 'default',
      htmlLabels: false,
      flowchart: { htmlLabels: false }
    });
    patch();
    try {
      for (var i = 0; i < figures.length; i++) {
        var figure = figures[i];
        var code = figure.querySelector('code');
        if (!code) continue;
        try {
          var result = await mermaid.render('cairn-diagram-' + i, code.textContent);
          var holder = document.createElement('div');
          holder.className = 'diagram-drawing';
          figure.insertBefore(holder, figure.firstChild);
          if (insertSvg(holder, result.svg)) figure.setAttribute('data-drawn', 'true');
        } catch (e) {
          figure.setAttribute('data-error', String(e && e.message || e).slice(0, 200));
        }
      }
    } finally {
      unpatch();
    }
  }

  var started = false;
  function start() {
    if (started) return;
    started = true;
    if (window.mermaid) { drawAll(); return; }
    if (!library) return;
    var script = document.createElement('script');
    script.src = library;
    script.onload = drawAll;
    document.head.appendChild(script);
  }
  var printing = window.matchMedia && window.matchMedia('print').matches;
  if ('IntersectionObserver' in window && !printing) {
    var seen = new IntersectionObserver(function (entries) {
      if (!entries.some(function (e) { return e.isIntersecting; })) return;
      seen.disconnect();
      start();
    }, { rootMargin: '300px 0px' });
    Array.prototype.forEach.call(figures, function (f) { seen.observe(f); });
    window.addEventListener('beforeprint', start);
  } else {
    start();
  }
})();
