// End-to-end test of the web application in real headless Chromium
// (Debian's /usr/bin/chromium, driven by playwright-core) against a real
// `vigil demo` server on a fresh data directory:
//   - each role (admin, analyst, coordinator, viewer, observer) signs in and
//     sees exactly the pages it may use;
//   - every page checked has no serious or critical axe-core violation;
//   - the dashboard's first render is timed (performance API);
//   - a submission posted through the API shows on an open dashboard
//     without a reload;
//   - the language switches to Russian and is remembered;
//   - signing out ends the session.
// Screenshots go to --artifacts DIR. Exits non-zero on the first failure.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && process.argv[i + 1]) return process.argv[i + 1];
  if (fallback !== undefined) return fallback;
  console.error(`usage: run.mjs --vigil BINARY --web-root DIR [--artifacts DIR] [--chromium PATH]`);
  process.exit(2);
}
const vigil = arg('vigil');
const webRoot = arg('web-root');
const artifacts = arg('artifacts', join(tmpdir(), 'vigil-e2e-artifacts'));
const chromiumPath = arg('chromium', '/usr/bin/chromium');
mkdirSync(artifacts, { recursive: true });

// What each role's navigation must show, in order (web/src/main.jsx kPages
// against service/permissions.cc).
const kExpectedNav = {
  admin: ['/dashboard', '/findings', '/submissions', '/results', '/admin', '/observe'],
  analyst: ['/dashboard', '/findings', '/submissions', '/results'],
  coordinator: ['/dashboard', '/findings', '/submissions'],
  viewer: ['/dashboard'],
  observer: ['/observe'],
};

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures++;
}

const started = Date.now();
const data = mkdtempSync(join(tmpdir(), 'vigil-e2e-'));
let server = null;
let browser = null;

async function startDemo() {
  server = spawn(
    vigil,
    ['demo', '--data', join(data, 'mission'), '--no-simulate', '--listen', '127.0.0.1:0',
      '--web-root', webRoot, '--regions', '3', '--districts', '2', '--stations', '20'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  server.stderr.on('data', (d) => process.stderr.write(d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vigil demo did not start:\n${out}`)), 60000);
    server.on('exit', (code) => reject(new Error(`vigil demo exited (${code}):\n${out}`)));
    server.stdout.on('data', (d) => {
      out += d;
      const url = /being served at (http\S+)/.exec(out);
      const password = /with the password (\S+)/.exec(out);
      const token = /admin token:\s+(\S+)/.exec(out);
      if (url && password && token) {
        clearTimeout(timer);
        resolve({ url: url[1], password: password[1], adminToken: token[1] });
      }
    });
  });
}

async function apiCall(demo, method, path, body) {
  const res = await fetch(demo.url + path, {
    method,
    headers: { Authorization: `Bearer ${demo.adminToken}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function axeCheck(page, what) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  check(result.length === 0, `axe: no serious or critical violations on ${what}${result.length ? `\n  ${result.join('\n  ')}` : ''}`);
}

async function signIn(page, demo, name, password) {
  await page.goto(demo.url + '/');
  await page.getByLabel(/^(Name|Имя)$/).fill(name);
  await page.getByLabel(/^(Password|Пароль)$/).fill(password);
  await page.getByRole('button', { name: /^(Sign in|Войти)$/ }).click();
  await page.waitForSelector('nav a');
}

const navOf = (page) => page.$$eval('nav a', (links) => links.map((a) => a.getAttribute('href')));

async function main() {
  const demo = await startDemo();
  console.log(`vigil demo at ${demo.url}`);

  // An observer who signs in: the demo makes none, so one is added.
  const { observers } = await apiCall(demo, 'GET', '/api/v1/observers');
  const observer = observers.find((o) => o.stations.length > 0);
  const passwordFile = join(data, 'observer-password');
  writeFileSync(passwordFile, 'observer password 1\n');
  const add = spawnSync(vigil, ['user', 'add', 'obs1', '--data', join(data, 'mission'), '--role',
    'observer', '--observer', observer.code, '--password-file', passwordFile], { encoding: 'utf8' });
  if (add.status !== 0) throw new Error(`vigil user add: ${add.stderr}`);

  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });

  // Each role sees exactly what it may.
  const stationsSeen = {};
  for (const [role, expected] of Object.entries(kExpectedNav)) {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    const name = role === 'observer' ? 'obs1' : role;
    await signIn(page, demo, name, role === 'observer' ? 'observer password 1' : demo.password);
    const nav = await navOf(page);
    check(JSON.stringify(nav) === JSON.stringify(expected),
      `${role} sees ${JSON.stringify(nav)}, expected ${JSON.stringify(expected)}`);
    check(new URL(page.url()).pathname === expected[0], `${role} lands on ${expected[0]}`);
    if (role === 'viewer') {
      // A page it may not use, reached by its address.
      await page.goto(demo.url + '/results');
      await page.waitForSelector('main .notice');
      check(/may not use/.test(await page.textContent('main .notice')), 'viewer is refused /results');
      await page.goto(demo.url + '/dashboard');
    }
    if (expected[0] === '/dashboard') {
      await page.waitForSelector('.dashboard[data-ready="true"]');
      stationsSeen[role] = Number(
        (await page.textContent('#coverage tr[data-form="V"] td')).replace(/\D/g, ''));
      const findings = await page.$('#findings');
      check(Boolean(findings) === (role !== 'viewer'), `${role} ${role === 'viewer' ? 'does not see' : 'sees'} findings`);
    }
    await axeCheck(page, `${role}'s ${expected[0]}`);
    await page.screenshot({ path: join(artifacts, `${role}.png`), fullPage: true });
    await context.close();
  }

  // The coordinator (of region R01 of 3) is shown its region's stations only.
  check(stationsSeen.coordinator > 0 && stationsSeen.coordinator < stationsSeen.admin,
    `the coordinator's coverage counts ${stationsSeen.coordinator} of the ${stationsSeen.admin} stations`);

  // The dashboard: first render, then a live update.
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  await signIn(page, demo, 'analyst', demo.password);
  await page.goto(demo.url + '/dashboard');  // a fresh navigation to time
  await page.waitForSelector('.dashboard[data-ready="true"]');
  const firstRender = await page.evaluate(
    () => performance.getEntriesByName('vigil:dashboard-ready')[0]?.startTime,
  );
  check(typeof firstRender === 'number', `dashboard first render: ${firstRender?.toFixed(0)} ms after navigation (demo mission, ${observers.length} observers)`);
  await page.waitForSelector('.stream-live');
  const reported = () => page.textContent('#coverage tr[data-form="V"] [data-field="reports"]');
  const before = await reported();
  const station = observer.stations[0];
  await apiCall(demo, 'POST', '/api/v1/submissions', {
    instance_id: `uuid:${randomUUID()}`,
    form: 'V',
    station,
    observer: observer.code,
    started_at: '2026-12-06T08:00:00Z',
    submitted_at: '2026-12-06T08:40:00Z',
    answers: { VA: '08:00', V1: 'yes', V7: 3, V20: 'bad' },
  });
  const shown = Date.now();
  await page.waitForSelector(`.feed .event-submission:has-text("${station}")`, { timeout: 10000 });
  check(true, `the submission at ${station} appears in the live feed (${Date.now() - shown} ms)`);
  await page.waitForFunction(
    (old) => document.querySelector('#coverage tr[data-form="V"] [data-field="reports"]')?.textContent !== old,
    before, { timeout: 10000 },
  );
  check(true, `coverage of form V goes from ${before} to ${await reported()} reports without a reload`);
  // A critical incident raises an alert, which joins the open alerts live.
  await apiCall(demo, 'POST', '/api/v1/submissions', {
    instance_id: `uuid:${randomUUID()}`,
    form: 'I',
    station,
    observer: observer.code,
    answers: { IA: '10:05', I1: 'vote_buying', I2: 'Observers removed', I3: 'observed', I4: 'critical' },
  });
  await page.waitForSelector(`#alerts tr[data-alert]:has-text("${station}")`, { timeout: 10000 });
  check(true, `the critical incident at ${station} appears among the open alerts without a reload`);
  await page.screenshot({ path: join(artifacts, 'dashboard-live.png'), fullPage: true });

  // A burst of 100 reports at about 50 a second: the page applies them in
  // batches and stays responsive (no main-thread task over 200 ms).
  await page.evaluate(() => {
    window.vigilLongestTask = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.vigilLongestTask = Math.max(window.vigilLongestTask, e.duration);
    }).observe({ type: 'longtask' });
  });
  const pairs = observers.flatMap((o) => o.stations.map((s) => [o.code, s])).slice(0, 100);
  const reportsBefore = Number((await reported()).replace(/\D/g, ''));
  const burst = [];
  for (const [code, s] of pairs) {
    burst.push(apiCall(demo, 'POST', '/api/v1/submissions', {
      instance_id: `uuid:${randomUUID()}`, form: 'V', station: s, observer: code,
      answers: { VA: '09:00', V1: 'yes', V7: 0, V20: 'good' },
    }));
    await new Promise((r) => setTimeout(r, 20));
  }
  await Promise.all(burst);
  await page.waitForFunction(
    (want) => Number(document.querySelector('#coverage tr[data-form="V"] [data-field="reports"]')
      ?.textContent.replace(/\D/g, '')) === want,
    reportsBefore + pairs.length, { timeout: 15000 },
  );
  const longest = await page.evaluate(() => window.vigilLongestTask);
  const feedItems = await page.$$eval('.feed li', (li) => li.length);
  check(longest < 200 && feedItems === 50,
    `${pairs.length} reports at ~50/s: counted, feed capped at ${feedItems}, longest task ${longest.toFixed(0)} ms`);

  // Russian, remembered across a reload.
  await page.getByLabel('Language').selectOption('ru');
  await page.waitForSelector('nav a:has-text("Сводка")');
  await page.reload();
  await page.waitForSelector('.dashboard[data-ready="true"]');
  check((await page.textContent('nav')).includes('Сводка'), 'the language stays Russian after a reload');
  check(await page.evaluate(() => document.documentElement.lang) === 'ru', '<html lang="ru">');
  await axeCheck(page, 'the Russian dashboard');
  await page.screenshot({ path: join(artifacts, 'dashboard-ru.png'), fullPage: true });

  // Keyboard: the skip link is the first stop and leads to the content.
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement?.classList.contains('skip')), 'Tab first reaches the skip link');

  // Signing out ends the session on the server too.
  await page.getByRole('button', { name: 'Выйти' }).click();
  await page.waitForSelector('form input[type="password"]');
  const status = await page.evaluate(() => fetch('/api/v1/session').then((r) => r.status));
  check(status === 401, `after signing out the session is gone (GET /api/v1/session: ${status})`);
  await page.screenshot({ path: join(artifacts, 'signed-out.png') });

  // A session ended behind the app's back (another tab, or expiry) takes
  // the open dashboard back to the sign-in form at its next request.
  await signIn(page, demo, 'viewer', demo.password);
  await page.waitForSelector('.dashboard[data-ready="true"]');
  await page.evaluate(async () => {
    const { csrf_token: csrf } = await (await fetch('/api/v1/session')).json();
    await fetch('/api/v1/session', { method: 'DELETE', headers: { 'X-CSRF-Token': csrf } });
  });
  await apiCall(demo, 'POST', '/api/v1/submissions', {
    instance_id: `uuid:${randomUUID()}`, form: 'V', station, observer: observer.code,
    answers: { VA: '11:00', V1: 'yes', V7: 0, V20: 'good' },
  });  // its event makes the figures stale, and their reload finds the session gone
  const back = await page.waitForSelector('form input[type="password"]', { timeout: 10000 })
    .then(() => true, () => false);
  check(back, 'a session ended elsewhere brings the dashboard back to the sign-in form');
  await context.close();
}

try {
  await main();
} catch (e) {
  console.error(e);
  failures++;
} finally {
  if (browser) await browser.close();
  if (server && server.exitCode === null) {
    // Stopped before its data directory is removed.
    await new Promise((resolve) => {
      server.on('exit', resolve);
      server.kill('SIGTERM');
      setTimeout(resolve, 10000);
    });
  }
  rmSync(data, { recursive: true, force: true });
}
console.log(`web e2e: ${failures ? `${failures} failure(s)` : 'all passed'} in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${artifacts}`);
process.exit(failures ? 1 : 0);
