// An allow-list HTML cleaner for the editor's live preview. The server sanitises every saved body; the preview
// shows text that has not been saved yet, so it is cleaned here too before it reaches the page: unknown elements
// keep only their text, scripts/styles/frames are dropped with their content, attributes are limited to a few
// safe ones, and links and images accept only http(s), mailto and same-site addresses.

const ALLOWED_TAGS = new Set([
  'a', 'abbr', 'b', 'blockquote', 'br', 'caption', 'cite', 'code', 'dd', 'del', 'div', 'dl', 'dt', 'em', 'figcaption',
  'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'ins', 'kbd', 'li', 'mark', 'ol', 'p', 'pre', 'q', 's',
  'small', 'span', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'u', 'ul',
]);

/** Removed together with everything inside them. */
const DROPPED_TAGS = new Set([
  'script', 'style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'noscript', 'template', 'svg', 'math', 'link',
  'meta', 'base', 'form', 'input', 'button', 'textarea', 'select', 'option', 'head', 'title', 'audio', 'video', 'source',
  'track', 'canvas', 'applet', 'xml',
]);

const ALLOWED_ATTRS: Record<string, string[]> = {
  a: ['href', 'title'],
  img: ['src', 'alt', 'title', 'width', 'height'],
  td: ['colspan', 'rowspan'],
  th: ['colspan', 'rowspan', 'scope'],
  ol: ['start'],
  abbr: ['title'],
};

/** http(s), mailto, and relative addresses (no `javascript:`, `data:`, `vbscript:` or protocol-relative `//`). */
export function isSafeUrl(value: string, kind: 'href' | 'src'): boolean {
  // Browsers ignore control characters and whitespace inside a scheme ("java\tscript:").
  const v = value.replace(/[\u0000-\u0020\u007f]/g, '');
  if (v === '') return false;
  if (v.startsWith('//')) return false;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(v)?.[1]?.toLowerCase();
  if (!scheme) return true;
  if (scheme === 'http' || scheme === 'https') return true;
  return kind === 'href' && scheme === 'mailto';
}

function cleanChildren(source: Node, target: Node, doc: Document) {
  for (const child of Array.from(source.childNodes)) {
    if (child.nodeType === Node.TEXT_NODE) {
      target.appendChild(doc.createTextNode(child.textContent ?? ''));
      continue;
    }
    if (child.nodeType !== Node.ELEMENT_NODE) continue; // comments, processing instructions
    const element = child as Element;
    const tag = element.tagName.toLowerCase();
    if (DROPPED_TAGS.has(tag)) continue;
    if (!ALLOWED_TAGS.has(tag)) {
      // Unknown wrapper: keep what it says, not what it is.
      cleanChildren(element, target, doc);
      continue;
    }
    const copy = doc.createElement(tag);
    for (const name of ALLOWED_ATTRS[tag] ?? []) {
      const value = element.getAttribute(name);
      if (value === null) continue;
      if ((name === 'href' || name === 'src') && !isSafeUrl(value, name)) continue;
      copy.setAttribute(name, value);
    }
    if (tag === 'a' && copy.hasAttribute('href')) {
      copy.setAttribute('target', '_blank');
      copy.setAttribute('rel', 'noopener noreferrer nofollow');
    }
    if (tag === 'img') {
      if (!copy.hasAttribute('src')) continue;
      copy.setAttribute('loading', 'lazy');
    }
    cleanChildren(element, copy, doc);
    target.appendChild(copy);
  }
}

/** Returns HTML with only allowed elements and attributes (an inert document parses the input: nothing runs). */
export function sanitizeHtml(html: string): string {
  const parsed = new DOMParser().parseFromString(`<!doctype html><body>${html}`, 'text/html');
  const out = document.implementation.createHTMLDocument('');
  const root = out.createElement('div');
  cleanChildren(parsed.body, root, out);
  return root.innerHTML;
}

/** Words in the text of an HTML body (a live estimate; the server's count is the one saved). */
export function countWords(html: string): number {
  const parsed = new DOMParser().parseFromString(`<!doctype html><body>${html}`, 'text/html');
  for (const el of Array.from(parsed.body.querySelectorAll('script, style'))) el.remove();
  // Block ends separate words that the markup joins ("</p><p>").
  for (const el of Array.from(parsed.body.querySelectorAll('p, li, h1, h2, h3, h4, h5, h6, td, th, br, div, blockquote'))) {
    el.append(' ');
  }
  const text = parsed.body.textContent ?? '';
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}
