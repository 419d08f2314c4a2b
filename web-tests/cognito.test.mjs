// The hosted sign-in (authorization code with PKCE) in a real, headless Chromium: the stack
// serves the pages in cognito mode, and a fake hosted sign-in written here plays Cognito's
// /oauth2/authorize and /oauth2/token. Only the sign-in is under test; the stack cannot verify
// the fake token, so the page's first API call is answered here too.
//
// Run with scripts/browser-tests.sh, or: cargo build -p stack && node --test web-tests/
// Environment: STACK_BIN (default target/debug/stack), CHROMIUM (default /usr/bin/chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STACK_BIN = process.env.STACK_BIN || path.join(ROOT, 'target/debug/stack');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CLIENT_ID = 'test-client-id';
const TIMEOUT = 60_000;

let stack;
let base;
let signInServer;
let signInBase;
let dataDir;
let browser;
/** What the fake sign-in saw: the authorize requests, and the token requests' forms. */
const seen = { authorize: [], token: [], codes: new Map() };

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url) {
  const until = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch { /* not up yet */ }
    if (Date.now() > until) throw new Error(`nothing answered at ${url}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const base64url = (data) => Buffer.from(data).toString('base64url');

/** An id token shaped like Cognito's; the signature is irrelevant to the page. */
function idToken(claims) {
  const header = base64url(JSON.stringify({ alg: 'RS256', kid: 'test' }));
  return `${header}.${base64url(JSON.stringify(claims))}.${base64url('not-a-signature')}`;
}

/**
 * The fake hosted sign-in: signs everyone in at once as a patient, checks PKCE and the
 * redirect URI at the token endpoint, and signs out by going back.
 */
function fakeSignIn(request, response) {
  const url = new URL(request.url, signInBase);
  if (request.method === 'GET' && url.pathname === '/oauth2/authorize') {
    const query = Object.fromEntries(url.searchParams);
    seen.authorize.push(query);
    const code = `code-${seen.authorize.length}`;
    seen.codes.set(code, query);
    const back = new URL(query.redirect_uri);
    back.searchParams.set('code', code);
    back.searchParams.set('state', url.searchParams.get('forced_state') || query.state);
    response.writeHead(302, { location: back.toString() }).end();
    return;
  }
  if (request.method === 'POST' && url.pathname === '/oauth2/token') {
    let body = '';
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(body));
      seen.token.push({ form, contentType: request.headers['content-type'] });
      const asked = seen.codes.get(form.code);
      seen.codes.delete(form.code);
      const challenge = form.code_verifier
        && createHash('sha256').update(form.code_verifier).digest('base64url');
      const cors = { 'access-control-allow-origin': base, 'content-type': 'application/json' };
      if (!asked || form.grant_type !== 'authorization_code' || form.client_id !== CLIENT_ID
        || form.redirect_uri !== asked.redirect_uri || challenge !== asked.code_challenge) {
        response.writeHead(400, cors).end(JSON.stringify({ error: 'invalid_grant' }));
        return;
      }
      const now = Math.floor(Date.now() / 1000);
      const token = idToken({
        sub: 'cognito-sub-1', email: 'avery@patients.test', 'cognito:groups': ['patient'],
        aud: CLIENT_ID, token_use: 'id', iat: now, exp: now + 3600,
      });
      response.writeHead(200, cors).end(JSON.stringify({
        id_token: token, access_token: 'access', token_type: 'Bearer', expires_in: 3600,
      }));
    });
    return;
  }
  if (request.method === 'GET' && url.pathname === '/logout') {
    response.writeHead(302, { location: url.searchParams.get('logout_uri') }).end();
    return;
  }
  response.writeHead(404).end();
}

before(async () => {
  signInServer = createServer(fakeSignIn);
  await new Promise((resolve) => signInServer.listen(0, '127.0.0.1', resolve));
  signInBase = `http://127.0.0.1:${signInServer.address().port}`;

  dataDir = mkdtempSync(path.join(tmpdir(), 'async-visits-cognito-data-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  stack = spawn(STACK_BIN, ['--listen', `127.0.0.1:${port}`, '--data', dataDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env, RUST_LOG: 'warn',
      STACK_COGNITO_DOMAIN_URL: signInBase, STACK_COGNITO_CLIENT_ID: CLIENT_ID,
    },
  });
  stack.stderr.on('data', (chunk) => process.stderr.write(chunk));
  await waitFor(`${base}/`);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
});

after(async () => {
  await browser?.close();
  stack?.kill('SIGINT');
  signInServer?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A fresh page (its own sessionStorage) whose console errors and page errors are kept. */
async function newPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (error) => problems.push(error.message));
  return { page, problems };
}

test('the portal signs in through the hosted sign-in with PKCE', { timeout: TIMEOUT }, async () => {
  const { page, problems } = await newPage();
  // The stack cannot verify the fake token: the API's first call is answered here, and it
  // must carry the id token.
  const bearers = [];
  await page.route(`${base}/visits`, (route) => {
    bearers.push(route.request().headers().authorization);
    route.fulfill({ status: 200, contentType: 'application/json', body: '[]' });
  });

  await page.goto(`${base}/portal`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  assert.equal(await page.isVisible('#account'), false, 'no local account list');
  const leaving = page.waitForRequest((r) => r.url().startsWith(`${signInBase}/oauth2/authorize`));
  await page.click('#sign-in-form button[type="submit"]');
  const authorize = new URL((await leaving).url());
  assert.equal(authorize.searchParams.get('response_type'), 'code');
  assert.equal(authorize.searchParams.get('client_id'), CLIENT_ID);
  assert.equal(authorize.searchParams.get('redirect_uri'), `${base}/portal`);
  assert.equal(authorize.searchParams.get('scope'), 'openid email');
  assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
  assert.match(authorize.searchParams.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
  assert.ok(authorize.searchParams.get('state'), 'a state');

  await page.getByRole('heading', { name: 'Your async visits' }).waitFor();
  assert.equal(await page.textContent('#who'), 'Signed in as avery@patients.test');
  assert.equal(new URL(page.url()).search, '', 'the code is gone from the address');
  await page.getByText('You have no async visits yet.').waitFor();

  assert.equal(seen.token.length, 1, 'one token request');
  const { form, contentType } = seen.token[0];
  assert.match(contentType, /^application\/x-www-form-urlencoded/);
  assert.equal(form.redirect_uri, `${base}/portal`);
  const challenge = createHash('sha256').update(form.code_verifier).digest('base64url');
  assert.equal(challenge, authorize.searchParams.get('code_challenge'), 'the verifier matches');
  const stored = () => JSON.parse(sessionStorage.getItem('async-visits.portal'));
  const { token } = await page.evaluate(stored);
  assert.equal(token.split('.').length, 3, 'the id token is kept');
  assert.deepEqual(bearers, [`Bearer ${token}`], 'the API is called with the id token');

  const loggingOut = page.waitForRequest((r) => r.url().startsWith(`${signInBase}/logout`));
  await page.click('#sign-out');
  const logout = new URL((await loggingOut).url());
  assert.equal(logout.searchParams.get('client_id'), CLIENT_ID);
  assert.equal(logout.searchParams.get('logout_uri'), `${base}/portal`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('async-visits.portal')), null);
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('a sign-in that comes back with another state is refused', { timeout: TIMEOUT }, async () => {
  const { page } = await newPage();
  // The fake sign-in answers with a state this page never sent, as a forged link would.
  await page.route(`${signInBase}/oauth2/authorize?*`, (route) => {
    const url = new URL(route.request().url());
    url.searchParams.set('forced_state', 'someone-elses-state');
    route.continue({ url: url.toString() });
  });
  const tokenRequests = seen.token.length;

  await page.goto(`${base}/portal`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.click('#sign-in-form button[type="submit"]');
  await page.waitForFunction(
    () => /could not be confirmed/.test(document.getElementById('error').textContent));
  assert.equal(await page.isVisible('#sign-in'), true, 'still asked to sign in');
  assert.equal(await page.isVisible('#home'), false);
  assert.equal(seen.token.length, tokenRequests, 'no code was exchanged');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('async-visits.portal')), null);
  assert.equal(new URL(page.url()).search, '', 'the code is gone from the address');
  await page.context().close();
});

const PHYSICIAN_TITLE = "the physician's client signs in to itself; the API decides who uses it";
test(PHYSICIAN_TITLE, { timeout: TIMEOUT }, async () => {
  const { page } = await newPage();
  // The fake sign-in signs everyone in as a patient; the API refuses a patient the queue.
  await page.route(`${base}/review/**`, (route) => route.fulfill({
    status: 403,
    contentType: 'application/problem+json',
    body: JSON.stringify({ status: 403, code: 'forbidden', detail: 'This is for the physician.' }),
  }));
  await page.goto(`${base}/physician`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  const leaving = page.waitForRequest((r) => r.url().startsWith(`${signInBase}/oauth2/authorize`));
  await page.click('#sign-in-form button[type="submit"]');
  const authorize = new URL((await leaving).url());
  assert.equal(authorize.searchParams.get('redirect_uri'), `${base}/physician`);
  await page.getByRole('heading', { name: 'This page is for the physician' }).waitFor();
  assert.equal(seen.token.at(-1).form.redirect_uri, `${base}/physician`);
  assert.equal(await page.isVisible('#queue'), false);
  await page.context().close();
});
