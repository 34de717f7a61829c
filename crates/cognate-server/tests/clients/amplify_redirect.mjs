// Drives Amplify JS v6's signInWithRedirect against Cognate's hosted pages in headless
// Chromium (playwright-core) for the cognate-server `browser::amplify_sign_in_with_redirect`
// test. Amplify only speaks https to the pool's domain, so this script also plays the TLS-
// terminating reverse proxy in front of the test server (a throwaway self-signed
// certificate made with openssl), and serves the app (amplify_app/, bundled with esbuild)
// on http://localhost.
//
// Usage: node amplify_redirect.mjs
// Line protocol with the test (one JSON object a line):
//   stdout {"ready":{"proxyPort":N,"apps":{VARIANT:APP_URL}}}
//     -> stdin {"upstream":"http://127.0.0.1:<server port>", "userPoolId", "userPoolClientId",
//               "userPoolEndpoint", "domains":{VARIANT:DOMAIN}, "hostRules":TEXT,
//               "username", "password"}
//   stdout {"signedIn":{"variant",...what the app shows}}  (informational)
//   stdout {"signedOut":{"variant"}}                       (informational)
//   stdout {"requests":[{method,host,path,status,origin,allowOrigin,target}]} (all proxied)
//   stdout {"ok":true} at the end, or {"ok":false,"error":TEXT,"url":URL} and exit 1.
// Variants: `custom_domain` (oauth.domain is the pool's custom domain, which Chromium
// resolves to the proxy) and `issuer_path` (oauth.domain is `<proxy host:port>/<poolId>`).
// Screenshots at desktop (1280x800) and phone (360x740) widths go to $SCREENSHOT_DIR
// (default target/hosted-ui-screenshots) as amplify-<variant>-<page>-<desktop|phone>.png.

import { chromium } from 'playwright-core';
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };
const STEP_MS = 15000;
const SCENARIO_MS = 60000;
const VARIANTS = ['custom_domain', 'issuer_path'];
const here = path.dirname(fileURLToPath(import.meta.url));
const shotsDir = path.resolve(process.env.SCREENSHOT_DIR || 'target/hosted-ui-screenshots');

// ---- the line protocol -------------------------------------------------------------

const input = readline.createInterface({ input: process.stdin });
const pending = [];
const waiting = [];
input.on('line', (line) => (waiting.length ? waiting.shift()(line) : pending.push(line)));

function say(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function nextLine() {
  if (pending.length) return Promise.resolve(pending.shift());
  return new Promise((resolve) => waiting.push(resolve));
}

// ---- TLS-terminating reverse proxy ------------------------------------------------

/** A self-signed certificate for the names the browser opens, in a temporary folder. */
function selfSignedCertificate() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cognate-amplify-'));
  try {
    const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=auth.cognate.test',
      '-addext', 'subjectAltName=DNS:auth.cognate.test,IP:127.0.0.1',
    ], { stdio: 'ignore' });
    return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Every proxied request, for the test's assertions (codes in queries are masked). */
const requests = [];
let upstream;

/** Forwards to the server as a reverse proxy would: the original Host, X-Forwarded-*. */
function proxy(req, res) {
  const target = new URL(upstream);
  const forwardedFor = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
  const headers = {
    ...req.headers,
    'x-forwarded-proto': 'https',
    'x-forwarded-for': forwardedFor,
    'x-forwarded-host': req.headers.host,
  };
  const entry = {
    method: req.method,
    host: req.headers.host,
    path: req.url.replace(/([?&]code=)[^&]*/, '$1<code>'),
    origin: req.headers.origin,
    target: req.headers['x-amz-target'],
  };
  const up = http.request(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
    (answer) => {
      entry.status = answer.statusCode;
      entry.allowOrigin = answer.headers['access-control-allow-origin'];
      requests.push(entry);
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    },
  );
  up.on('error', (e) => {
    entry.status = 502;
    entry.error = e.message;
    requests.push(entry);
    res.writeHead(502).end();
  });
  req.pipe(up);
}

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

// ---- the app ------------------------------------------------------------------------

/** The app bundle (amplify_app/main.js and Amplify), built in memory. */
async function bundle() {
  const built = await esbuild.build({
    entryPoints: [path.join(here, 'amplify_app/main.js')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  });
  return built.outputFiles[0].contents;
}

/** Serves each variant's app at `/<variant>/` with its settings written into the page. */
function appServer(code, settings) {
  const page = fs.readFileSync(path.join(here, 'amplify_app/index.html'), 'utf8');
  return http.createServer((req, res) => {
    const [, variant, rest] = new URL(req.url, 'http://app').pathname.split('/');
    if (variant === 'favicon.ico') return res.writeHead(204).end();
    if (!settings.has(variant)) return res.writeHead(404).end();
    if (rest === 'app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      return res.end(code);
    }
    if (rest !== '') return res.writeHead(404).end();
    // `<` escaped so no value can close the script element.
    const json = JSON.stringify(settings.get(variant)).replace(/</g, '\\u003c');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(page.replace('/* settings */ null', json));
  });
}

// ---- page helpers ---------------------------------------------------------------------

function clearShots() {
  if (!fs.existsSync(shotsDir)) return;
  for (const f of fs.readdirSync(shotsDir)) {
    if (f.startsWith('amplify-') && f.endsWith('.png')) fs.rmSync(path.join(shotsDir, f));
  }
}

async function shot(page, name) {
  fs.mkdirSync(shotsDir, { recursive: true });
  for (const [label, size] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    await page.setViewportSize(size);
    await page.screenshot({ path: path.join(shotsDir, `amplify-${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(DESKTOP);
}

async function expectVisible(page, selector, what) {
  const found = page.locator(selector).first();
  try {
    await found.waitFor({ state: 'visible', timeout: STEP_MS });
  } catch {
    throw new Error(`${what}: no visible element matches \`${selector}\` on ${page.url()}`);
  }
  return found;
}

/** Waits until the app shows one of `states` (or an error) and returns what it shows. */
async function appState(page, states, what) {
  const selector = [...states, 'error'].map((s) => `#state[data-state="${s}"]`).join(', ');
  await expectVisible(page, selector, what);
  const state = await page.evaluate(() => window.appState);
  if (state.status === 'error') throw new Error(`${what}: the app shows ${state.error}`);
  return state;
}

const origin = (href) => new URL(href).origin;

// ---- the scenario -----------------------------------------------------------------------

/** Sign in through the hosted pages, read the user, sign out; in a fresh context. */
async function signInAndOut(browser, variant, appUrl, cfg, consoleErrors) {
  const context = await browser.newContext({ viewport: DESKTOP, ignoreHTTPSErrors: true });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${variant}: ${m.text().trim()} [${m.location()?.url ?? ''}]`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${variant}: uncaught ${e.message.split('\n')[0]}`));
  const name = (n) => `${variant}-${n}`;
  try {
    await page.goto(appUrl, { waitUntil: 'load', timeout: STEP_MS });
    await appState(page, ['signed-out'], 'the app before signing in');
    await shot(page, name('app-signed-out'));

    await page.locator('#sign-in').click();
    const form = await expectVisible(page, '#signin-form', 'the hosted sign-in form after signInWithRedirect');
    await shot(page, name('signin'));
    await form.locator('[name="username"]').fill(cfg.username);
    await form.locator('[name="password"]').fill(cfg.password);
    await Promise.all([
      page.waitForURL((u) => u.origin === origin(appUrl), { timeout: STEP_MS }),
      form.locator('button[type=submit]').click(),
    ]);
    const state = await appState(page, ['signed-in'], 'the app after the sign-in');
    await shot(page, name('app-signed-in'));
    say({ signedIn: { variant, ...state } });

    const logout = page.waitForRequest((r) => new URL(r.url()).pathname.endsWith('/logout'), { timeout: STEP_MS });
    await page.locator('#sign-out').click();
    await logout;
    await page.waitForURL((u) => u.origin === origin(appUrl), { timeout: STEP_MS });
    await appState(page, ['signed-out'], 'the app after signOut()');
    await shot(page, name('app-after-sign-out'));

    // /logout ended the hosted session: signing in again shows the form.
    await page.locator('#sign-in').click();
    await expectVisible(page, '#signin-form', 'the hosted sign-in form after signing out');
    say({ signedOut: { variant } });
  } catch (e) {
    await shot(page, name('failure')).catch(() => {});
    e.url = page.url();
    throw e;
  } finally {
    await context.close();
  }
}

async function main() {
  clearShots();
  const [tls, code] = await Promise.all([selfSignedCertificate(), bundle()]);
  const front = https.createServer(tls, proxy);
  const proxyPort = await listen(front);
  const settings = new Map();
  const app = appServer(code, settings);
  const appPort = await listen(app);
  const apps = Object.fromEntries(VARIANTS.map((v) => [v, `http://localhost:${appPort}/${v}/`]));
  say({ ready: { proxyPort, apps } });
  const cfg = JSON.parse(await nextLine());
  upstream = cfg.upstream;
  for (const v of VARIANTS) {
    settings.set(v, {
      userPoolId: cfg.userPoolId,
      userPoolClientId: cfg.userPoolClientId,
      userPoolEndpoint: cfg.userPoolEndpoint,
      domain: cfg.domains[v],
      appUrl: apps[v],
    });
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    chromiumSandbox: process.getuid?.() !== 0,
    args: [`--host-resolver-rules=${cfg.hostRules}`],
  });
  const consoleErrors = [];
  try {
    for (const v of VARIANTS) await signInAndOut(browser, v, apps[v], cfg, consoleErrors);
    say({ requests });
    say({ ok: true });
  } catch (e) {
    const hint = consoleErrors.length ? ` (browser console: ${consoleErrors.slice(-3).join(' | ')})` : '';
    say({ requests });
    say({ ok: false, error: `${e.message.split('\n')[0]}${hint}`, url: e.url });
    process.exitCode = 1;
  } finally {
    await browser.close();
    front.close();
    front.closeAllConnections();
    app.close();
    app.closeAllConnections();
    input.close();
  }
}

const guard = setTimeout(() => {
  say({ requests });
  say({ ok: false, error: `the Amplify scenario did not finish within ${SCENARIO_MS} ms` });
  process.exit(1);
}, SCENARIO_MS);
guard.unref();

main().catch((e) => {
  say({ ok: false, error: e.message });
  process.exit(1);
});
