// Reports the JavaScript a first visit downloads (the entry script and its modulepreloads, gzipped) and fails
// when it exceeds the budget. Lazy route chunks are listed separately.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 250;
const dist = new URL('../dist/', import.meta.url).pathname;
const html = readFileSync(join(dist, 'index.html'), 'utf8');

const initial = new Set();
for (const m of html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+\.js)"/g)) initial.add(m[1]);
for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)) initial.add(m[1]);
if (initial.size === 0) {
  console.error('bundle-size: no entry script found in dist/index.html');
  process.exit(1);
}

const gz = (file) => gzipSync(readFileSync(join(dist, file.replace(/^\//, '')))).length;
const kb = (n) => (n / 1024).toFixed(1);

let total = 0;
for (const file of initial) total += gz(file);
const css = [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+\.css)"/g)].map((m) => m[1]);
const cssTotal = css.reduce((sum, file) => sum + gz(file), 0);
const lazy = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js') && !initial.has(`/assets/${f}`));
const lazyTotal = lazy.reduce((sum, f) => sum + gz(`assets/${f}`), 0);

console.log(`initial JS: ${kb(total)} KB gzipped in ${initial.size} file(s) (budget ${BUDGET_KB} KB)`);
console.log(`initial CSS: ${kb(cssTotal)} KB gzipped; lazy route chunks: ${lazy.length} file(s), ${kb(lazyTotal)} KB gzipped`);
if (total > BUDGET_KB * 1024) {
  console.error(`bundle-size: initial JS is over budget (${kb(total)} KB > ${BUDGET_KB} KB)`);
  process.exit(1);
}
