// End-to-end: the built app (web/dist) against a real `igny8 serve` on a fresh database, in headless Chromium.
//
//   sign up → onboarding (a site with 2 sectors) → dashboard shows the site → Settings/Team invites an editor
//   → sign out → sign in again → Settings/AI connection test in the progress modal → credit badge −1 → bell
//   shows the finished task → mark all read → notifications page → task page → planner (e2e/planner.mjs: CSV
//   import with preview, auto-cluster, clusters, ideas with outlines, keyword library, prompts) → writer
//   (e2e/writer.mjs: queue an idea, write it, the editor, images, review, approve, content settings) → phone
//   width (the keywords page and the article editor) and dark mode
//
// Needs web/dist (`npm run build`) and ../target/debug/igny8 (or IGNY8_BIN); Chromium at /usr/bin/chromium (or
// CHROMIUM_PATH). Screenshots of every step go to web/test-results/. Exits non-zero on any failure and always
// stops the server it started.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { plannerFlow } from './planner.mjs';
import { securityFlow } from './security.mjs';
import { writerFlow } from './writer.mjs';

const WEB = dirname(dirname(fileURLToPath(import.meta.url)));
const DIST = join(WEB, 'dist');
const RESULTS = join(WEB, 'test-results');
const BIN = process.env.IGNY8_BIN ?? join(WEB, '..', 'target', 'debug', 'igny8');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HEADED = process.env.E2E_HEADED === '1';

const cleanups = [];
const spawned = [];
let finished = false;
/** The page to photograph if a step fails, and the server's output to show. */
const state = { page: null, serverOutput: null };
async function cleanup() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try {
      await fn();
    } catch {
      // keep cleaning
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    void cleanup().finally(() => process.exit(130));
  });
}
process.on('exit', () => {
  // Last resort if something skipped the normal path: never leave the server running.
  for (const child of spawned) if (child.exitCode === null) child.kill('SIGKILL');
});

function log(message) {
  process.stdout.write(`[e2e] ${message}\n`);
}

async function sleep(ms) {
  await new Promise((r) => setTimeout(r, ms));
}

async function portIsFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function freePort(from, to) {
  const start = from + Math.floor(Math.random() * (to - from + 1));
  for (let i = 0; i <= to - from; i++) {
    const port = from + ((start - from + i) % (to - from + 1));
    if (await portIsFree(port)) return port;
  }
  throw new Error(`no free port in ${from}-${to}`);
}

async function waitForBinary() {
  // Another engineer may be relinking it: give that a moment.
  for (let i = 0; i < 60 && !existsSync(BIN); i++) await sleep(2000);
  if (!existsSync(BIN)) throw new Error(`${BIN} not found (build the server first, or set IGNY8_BIN)`);
}

async function fetchText(url) {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
}

async function startServer() {
  await waitForBinary();
  const port = await freePort(18100, 18149);
  const dataDir = mkdtempSync(join(tmpdir(), 'igny8-e2e-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const output = [];
  const child = spawn(BIN, ['serve', '--bind', `127.0.0.1:${port}`], {
    env: {
      ...process.env,
      IGNY8_DATA_DIR: dataDir,
      IGNY8_LOG_LEVEL: 'warn',
      IGNY8_DEMO_ACCOUNT: 'false',
      IGNY8_AUTH_RATE_PER_MINUTE: '1000',
      IGNY8_LOGIN_RATE_PER_MINUTE: '100',
      // Reads keep the shipped limit: the walk (far brisker than a person) must never meet it.
      IGNY8_WRITE_RATE_PER_MINUTE: '1000',
      IGNY8_AI_RATE_PER_MINUTE: '200',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  spawned.push(child);
  child.stdout.on('data', (d) => output.push(String(d)));
  child.stderr.on('data', (d) => output.push(String(d)));
  cleanups.push(async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    for (let i = 0; i < 30 && child.exitCode === null; i++) await sleep(100);
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`igny8 serve exited with ${child.exitCode}:\n${output.join('')}`);
    try {
      const ping = await fetch(`${base}/api/v1/system/ping/`);
      if (ping.ok) return { base, output, dataDir };
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  throw new Error(`igny8 serve did not answer on ${base}:\n${output.join('')}`);
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * The server embeds web/dist; a debug binary compiled before web/dist existed cannot serve it. Then this small
 * front serves dist with the same SPA fallback and passes /api/ to the server, so the flow still runs.
 */
async function startFront(apiBase) {
  const api = new URL(apiBase);
  const server = http.createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    if (path.startsWith('/api/') || path === '/readyz') {
      const upstream = http.request(
        { host: api.hostname, port: api.port, path: req.url, method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      req.pipe(upstream);
      return;
    }
    const file = normalize(join(DIST, path));
    const inside = file.startsWith(DIST);
    if (inside && existsSync(file) && statSync(file).isFile()) {
      res.writeHead(200, { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
    } else if (extname(path)) {
      res.writeHead(404);
      res.end('Not found.');
    } else {
      res.writeHead(200, { 'Content-Type': MIME['.html'] });
      res.end(readFileSync(join(DIST, 'index.html')));
    }
  });
  const port = await freePort(18150, 18199);
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${port}`;
}

/**
 * Counts, per tab and per page load, what the app asks the API for: the session's own answers (`/auth/me`, the
 * credit balance, the unread count) must be asked once per load and then shared, never again in a burst; no answer
 * may be a 429 (the walk keeps the shipped read limit). `allow(kind)` permits one more of a kind in the current
 * load of a tab (an edit of the account asks for `/auth/me` again, as does signing in without a reload).
 */
function watchTraffic(context) {
  const SHARED = {
    me: /\/api\/v1\/auth\/me\/?$/,
    balance: /\/api\/v1\/billing\/credits\/balance\/?$/,
    unread: /\/api\/v1\/notifications\/unread_count\/?$/,
  };
  const loads = new Map(); // page → current load: { n, counts, allowed, times }
  const all = { loads: 0, reads: 0, readTimes: [], paths: {}, limited: [], me: 0, balance: 0, unread: 0, bursts: [], over: [] };
  const loadOf = (page) => {
    if (!loads.has(page)) loads.set(page, { n: 0, counts: {}, allowed: {}, times: {} });
    return loads.get(page);
  };
  context.on('page', (page) => {
    page.on('request', (request) => {
      if (request.frame() !== page.mainFrame() || request.resourceType() !== 'document') return;
      all.loads += 1;
      loads.set(page, { n: loadOf(page).n + 1, counts: {}, allowed: {}, times: {} });
    });
    page.on('response', (response) => {
      const request = response.request();
      if (response.status() === 429) all.limited.push(`${request.method()} ${new URL(response.url()).pathname}`);
      const url = new URL(request.url());
      // What the per-user limit counts: signed-in reads (image files open by signed link, without credentials).
      if (!url.pathname.startsWith('/api/') || request.method() !== 'GET' || !request.headers().authorization) return;
      // Live streams are not counted by the limit either.
      if (/\/(events|stream)\/?$/.test(url.pathname)) return;
      all.reads += 1;
      all.readTimes.push(Date.now());
      const key = url.pathname.replace(/\/\d+(?=\/|$)/g, '/{id}');
      all.paths[key] = (all.paths[key] ?? 0) + 1;
      // A 401 renewed the session and was asked again: that second answer is the one that counts.
      if (response.status() === 401) return;
      for (const [kind, pattern] of Object.entries(SHARED)) {
        if (!pattern.test(url.pathname)) continue;
        const load = loadOf(page);
        all[kind] += 1;
        load.counts[kind] = (load.counts[kind] ?? 0) + 1;
        const now = Date.now();
        const last = load.times[kind];
        if (last !== undefined && now - last < 500) all.bursts.push(`${kind} twice within ${now - last} ms (${page.url()})`);
        load.times[kind] = now;
        if (load.counts[kind] > 1 + (load.allowed[kind] ?? 0)) all.over.push(`${kind} ${load.counts[kind]} times in one load of ${page.url()}`);
      }
    });
  });
  return {
    allow(page, kind) {
      const load = loadOf(page);
      load.allowed[kind] = (load.allowed[kind] ?? 0) + 1;
    },
    summary: () => {
      // The most reads in any 60 s (what a per-minute limit sees).
      let peak = 0;
      for (let i = 0, j = 0; i < all.readTimes.length; i++) {
        while (all.readTimes[i] - all.readTimes[j] >= 60_000) j++;
        peak = Math.max(peak, i - j + 1);
      }
      return { ...all, peakPerMinute: peak };
    },
  };
}

async function main() {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error('web/dist is missing: run `npm run build` first');
  mkdirSync(RESULTS, { recursive: true });
  // Screenshots of an earlier run would mix with this one's numbering.
  for (const name of readdirSync(RESULTS)) if (name.endsWith('.png')) rmSync(join(RESULTS, name));

  const { base: apiBase, output } = await startServer();
  state.serverOutput = output;
  let base = apiBase;
  const home = await fetchText(`${apiBase}/signin`);
  if (!home.text.includes('<div id="root">')) {
    log('this igny8 binary does not serve web/dist (it was compiled before web/dist existed); serving dist from a local front instead');
    base = await startFront(apiBase);
  }
  log(`app at ${base}`);

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: !HEADED,
    // Playwright gives every launch a fresh temporary profile (its equivalent of --user-data-dir) and adds
    // --headless itself.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  cleanups.push(() => browser.close());

  const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, colorScheme: 'light' });
  const traffic = watchTraffic(context);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  state.page = page;
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (msg) => {
    // The browser logs every 4xx answer; the flow provokes some on purpose (plan limit, expired token, bad link).
    if (msg.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())) {
      problems.push(`console error: ${msg.text()}`);
    }
  });

  let shot = 0;
  /**
   * `fullPage: false` photographs the viewport only (long articles would make very tall images); `element`
   * photographs one element (scrolled into view).
   */
  const screenshot = async (name, target = page, { fullPage = true, element = null, keepScroll = false } = {}) => {
    shot += 1;
    const file = join(RESULTS, `${String(shot).padStart(2, '0')}-${name}.png`);
    if (element) {
      await element.screenshot({ path: file });
      log(`screenshot ${file}`);
      return;
    }
    // Fixed header and sidebar are drawn where the viewport is: photograph from the top (unless the page was
    // scrolled to what the picture is about; then only the viewport).
    if (keepScroll) {
      await target.waitForTimeout(250);
      await target.screenshot({ path: file, fullPage: false });
      log(`screenshot ${file}`);
      return;
    }
    await target.evaluate(() => window.scrollTo(0, 0));
    await target.waitForTimeout(250);
    await target.screenshot({ path: file, fullPage });
    log(`screenshot ${file}`);
  };
  const step = (name) => log(`step: ${name}`);
  const waitForSelectedSite = async (name, p = page) => {
    await p.waitForFunction(
      (wanted) =>
        [...document.querySelectorAll('[data-testid="site-selector"]')].some(
          (el) => el instanceof HTMLSelectElement && el.offsetParent !== null && el.selectedOptions[0]?.textContent === wanted,
        ),
      name,
    );
  };

  const email = `owner-${Date.now()}@example.com`;
  const password = 'correct-horse-battery-staple';
  const siteName = 'Wellness Weekly';

  step('sign up');
  await page.goto(`${base}/`);
  await page.waitForURL('**/signin');
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByLabel('First name').fill('Olive');
  await page.getByLabel('Last name').fill('Owner');
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel(/Account name/).fill('Olive Media');
  await screenshot('signup');
  await page.getByRole('button', { name: 'Create account' }).click();

  step('onboarding: add a site with two sectors');
  await page.waitForURL('**/onboarding');
  await page.getByRole('heading', { name: /Let's add your first site/ }).waitFor();
  await page.getByLabel('Site name').fill(siteName);
  await page.getByLabel(/Website address/).fill('wellness-weekly.example.com');
  await page.getByLabel('Industry').selectOption({ label: 'Health & Wellness' });
  const sectorBoxes = page.getByRole('group', { name: 'Sectors' }).getByRole('checkbox');
  await sectorBoxes.first().waitFor();
  await sectorBoxes.nth(0).check();
  await sectorBoxes.nth(1).check();
  const chosen = [
    (await sectorBoxes.nth(0).locator('xpath=..').innerText()).split('\n')[0].trim(),
    (await sectorBoxes.nth(1).locator('xpath=..').innerText()).split('\n')[0].trim(),
  ];
  await page.getByText('2 of 3 selected').waitFor();
  // The stepper's connectors are all the same length, whatever the labels' lengths.
  const connectors = await page.getByTestId('stepper-connector').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
  if (connectors.length !== 3 || Math.max(...connectors) - Math.min(...connectors) > 1 || Math.min(...connectors) < 12) {
    throw new Error(`the stepper's connectors are ${JSON.stringify(connectors)} px long`);
  }
  await screenshot('onboarding-site');
  await page.getByRole('button', { name: 'Continue' }).click();

  step('onboarding: skip WordPress and keywords');
  await page.getByRole('heading', { name: 'Connect WordPress' }).waitFor();
  await screenshot('onboarding-wordpress');
  await page.getByRole('button', { name: 'Skip for now' }).click();
  await page.getByRole('heading', { name: 'Add keywords' }).waitFor();
  await screenshot('onboarding-keywords');
  await page.getByRole('button', { name: 'Skip for now' }).click();
  await page.getByRole('heading', { name: "You're all set" }).waitFor();
  for (const sector of chosen) await page.getByText(sector, { exact: true }).waitFor();
  await screenshot('onboarding-summary');
  await page.getByRole('button', { name: 'Go to dashboard' }).click();

  step('dashboard shows the site in the selector');
  await page.waitForURL(`${base}/`);
  await waitForSelectedSite(siteName);
  await page.getByTestId('dashboard-site-name').filter({ hasText: siteName }).waitFor();
  for (const sector of chosen) await page.getByText(sector, { exact: true }).first().waitFor();
  const credits = await page.getByTestId('credit-badge').innerText();
  if (!/150/.test(credits)) throw new Error(`credit badge shows "${credits}", expected the Free plan's 150 credits`);
  // Its accessible name says "credits" once.
  await page.getByRole('link', { name: '150 credits', exact: true }).waitFor();
  const badgeTree = await page.getByTestId('credit-badge').ariaSnapshot();
  if (/credits\s+credits/.test(badgeTree) || /credits\s+credits/.test(credits)) throw new Error(`the credit badge reads ${badgeTree}`);
  await screenshot('dashboard');

  step('planner page: site and sector selectors; the sector is remembered');
  await page.getByRole('link', { name: 'Keywords', exact: true }).click();
  const sectorSelect = page.locator('[data-testid="sector-selector"]:visible');
  await sectorSelect.selectOption({ label: chosen[1] });
  await page.getByRole('heading', { name: `No keywords in ${chosen[1]} yet` }).waitFor();
  await page.reload();
  await page.getByRole('heading', { name: `No keywords in ${chosen[1]} yet` }).waitFor();
  if ((await sectorSelect.locator('option:checked').innerText()) !== chosen[1]) throw new Error('sector choice not remembered');
  await screenshot('planner-keywords');

  step('settings: sites table and site detail');
  await page.getByRole('link', { name: 'Sites', exact: true }).click();
  await page.getByRole('table', { name: 'Sites' }).getByRole('link', { name: siteName }).waitFor();
  await screenshot('settings-sites');
  await page.getByRole('table', { name: 'Sites' }).getByRole('link', { name: siteName }).click();
  await page.getByRole('heading', { name: siteName, level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Create API key' }).click();
  const key = await page.getByTestId('api-key-value').innerText();
  if (!key.startsWith('igny8_')) throw new Error(`unexpected API key "${key}"`);
  await screenshot('site-detail');

  step('settings: invite an editor');
  await page.getByRole('link', { name: 'Team', exact: true }).click();
  await page.getByRole('heading', { name: 'Team', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Invite member' }).click();
  const dialog = page.getByRole('dialog', { name: 'Invite a team member' });
  await dialog.getByLabel('Email').fill('editor@example.com');
  await dialog.getByLabel(/First name/).fill('Eddie');
  await dialog.getByLabel('Role').selectOption('editor');
  await dialog.getByRole('checkbox', { name: siteName }).check();
  await screenshot('team-invite');
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  await dialog.waitFor({ state: 'detached' });
  const row = page.getByTestId('member-editor@example.com');
  await row.getByText('Invited').waitFor();
  await row.getByText(siteName).waitFor();
  await screenshot('team');

  step('plan limit: a second site on the Free plan is refused clearly');
  await page.getByRole('link', { name: 'Sites', exact: true }).click();
  await page.getByRole('button', { name: 'Add site' }).first().click();
  const addDialog = page.getByRole('dialog', { name: 'Add a site' });
  await addDialog.getByLabel('Site name').fill('Second Site');
  await addDialog.getByLabel('Industry').selectOption({ index: 1 });
  await addDialog.getByRole('group', { name: 'Sectors' }).getByRole('checkbox').first().check();
  await addDialog.getByRole('button', { name: 'Create site' }).click();
  await addDialog.getByText('Plan limit reached').waitFor();
  await addDialog.getByText(/allows 1 site/).waitFor();
  await screenshot('plan-limit');
  await addDialog.getByRole('button', { name: 'Cancel' }).click();

  step('account settings');
  await page.getByRole('link', { name: 'Account', exact: true }).click();
  await page.getByLabel('Account name').waitFor();
  if ((await page.getByLabel('Account name').inputValue()) !== 'Olive Media') throw new Error('account name not shown');
  await page.getByLabel(/Billing email/).fill('billing@example.com');
  // Saving the account asks for /auth/me again (its account part changed).
  traffic.allow(page, 'me');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText('Account saved.').waitFor();
  await screenshot('account');

  step('a reload keeps the session through the HttpOnly refresh cookie; no token is stored where scripts read');
  await page.reload();
  await page.getByLabel('Account name').waitFor();
  const kept = await page.evaluate(() => localStorage.getItem('igny8.auth') ?? '');
  if (/"(access|refresh)"/.test(kept)) throw new Error(`a token is in localStorage: ${kept.slice(0, 120)}`);
  if (!(await context.cookies()).some((c) => c.name === 'igny8_refresh' && c.httpOnly)) throw new Error('no HttpOnly refresh cookie');

  step('sign out');
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.waitForURL('**/signin');
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('igny8.auth') ?? '{}').state ?? {});
  if (stored.access || stored.refresh) throw new Error('tokens still stored after sign-out');
  await page.goto(`${base}/settings/team`);
  await page.waitForURL('**/signin');
  await screenshot('signed-out');

  step('invitation link wording');
  await page.goto(`${base}/reset-password?token=not-a-real-token&invite=1`);
  await page.getByRole('heading', { name: 'Set your password' }).waitFor();
  await page.getByLabel('New password').fill('another-long-password');
  await page.getByLabel('Confirm password').fill('another-long-password');
  await page.getByRole('button', { name: 'Set password' }).click();
  await page.getByText("This link can't be used").waitFor();
  await screenshot('invite-bad-token');
  await page.goto(`${base}/settings/team`);
  await page.waitForURL('**/signin');

  step('sign in again');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/settings/team');
  await page.getByTestId('member-editor@example.com').waitFor();
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await waitForSelectedSite(siteName);
  await screenshot('signed-in-again');

  step('settings: AI connection test through the progress modal');
  const creditsBefore = Number((await page.getByTestId('credit-badge').innerText()).replace(/[^0-9]/g, ''));
  await page.getByRole('link', { name: 'AI', exact: true }).click();
  await page.getByRole('heading', { name: 'AI', level: 1 }).waitFor();
  await page.getByText(/Costs 1 credit/).waitFor();
  await page.getByRole('button', { name: 'Test AI connection' }).click();
  const modal = page.getByRole('dialog', { name: 'Testing the AI connection' });
  await modal.waitFor();
  const progress = modal.getByTestId('task-progress');
  await progress.waitFor();
  const statusNow = await progress.getAttribute('data-status');
  if (statusNow === 'queued' || statusNow === 'running') {
    // Best effort: the worker may finish the job before the running state is drawn.
    try {
      await modal.getByText('Closing this window does not stop the job.', { exact: false }).waitFor({ timeout: 2_000 });
      await screenshot('ai-test-running');
    } catch {
      log('the task finished before its running state was drawn: no mid-run screenshot');
    }
  } else {
    log(`the task was already ${statusNow} when the modal first drew: no mid-run screenshot`);
  }
  await modal.locator('[data-testid="task-progress"][data-status="succeeded"]').waitFor({ timeout: 60_000 });
  const percent = await modal.getByTestId('task-percent').innerText();
  if (percent.replace(/\s/g, '') !== '100%') throw new Error(`modal shows "${percent}" at the end, expected 100 %`);
  const bar = await modal.getByRole('progressbar').getAttribute('aria-valuenow');
  if (bar !== '100') throw new Error(`progress bar at ${bar}, expected 100`);
  const summary = await modal.getByTestId('task-summary').innerText();
  if (!/answered/i.test(summary)) throw new Error(`unexpected success summary "${summary}"`);
  await modal.getByText('Used 1 credit.').waitFor();
  if ((await modal.getByRole('button', { name: /Cancel/ }).count()) !== 0) throw new Error('Cancel still offered after success');
  await screenshot('ai-test-success');
  await modal.getByRole('button', { name: 'Close' }).last().click();
  await modal.waitFor({ state: 'detached' });
  await page.getByTestId('last-check').getByText('The AI provider answered').waitFor();

  step('credit badge dropped by 1; the bell shows the finished task');
  await page.waitForFunction(
    (expected) => document.querySelector('[data-testid="credit-badge"]')?.textContent?.replace(/[^0-9]/g, '') === String(expected),
    creditsBefore - 1,
  );
  const bell = page.getByTestId('notification-bell');
  await page.getByRole('button', { name: 'Notifications, 1 unread' }).waitFor();
  if ((await page.getByTestId('unread-badge').innerText()) !== '1') throw new Error('unread badge is not 1');
  await bell.click();
  const dropdown = page.getByRole('dialog', { name: 'Notifications' });
  const items = dropdown.getByTestId('notification-item');
  await items.first().waitFor();
  if ((await items.count()) !== 1) throw new Error(`expected 1 notification, found ${await items.count()}`);
  await items.first().getByText('Finished: connection test').waitFor();
  if ((await items.first().getAttribute('data-read')) !== 'false') throw new Error('the new notification is not unread');
  await screenshot('bell-dropdown');
  await dropdown.getByRole('button', { name: 'Mark all read' }).click();
  await page.getByTestId('unread-badge').waitFor({ state: 'detached' });
  await dropdown.locator('[data-testid="notification-item"][data-read="true"]').waitFor();
  await page.getByRole('button', { name: 'Notifications', exact: true }).waitFor();
  await screenshot('bell-all-read');

  step('notifications page and the task it links to');
  await dropdown.getByRole('link', { name: 'View all notifications' }).click();
  await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
  await page.getByRole('main').getByText('Finished: connection test').waitFor();
  await page.getByRole('main').getByRole('button', { name: 'Unread', exact: true }).click();
  await page.getByText('No unread notifications').waitFor();
  await page.getByRole('main').getByRole('button', { name: 'All', exact: true }).click();
  await screenshot('notifications-page');
  await page.getByRole('main').getByRole('link', { name: 'View task' }).click();
  await page.getByRole('heading', { name: 'Connection test', level: 1 }).waitFor();
  await page.locator('[data-testid="task-progress"][data-status="succeeded"]').waitFor();
  await screenshot('task-detail');

  await plannerFlow({ page, base, screenshot, step, log, siteName, sectors: chosen });
  const { editorUrl, articleTitle } = await writerFlow({ page, screenshot, step, log });

  step('modules: the Planner switched off leaves the navigation and says so on its pages');
  const toast = (text) => page.getByRole('status').filter({ hasText: text });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Modules' }).click();
  await page.getByRole('heading', { name: 'Modules', level: 1 }).waitFor();
  const plannerSwitch = page.getByTestId('module-planner').getByRole('switch');
  if ((await plannerSwitch.getAttribute('aria-checked')) !== 'true') throw new Error('the Planner does not start switched on');
  await plannerSwitch.click();
  await toast('Planner switched off').waitFor();
  const mainNav = page.getByRole('navigation', { name: 'Main' });
  await mainNav.getByRole('link', { name: 'Keywords', exact: true }).waitFor({ state: 'detached' });
  await mainNav.getByRole('link', { name: 'Drafts' }).waitFor();
  await screenshot('modules-planner-off');
  await page.goto(`${base}/planner/keywords`);
  await page.getByText('The Planner module is switched off').waitFor();
  if (await page.getByRole('table', { name: 'Keywords' }).count()) throw new Error('the keywords table is shown for a switched-off module');
  await screenshot('modules-planner-page-off');
  // The dashboard marks the Planner's stages off and keeps counting the writer's.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
  for (const stage of ['keywords', 'clusters', 'ideas']) await page.getByTestId(`pipeline-${stage}`).getByText('off', { exact: true }).waitFor();
  await page.getByTestId('pipeline-articles').filter({ hasText: /Articles\s+\d/ }).waitFor();
  await screenshot('modules-planner-off-dashboard');
  await page.getByRole('link', { name: 'Settings → Modules' }).click();
  await page.getByTestId('module-planner').getByRole('switch').click();
  await toast('Planner switched on.').waitFor();
  await mainNav.getByRole('link', { name: 'Keywords', exact: true }).waitFor();

  step('phone width and dark mode');
  const phone = await context.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(`${base}/`);
  await waitForSelectedSite(siteName, phone);
  await screenshot('phone-dashboard', phone);
  await phone.getByTestId('notification-bell').click();
  await phone.getByRole('dialog', { name: 'Notifications' }).getByText('Finished: connection test').waitFor();
  await screenshot('phone-bell', phone);
  await phone.keyboard.press('Escape');
  await phone.getByRole('dialog', { name: 'Notifications' }).waitFor({ state: 'detached' });
  await phone.getByRole('button', { name: 'Open navigation' }).click();
  await phone.getByRole('dialog', { name: 'Navigation' }).waitFor();
  await screenshot('phone-menu', phone);
  await phone.getByRole('dialog', { name: 'Navigation' }).getByRole('link', { name: 'Sites' }).click();
  await phone.getByRole('table', { name: 'Sites' }).waitFor();
  await phone.getByRole('button', { name: /Switch to dark mode/ }).click();
  await phone.waitForFunction(() => document.documentElement.classList.contains('dark'));
  await screenshot('phone-sites-dark', phone);
  await phone.getByRole('button', { name: /Switch to light mode/ }).click();
  await phone.goto(`${base}/planner/keywords`);
  await phone.getByRole('table', { name: 'Keywords' }).getByText('stress relief tips').waitFor();
  await phone.getByText('1–15 of 15').waitFor();
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (overflow > 0) throw new Error(`the keywords page is ${overflow}px wider than a phone`);
  await screenshot('phone-keywords', phone);
  await phone.getByRole('table', { name: 'Keywords' }).getByRole('checkbox', { name: 'Select all rows on this page' }).check();
  await phone.getByRole('region', { name: 'Bulk actions' }).waitFor();
  await screenshot('phone-keywords-selected', phone);
  await phone.getByRole('button', { name: /Switch to dark mode/ }).click();
  await phone.waitForFunction(() => document.documentElement.classList.contains('dark'));
  await phone.getByRole('button', { name: 'Import CSV' }).click();
  await phone.getByRole('dialog', { name: 'Import keywords from CSV' }).waitFor();
  await screenshot('phone-import-dark', phone);
  await phone.keyboard.press('Escape');
  await phone.goto(`${base}/planner/ideas`);
  await phone.getByRole('table', { name: 'Ideas' }).locator('tbody tr').first().waitFor();
  await screenshot('phone-ideas-dark', phone);
  await phone.getByRole('button', { name: /Switch to light mode/ }).click();
  await phone.goto(editorUrl);
  await phone.getByTestId('article-preview').locator('h2').first().waitFor();
  await phone.getByTestId('seo-checklist').getByTestId('seo-score').waitFor();
  const editorOverflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (editorOverflow > 0) throw new Error(`the article editor is ${editorOverflow}px wider than a phone`);
  await screenshot('phone-editor', phone, { fullPage: false });
  await phone.getByRole('tab', { name: 'HTML' }).click();
  await phone.getByRole('textbox', { name: 'Article HTML' }).waitFor();
  await screenshot('phone-editor-html', phone, { element: phone.getByRole('region', { name: 'Article' }) });
  await phone.getByRole('button', { name: /Switch to dark mode/ }).click();
  await phone.waitForFunction(() => document.documentElement.classList.contains('dark'));
  await phone.getByRole('tab', { name: 'Preview' }).click();
  await screenshot('phone-editor-dark', phone, { fullPage: false });
  await phone.goto(`${base}/writer/images`);
  await phone.getByTestId('image-thumb').nth(2).waitFor();
  const imagesOverflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (imagesOverflow > 0) throw new Error(`the images page is ${imagesOverflow}px wider than a phone`);
  await screenshot('phone-images-dark', phone);
  await phone.close();
  // The theme chosen on the phone page is stored for the whole browser: the main page loads dark.
  await page.goto(`${base}/`);
  await page.waitForFunction(() => document.documentElement.classList.contains('dark'));
  await waitForSelectedSite(siteName);
  // The pipeline now counts the writer's stages too: one task, one article, three images.
  for (const [stage, want] of [['tasks', 1], ['articles', 1], ['images', 3]]) {
    await page.waitForFunction(
      ([id, n]) => document.querySelector(`[data-testid="pipeline-${id}"]`)?.textContent?.replace(/[^0-9]/g, '') === String(n),
      [stage, want],
    );
  }
  await screenshot('dashboard-dark');
  await page.goto(`${base}/planner/keywords`);
  await page.getByText('1–15 of 15').waitFor();
  await screenshot('keywords-dark');
  await page.goto(`${base}/planner/clusters`);
  await page.getByRole('table', { name: 'Clusters' }).locator('tbody tr').first().waitFor();
  await page.getByRole('table', { name: 'Clusters' }).locator('tbody tr').first().getByRole('link').first().click();
  await page.getByTestId('cluster-idea').first().getByRole('button').first().click();
  await page.getByTestId('cluster-idea').first().getByTestId('idea-outline').waitFor();
  await screenshot('cluster-detail-dark');
  await page.goto(`${base}/writer/images`);
  await page.getByTestId('article-images').filter({ hasText: articleTitle }).getByTestId('image-thumb').nth(2).waitFor();
  await screenshot('writer-images-dark');
  await page.goto(editorUrl);
  await page.getByTestId('seo-checklist').getByTestId('seo-score').waitFor();
  await screenshot('writer-editor-dark', page, { fullPage: false });
  await page.goto(`${base}/writer/approved`);
  await page.getByRole('table', { name: 'Approved' }).getByText(articleTitle).waitFor();
  await screenshot('writer-approved-dark');
  await page.goto(`${base}/`);
  await waitForSelectedSite(siteName);
  await page.getByTestId('notification-bell').click();
  await page.getByRole('dialog', { name: 'Notifications' }).getByText('Finished: connection test').waitFor();
  await screenshot('bell-dark');

  step('the walk asked for the session\'s own answers once per page load, and never met the rate limit');
  const seen = traffic.summary();
  log(
    `${seen.loads} page loads, ${seen.reads} API reads; /auth/me ${seen.me}, balance ${seen.balance}, unread count ${seen.unread}; ` +
      `at most ${seen.peakPerMinute} reads in a minute; ${seen.limited.length} answers 429`,
  );
  const busiest = Object.entries(seen.paths).sort((a, b) => b[1] - a[1]).slice(0, 12);
  log(`most asked: ${busiest.map(([path, n]) => `${path} ${n}`).join(', ')}`);
  if (seen.limited.length) throw new Error(`the app met the rate limit: ${seen.limited.join(', ')}`);
  if (seen.bursts.length) throw new Error(`the same session answer was asked in a burst: ${seen.bursts.join('; ')}`);
  if (seen.over.length) throw new Error(`a session answer was asked more than once per page load: ${seen.over.join('; ')}`);
  if (seen.me > seen.loads + 2) throw new Error(`/auth/me was asked ${seen.me} times over ${seen.loads} page loads`);

  await page.setViewportSize({ width: 1280, height: 820 });
  await securityFlow({ browser, page, base, screenshot, step, log, email, password });

  if (problems.length) throw new Error(`the browser reported problems:\n  ${problems.join('\n  ')}`);
  finished = true;
}

let exitCode = 0;
try {
  await main();
  log(`passed (${finished ? 'all steps' : 'incomplete'})`);
} catch (error) {
  exitCode = 1;
  process.stderr.write(`[e2e] FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  if (state.page) {
    const file = join(RESULTS, 'failure.png');
    await state.page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    process.stderr.write(`[e2e] page at failure: ${state.page.url()} (screenshot ${file})\n`);
  }
  const tail = (state.serverOutput ?? []).join('').split('\n').slice(-30).join('\n').trim();
  if (tail) process.stderr.write(`[e2e] server output (last lines):\n${tail}\n`);
} finally {
  await cleanup();
}
process.exit(exitCode);
