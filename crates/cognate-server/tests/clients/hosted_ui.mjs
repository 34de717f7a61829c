// Drives Cognate's hosted sign-in pages in headless Chromium (playwright-core) for the
// cognate-server `browser` integration tests.
//
// Usage: node hosted_ui.mjs <scenario> '<config JSON>'
//   config: {base, clientId, redirectUri, logoutUri, scope, state, nonce, codeChallenge,
//            username, email, password, newPassword, temporaryPassword, attributes}
//   (base is the pool's issuer URL, `<server>/<poolId>`; the callback and logout URLs
//   are served by the test on a local port).
//
// Line protocol with the test (one JSON object a line):
//   stdout {"need":"code","to":EMAIL,"mails":N}  -> stdin {"code":"123456"}  (the Nth mail to EMAIL)
//   stdout {"need":"totp","secret":BASE32}      -> stdin {"code":"123456"}  (the authenticator-app code now)
//   stdout {"need":"advance","secs":N}          -> stdin {}  (the test moves the server's clock on)
//   stdout {"callback":URL,"step":TEXT}         -> stdin {} or {"error":TEXT}  (the test exchanges the code)
//   stdout {"logout":URL}                        (informational, no answer)
//   stdout {"ok":true} at the end, or {"ok":false,"error":TEXT,"missing":SELECTOR?,"url":URL} and exit 1.
// Screenshots of every page at desktop (1280x800) and phone
// (360x740) widths go to $SCREENSHOT_DIR (default target/hosted-ui-screenshots) as
// <scenario>-<page>-<desktop|phone>.png.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };
/** How long one page may take to show what a step expects. */
const STEP_MS = 15000;
/** A hard stop for the whole scenario, so a stuck page never hangs the test. */
const SCENARIO_MS = 90000;

const [scenarioName, configJson] = process.argv.slice(2);
const cfg = JSON.parse(configJson ?? '{}');
const shotsDir = path.resolve(process.env.SCREENSHOT_DIR || 'target/hosted-ui-screenshots');

// ---- the line protocol -------------------------------------------------------------

const input = readline.createInterface({ input: process.stdin });
const pending = [];
const waiting = [];
let stdinClosed = false;
input.on('line', (line) => (waiting.length ? waiting.shift().resolve(line) : pending.push(line)));
input.on('close', () => {
  stdinClosed = true;
  for (const w of waiting.splice(0)) w.reject(new Error('the test closed stdin'));
});

function say(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function nextLine() {
  if (pending.length) return Promise.resolve(pending.shift());
  if (stdinClosed) return Promise.reject(new Error('the test closed stdin'));
  return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
}

/** Sends a request to the test and returns its JSON answer (an `error` answer throws). */
async function ask(message) {
  say(message);
  const answer = JSON.parse(await nextLine());
  if (answer.error) throw new Error(`the test refused ${JSON.stringify(message)}: ${answer.error}`);
  return answer;
}

// ---- page helpers ---------------------------------------------------------------------

/** A page did not show what the contract says it shows. */
class Missing extends Error {
  constructor(what, selector, url) {
    super(`${what}: no visible element matches \`${selector}\` on ${url}`);
    this.selector = selector;
  }
}

function authorizeUrl(extra = {}) {
  const url = new URL(`${cfg.base}/oauth2/authorize`);
  const params = {
    response_type: 'code',
    client_id: cfg.clientId,
    redirect_uri: cfg.redirectUri,
    scope: cfg.scope,
    state: cfg.state,
    nonce: cfg.nonce,
    code_challenge: cfg.codeChallenge,
    code_challenge_method: 'S256',
    lang: 'en',
    ...extra,
  };
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.href;
}

/** Whether `href` is `target` (scheme, host and path), whatever its query. */
function isAt(href, target) {
  const a = new URL(href);
  const b = new URL(target);
  return a.origin === b.origin && a.pathname === b.pathname;
}

/** Removes this scenario's screenshots from an earlier run, so the folder shows this one. */
function clearShots() {
  if (!fs.existsSync(shotsDir)) return;
  for (const f of fs.readdirSync(shotsDir)) {
    if (f.startsWith(`${scenarioName}-`) && f.endsWith('.png')) fs.rmSync(path.join(shotsDir, f));
  }
}

/** Saves the page at desktop and phone widths. */
async function shot(page, name) {
  fs.mkdirSync(shotsDir, { recursive: true });
  for (const [label, size] of [['desktop', DESKTOP], ['phone', PHONE]]) {
    await page.setViewportSize(size);
    await page.screenshot({ path: path.join(shotsDir, `${scenarioName}-${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(DESKTOP);
}

/** The visible element for `selector`, or a `Missing` error naming it. */
async function expectVisible(page, selector, what) {
  const found = page.locator(selector).first();
  try {
    await found.waitFor({ state: 'visible', timeout: STEP_MS });
  } catch {
    throw new Missing(what, selector, page.url());
  }
  return found;
}

/** The text of the page's alerts, for failure messages. */
async function alerts(page) {
  const texts = await page.locator('[role=alert]').allInnerTexts().catch(() => []);
  return texts.map((t) => t.trim()).filter(Boolean).join(' | ');
}

async function fill(page, form, name, value, what) {
  const field = form.locator(`[name="${name}"]`).first();
  if ((await field.count()) === 0) throw new Missing(what, `${await selectorOf(form)} [name="${name}"]`, page.url());
  await field.fill(value);
}

async function selectorOf(form) {
  const id = await form.getAttribute('id').catch(() => null);
  return id ? `#${id}` : 'form';
}

/** Fills the inputs named like the configured attributes that the form has. */
async function fillAttributes(form) {
  for (const [name, value] of Object.entries(cfg.attributes ?? {})) {
    const field = form.locator(`[name="${name}"]`).first();
    if ((await field.count()) > 0) await field.fill(value);
  }
}

/** Clicks the form's submit button and waits for the next page to load. */
async function submit(page, form, what) {
  const button = form.locator('button[type=submit]').first();
  if ((await button.count()) === 0) throw new Missing(what, `${await selectorOf(form)} button[type=submit]`, page.url());
  try {
    await Promise.all([page.waitForNavigation({ waitUntil: 'load', timeout: STEP_MS }), button.click()]);
  } catch (e) {
    throw new Error(`submitting ${what} did not lead to a page: ${e.message.split('\n')[0]}`);
  }
}

async function open(page, url, name) {
  await page.goto(url, { waitUntil: 'load', timeout: STEP_MS });
  if (name) await shot(page, name);
}

/** Follows a link (by selector) and screenshots the page it leads to. */
async function follow(page, selector, what, name) {
  const link = await expectVisible(page, selector, what);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load', timeout: STEP_MS }), link.click()]);
  await shot(page, name);
}

/** The sign-in form. */
async function signInForm(page) {
  return expectVisible(page, '#signin-form', 'the sign-in form');
}

async function signIn(page, username, password) {
  const form = await signInForm(page);
  await fill(page, form, 'username', username, 'the sign-in form');
  await fill(page, form, 'password', password, 'the sign-in form');
  await submit(page, form, 'the sign-in form');
}

/** Expects the browser at the callback; the test exchanges the code before we go on. */
async function callback(page, step) {
  if (!isAt(page.url(), cfg.redirectUri)) {
    const alert = await alerts(page);
    throw new Error(`${step}: expected the callback ${cfg.redirectUri}, but the browser is at ${page.url()}${alert ? ` showing "${alert}"` : ''}`);
  }
  await ask({ callback: page.url(), step });
}

/**
 * Runs `trigger` (a click whose page script sends a form) and expects the browser to end
 * up at the callback; the test exchanges the code before we go on. An error the passkey
 * script shows on the page ends the wait at once.
 */
async function callbackAfter(page, step, trigger) {
  const outcome = Promise.race([
    page.waitForURL((u) => isAt(u.href, cfg.redirectUri), { timeout: STEP_MS })
      .then(() => null, (e) => e.message.split('\n')[0]),
    page.locator('[data-passkey-error]').waitFor({ state: 'visible', timeout: STEP_MS })
      .then(() => 'the page shows an error', () => new Promise(() => {})),
  ]);
  await trigger();
  const problem = await outcome;
  if (problem) {
    const alert = await alerts(page);
    throw new Error(`${step}: the browser did not reach the callback but stayed at ${page.url()}${alert ? ` showing "${alert}"` : ''} (${problem})`);
  }
  await callback(page, step);
}

/** Signs out at `/logout` and expects the app's logout page. */
async function signOut(page) {
  const url = new URL(`${cfg.base}/logout`);
  url.searchParams.set('client_id', cfg.clientId);
  url.searchParams.set('logout_uri', cfg.logoutUri);
  await open(page, url.href);
  if (!isAt(page.url(), cfg.logoutUri)) throw new Error(`logout: expected ${cfg.logoutUri}, but the browser is at ${page.url()}`);
  say({ logout: page.url() });
}

/** A visible image that has loaded (an image that failed to load has no natural width). */
async function expectImage(page, selector, what) {
  const img = await expectVisible(page, selector, what);
  const loaded = await img.evaluate((el) => el.complete && el.naturalWidth > 0);
  if (!loaded) throw new Missing(`${what} (the image did not load)`, selector, page.url());
}

/**
 * Chromium's virtual authenticator (a platform authenticator with user verification
 * that always consents), attached before the pages ask for a passkey.
 */
async function virtualAuthenticator(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
}

async function expectSignInRefused(page, name) {
  await expectVisible(page, '[role=alert]', 'the error after a wrong password');
  await shot(page, name);
}

// ---- scenarios ----------------------------------------------------------------------

const scenarios = {
  async sign_up_confirm_and_sign_in(page) {
    await open(page, authorizeUrl(), 'signin');
    await signInForm(page);
    await follow(page, '#signup-link', 'the link to sign-up on the sign-in page', 'signup');
    const form = await expectVisible(page, '#signup-form', 'the sign-up form');
    if ((await form.locator('[name="username"]').count()) > 0) await fill(page, form, 'username', cfg.username, 'the sign-up form');
    await fill(page, form, 'email', cfg.email, 'the sign-up form');
    await fill(page, form, 'password', cfg.password, 'the sign-up form');
    await fillAttributes(form);
    await submit(page, form, 'the sign-up form');
    await expectVisible(page, '#confirm-form', 'the confirmation form after sign-up');
    await shot(page, 'confirm');
    // Ask for a second code, then confirm with it (the newest mail).
    const resend = await expectVisible(page, '#resend-form', 'the resend-code form on the confirmation page');
    await submit(page, resend, 'the resend-code form');
    const confirm = await expectVisible(page, '#confirm-form', 'the confirmation form after resending the code');
    await shot(page, 'confirm-resent');
    const { code } = await ask({ need: 'code', to: cfg.email, mails: 2 });
    await fill(page, confirm, 'code', code, 'the confirmation form');
    await submit(page, confirm, 'the confirmation form');
    await callback(page, 'confirming the sign-up code');
    // The new account signs in with its password.
    await open(page, authorizeUrl({ prompt: 'login' }), 'signin-new-account');
    await signIn(page, cfg.username, cfg.password);
    await callback(page, 'signing in with the new account');
  },

  async forgot_password(page) {
    await open(page, authorizeUrl(), 'signin');
    await signInForm(page);
    await follow(page, '#forgot-link', 'the forgot-password link on the sign-in page', 'forgot');
    const form = await expectVisible(page, '#forgot-form', 'the forgot-password form');
    await fill(page, form, 'username', cfg.username, 'the forgot-password form');
    await submit(page, form, 'the forgot-password form');
    const reset = await expectVisible(page, '#reset-form', 'the reset-password form');
    await shot(page, 'reset');
    const { code } = await ask({ need: 'code', to: cfg.email, mails: 1 });
    await fill(page, reset, 'code', code, 'the reset-password form');
    await fill(page, reset, 'password', cfg.newPassword, 'the reset-password form');
    await submit(page, reset, 'the reset-password form');
    await signInForm(page);
    await expectVisible(page, '[role=status]', 'the password-changed notice on the sign-in page');
    await shot(page, 'signin-password-changed');
    await signIn(page, cfg.username, cfg.password);
    await expectSignInRefused(page, 'signin-old-password');
    await signIn(page, cfg.username, cfg.newPassword);
    await callback(page, 'signing in with the new password');
  },

  async new_password_required(page) {
    await open(page, authorizeUrl(), 'signin');
    await signIn(page, cfg.username, cfg.temporaryPassword);
    const form = await expectVisible(page, '#new-password-form', 'the new-password form after signing in with a temporary password');
    await shot(page, 'new-password');
    await fill(page, form, 'password', cfg.newPassword, 'the new-password form');
    await fillAttributes(form);
    await submit(page, form, 'the new-password form');
    await callback(page, 'setting the new password');
  },

  async silent_sso_and_prompt_login(page) {
    await open(page, authorizeUrl(), 'signin');
    await signIn(page, cfg.username, `${cfg.password}-wrong`);
    await expectSignInRefused(page, 'signin-error');
    await signIn(page, cfg.username, cfg.password);
    await callback(page, 'the first sign-in');
    // Within the session a second authorize goes straight to the callback.
    await open(page, authorizeUrl());
    await callback(page, 'the second authorize (silent sign-in)');
    // prompt=login shows the form even with a session.
    await open(page, authorizeUrl({ prompt: 'login' }), 'signin-prompt-login');
    await signIn(page, cfg.username, cfg.password);
    await callback(page, 'signing in again after prompt=login');
  },

  async logout(page) {
    await open(page, authorizeUrl(), 'signin');
    await signIn(page, cfg.username, cfg.password);
    await callback(page, 'the first sign-in');
    await signOut(page);
    // Signed out: authorize shows the form again, and signing in works.
    await open(page, authorizeUrl(), 'signin-after-logout');
    if (isAt(page.url(), cfg.redirectUri)) throw new Error('authorize after logout went straight to the callback: the session survived');
    await signIn(page, cfg.username, cfg.password);
    await callback(page, 'signing in after logout');
  },

  // The pool requires MFA with an authenticator app: set one up from the QR code page,
  // then sign in again with its code.
  async mfa_totp(page) {
    await open(page, authorizeUrl(), 'signin');
    await signIn(page, cfg.username, cfg.password);
    const setup = await expectVisible(page, '#totp-setup-form', 'the authenticator set-up form after the password (the pool requires MFA)');
    await expectImage(page, '.qr img', 'the QR code on the authenticator set-up page');
    const shown = await (await expectVisible(page, '#totp-secret', 'the key on the authenticator set-up page')).innerText();
    const secret = shown.replace(/\s+/g, '');
    if (!/^[A-Z2-7]{16,}$/.test(secret)) throw new Error(`the set-up page shows the key "${shown}", which is not Base32`);
    await shot(page, 'totp-setup');
    const { code: first } = await ask({ need: 'totp', secret });
    await fill(page, setup, 'code', first, 'the authenticator set-up form');
    await submit(page, setup, 'the authenticator set-up form');
    await callback(page, 'setting up the authenticator app');
    await signOut(page);
    await open(page, authorizeUrl(), 'signin-after-logout');
    await signIn(page, cfg.username, cfg.password);
    let form = await expectVisible(page, '#mfa-form', 'the authenticator-code form after the password');
    await shot(page, 'mfa-code');
    // The code that set the app up, again within its 30 s: a code counts once.
    await fill(page, form, 'code', first, 'the authenticator-code form');
    await submit(page, form, 'the authenticator-code form');
    if (isAt(page.url(), cfg.redirectUri)) throw new Error('the authenticator code already used for the set-up signed in again');
    await expectVisible(page, '[role=alert], .field-error', 'the error after a used authenticator code');
    form = await expectVisible(page, '#mfa-form', 'the authenticator-code form after a refused code');
    await shot(page, 'mfa-code-refused');
    await ask({ need: 'advance', secs: 30 });
    const { code: next } = await ask({ need: 'totp', secret });
    await fill(page, form, 'code', next, 'the authenticator-code form');
    await submit(page, form, 'the authenticator-code form');
    await callback(page, 'the authenticator code 30 s later');
  },

  // A passkey in Chromium's virtual authenticator: added after a password sign-in, then
  // used to sign in.
  async passkey(page, context) {
    const credentials = await virtualAuthenticator(context, page);
    await open(page, authorizeUrl(), 'signin');
    await expectVisible(page, '#passkey-link', 'the "Sign in with a passkey" button on the sign-in form');
    await signIn(page, cfg.username, cfg.password);
    await expectVisible(page, '#passkey-add-form', 'the offer to add a passkey after the password');
    await shot(page, 'passkey-offer');
    await callbackAfter(page, 'adding a passkey', () => page.locator('#passkey-add-form #passkey-button').click());
    const created = await credentials();
    if (created.length !== 1) throw new Error(`the authenticator holds ${created.length} passkeys after adding one`);
    await signOut(page);
    await open(page, authorizeUrl(), 'signin-after-logout');
    const form = await signInForm(page);
    await fill(page, form, 'username', cfg.username, 'the sign-in form');
    await follow(page, '#passkey-link', 'the "Sign in with a passkey" button', 'passkey-sign-in');
    await expectVisible(page, '#passkey-verify-form', 'the passkey sign-in page');
    await callbackAfter(page, 'signing in with the passkey', () => page.locator('#passkey-verify-form #passkey-button').click());
    const [used] = await credentials();
    if (!(used.signCount > created[0].signCount)) throw new Error(`the passkey was not used: its signature counter is ${used.signCount}`);
  },
};

// ---- main -------------------------------------------------------------------------

async function main() {
  const scenario = scenarios[scenarioName];
  if (!scenario) throw new Error(`unknown scenario ${scenarioName}; known: ${Object.keys(scenarios).join(', ')}`);
  clearShots();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // Chromium refuses to run its sandbox as root; elsewhere keep it on.
    chromiumSandbox: process.getuid?.() !== 0,
  });
  let page;
  // Console errors (such as a Content-Security-Policy violation that blocks a form or
  // a redirect) explain most failures, so they go into the failure report.
  const consoleErrors = [];
  try {
    const context = await browser.newContext({ viewport: DESKTOP });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const where = m.location()?.url;
      consoleErrors.push(`${m.text().trim()}${where ? ` [${where}]` : ''}`);
    });
    await scenario(page, context);
    say({ ok: true });
  } catch (e) {
    if (page) await shot(page, 'failure').catch(() => {});
    const error = e.message.split('\n')[0];
    const hint = consoleErrors.length ? ` (browser console: ${consoleErrors.slice(-3).join(' | ')})` : '';
    say({ ok: false, error: `${error}${hint}`, missing: e.selector, url: page?.url() });
    process.exitCode = 1;
  } finally {
    await browser.close();
    input.close();
  }
}

const guard = setTimeout(() => {
  say({ ok: false, error: `scenario ${scenarioName} did not finish within ${SCENARIO_MS} ms` });
  process.exit(1);
}, SCENARIO_MS);
guard.unref();

main().catch((e) => {
  say({ ok: false, error: e.message });
  process.exit(1);
});
