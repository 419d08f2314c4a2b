// The patient portal and the physician's client in a real, headless Chromium, against the
// one-machine stack. Chromium's fake camera makes MediaRecorder record for real.
//
// Run with scripts/browser-tests.sh, or: cargo build -p stack && node --test web-tests/
// Environment: STACK_BIN (default target/debug/stack), CHROMIUM (default /usr/bin/chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STACK_BIN = process.env.STACK_BIN || path.join(ROOT, 'target/debug/stack');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = path.join(ROOT, 'artifacts/screenshots');
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };
const TIMEOUT = 60_000;

let stack;
let base;
let dataDir;
let profileDir;
let context;
const problems = [];

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

async function waitForStack(url) {
  const until = Date.now() + 20_000;
  for (;;) {
    try {
      const response = await fetch(`${url}/`);
      if (response.ok) return;
    } catch { /* not up yet */ }
    if (Date.now() > until) throw new Error(`the stack did not start at ${url}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(path.join(tmpdir(), 'async-visits-data-'));
  profileDir = mkdtempSync(path.join(tmpdir(), 'async-visits-chromium-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  stack = spawn(STACK_BIN, ['--listen', `127.0.0.1:${port}`, '--data', dataDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, RUST_LOG: 'warn' },
  });
  stack.stderr.on('data', (chunk) => process.stderr.write(chunk));
  await waitForStack(base);

  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: DESKTOP,
    // The patients and the physician of the default practice are in New York.
    timezoneId: 'America/New_York',
    locale: 'en-US',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  await context.grantPermissions(['camera', 'microphone'], { origin: base });
});

after(async () => {
  await context?.close();
  stack?.kill('SIGINT');
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(profileDir, { recursive: true, force: true });
});

/** A fresh tab (its own sessionStorage) that records console errors and CSP violations. */
async function newPage(viewport = DESKTOP) {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  page.on('console', (message) => {
    if (message.type() === 'error') {
      problems.push(`${page.url()}: ${message.text()} at ${JSON.stringify(message.location())}`);
    }
  });
  page.on('response', (response) => {
    if (response.status() === 404) problems.push(`not found: ${response.url()}`);
  });
  page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
  return page;
}

async function signIn(page, route, subject) {
  await page.goto(`${base}${route}`);
  await page.locator(`#account option[value="${subject}"]`).waitFor({ state: 'attached' });
  await page.selectOption('#account', subject);
  await page.click('#sign-in-form button[type="submit"]');
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

async function answerIntake(page, { reason = 'check_in', crisis = 'no' } = {}) {
  await page.click('#start');
  await page.selectOption('#reason', reason);
  for (const name of ['new_symptoms', 'significant_change', 'unsure']) {
    await page.check(`input[name="${name}"][value="no"]`);
  }
  await page.fill('#note', 'Sleeping better since the last change.');
  await page.check(`input[name="crisis"][value="${crisis}"]`);
}

let patient;
const RESPONSE = 'Good to hear. Keep the same dose; we will talk at your next live visit.';

test('a patient records a video, watches it upload and sees when to expect a response', { timeout: TIMEOUT }, async () => {
  patient = await newPage();
  await signIn(patient, '/portal', 'demo-established');
  await patient.getByRole('heading', { name: 'Your async visits' }).waitFor();
  await shot(patient, 'portal-home');

  await answerIntake(patient);
  await shot(patient, 'portal-intake');
  await patient.click('#intake-form button[type="submit"]');
  await patient.getByRole('heading', { name: 'Record your video' }).waitFor();

  await patient.click('#camera-on');
  await patient.locator('#rec-start').waitFor({ state: 'visible' });
  await patient.click('#rec-start');
  await patient.locator('#countdown').waitFor({ state: 'visible' });
  await patient.waitForTimeout(3200);
  assert.match(await patient.textContent('#countdown'), /^4:5\d left$/);
  await shot(patient, 'portal-recording');
  await patient.click('#rec-stop');
  await patient.locator('#send').waitFor({ state: 'visible' });
  assert.equal(await patient.isVisible('#retake'), true, 'a retake is offered');

  // Every value the progress bar takes, to see it reach the end.
  await patient.evaluate(() => {
    window.progressSeen = [];
    const bar = document.getElementById('progress');
    new MutationObserver(() => window.progressSeen.push(bar.value))
      .observe(bar, { attributes: true, attributeFilter: ['value'] });
  });
  await patient.click('#send');
  await patient.getByRole('heading', { name: 'Received' }).waitFor({ timeout: 30_000 });
  const seen = await patient.evaluate(() => window.progressSeen);
  assert.equal(seen.at(-1), 100, `the progress bar ends full: ${seen}`);
  assert.equal(await patient.textContent('#progress-label'), 'Uploading: 100%');

  const received = await patient.textContent('#done-text');
  assert.match(received, /^Received\. Expect a response by .+\.$/);
  assert.match(received, /\d{1,2}:\d{2}/, 'the deadline has a time of day');
  await shot(patient, 'portal-received');
});

test('the physician sees the visit first in the queue, plays it and responds', { timeout: TIMEOUT }, async () => {
  const page = await newPage();
  await signIn(page, '/physician', 'demo-physician');
  const first = page.locator('#queue-list > li').first();
  await first.waitFor();
  assert.match(await first.textContent(), /Avery Example: Routine check-in/);
  assert.match(await first.locator('.due').textContent(), /^(Due in \d+ (min|h|days)|Overdue by .+)$/);
  assert.match(await first.textContent(), /waiting \d+ min/);
  await shot(page, 'physician-queue');

  await first.locator('button.open-visit').click();
  await page.locator('#visit-title').waitFor({ state: 'visible' });
  assert.match(await page.textContent('#intake'), /Sleeping better since the last change\./);
  await page.selectOption('#speed', '1.5');
  const played = await page.evaluate(async () => {
    const video = document.getElementById('player');
    video.muted = true;
    await video.play();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    return { time: video.currentTime, rate: video.playbackRate, error: video.error?.code ?? null };
  });
  assert.equal(played.error, null);
  assert.ok(played.time > 0.5, `the video plays (at ${played.time} s)`);
  assert.equal(played.rate, 1.5);
  await page.evaluate(() => document.getElementById('player').pause());
  await shot(page, 'physician-visit');

  await page.check('input[name="kind"][value="no_change"]');
  await page.fill('#response-message', RESPONSE);
  await page.click('#response-form button[type="submit"]');
  await page.getByText('No visits are waiting.').waitFor();
  await page.waitForFunction(() => /Response sent/.test(document.getElementById('status').textContent));

  await page.click('#nav-patients');
  await page.getByRole('heading', { name: 'Patients' }).waitFor();
  await page.fill('#new-name', 'Sam Example');
  await page.fill('#new-email', 'sam@patients.test');
  await page.click('#add-patient button[type="submit"]');
  await page.getByRole('heading', { name: 'Sam Example' }).waitFor();
  const sam = () => page.locator('#patient-list > li').filter({ hasText: 'Sam Example' });
  assert.match(await sam().textContent(), /no live initial evaluation yet, async visits on/);
  await sam().locator('summary').click();
  await sam().getByLabel('Live initial evaluation on').fill('2026-11-20');
  await sam().getByLabel('Async visits allowed').uncheck();
  await sam().getByRole('button', { name: 'Save Sam Example' }).click();
  await sam().getByText('Active member, evaluated live on 2026-11-20, async visits off').waitFor();
  await shot(page, 'physician-patients');
});

test('the patient reads the response', { timeout: TIMEOUT }, async () => {
  await patient.click('#done button[data-home]');
  const visit = patient.locator('#visits > li').first();
  await visit.getByText('Your physician responded').waitFor();
  assert.match(await visit.textContent(), new RegExp(RESPONSE.replace('.', '\\.')));
  assert.match(await visit.textContent(), /The physician: No change/);
  await shot(patient, 'portal-response');
});

test('a crisis answer shows 988 and 911 at once and no recording controls', { timeout: TIMEOUT }, async () => {
  const page = await newPage(PHONE);
  await signIn(page, '/portal', 'demo-established');
  await page.getByRole('heading', { name: 'Your async visits' }).waitFor();
  await answerIntake(page, { crisis: 'yes' });
  await page.getByRole('heading', { name: 'Please reach help now' }).waitFor();
  for (const [name, href] of [['Call 988', 'tel:988'], ['Text 988', 'sms:988'], ['Call 911', 'tel:911']]) {
    const link = page.getByRole('link', { name });
    assert.equal(await link.isVisible(), true, name);
    assert.equal(await link.getAttribute('href'), href);
  }
  for (const control of ['#camera-on', '#rec-start', '#file', '#send', '#preview', '#intake-form']) {
    assert.equal(await page.isVisible(control), false, `${control} is hidden`);
  }
  // The server's own sentence arrives after the numbers are already shown.
  await page.waitForFunction(() => /call or text 988/.test(document.getElementById('crisis-text').textContent));
  await shot(page, 'portal-crisis-phone');
  await page.close();
});

test('new symptoms lead to a live visit, explained', { timeout: TIMEOUT }, async () => {
  const page = await newPage();
  await signIn(page, '/portal', 'demo-established');
  await page.getByRole('heading', { name: 'Your async visits' }).waitFor();
  await answerIntake(page);
  await page.check('input[name="new_symptoms"][value="yes"]');
  await page.click('#intake-form button[type="submit"]');
  await page.getByRole('heading', { name: 'A live visit fits better' }).waitFor();
  assert.equal(await page.isVisible('#camera-on'), false, 'no recording controls');
  await page.waitForFunction(() => /err toward live/.test(document.getElementById('refused-text').textContent));
  await page.close();
});

test('a new patient is refused in plain words before recording anything', { timeout: TIMEOUT }, async () => {
  const page = await newPage();
  await signIn(page, '/portal', 'demo-new');
  await page.getByRole('heading', { name: 'Your async visits' }).waitFor();
  await answerIntake(page, { reason: 'refill' });
  await page.click('#intake-form button[type="submit"]');
  await page.getByRole('heading', { name: 'Your first visit is a live one' }).waitFor();
  assert.equal(await page.isVisible('#camera-on'), false, 'no recording controls');
  assert.match(await page.textContent('#refused-text'), /first visit with the practice must be a live initial evaluation/);
  await shot(page, 'portal-new-patient');
  await page.close();
});

test("the physician's client refuses a patient's session", { timeout: TIMEOUT }, async () => {
  const page = await newPage();
  await signIn(page, '/physician', 'demo-established');
  await page.getByRole('heading', { name: 'This page is for the physician' }).waitFor();
  for (const hidden of ['#nav', '#queue', '#visit', '#patients']) {
    assert.equal(await page.isVisible(hidden), false, `${hidden} is hidden`);
  }
  await shot(page, 'physician-refused');
  await page.close();
});

test('a large file goes up in parts, and a dropped connection is retried', { timeout: 120_000 }, async () => {
  // 65 MiB: over the stack's 64 MiB multipart threshold, so the plan has 16 MiB parts.
  const big = Buffer.alloc(65 * 1024 * 1024);
  Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01]).copy(big);
  const file = path.join(dataDir, 'large-update.webm');
  writeFileSync(file, big);

  const page = await newPage();
  await signIn(page, '/portal', 'demo-established');
  await page.getByRole('heading', { name: 'Your async visits' }).waitFor();
  await answerIntake(page, { reason: 'side_effects' });
  await page.click('#intake-form button[type="submit"]');
  await page.getByRole('heading', { name: 'Record your video' }).waitFor();
  await page.setInputFiles('#file', file);
  await page.locator('#send').waitFor({ state: 'visible' });

  // The network drops during the second part.
  let parts = 0;
  await page.route('**/media/part**', async (route) => {
    parts += 1;
    if (parts === 2) await route.abort('connectionreset');
    else await route.continue();
  });
  await page.click('#send');
  await page.locator('#retry').waitFor({ state: 'visible', timeout: 60_000 });
  assert.match(await page.textContent('#error'), /connection dropped/);
  await shot(page, 'portal-upload-retry');

  await page.click('#retry');
  await page.getByRole('heading', { name: 'Received' }).waitFor({ timeout: 90_000 });
  assert.ok(parts >= 2 + 5, `every part was sent again after the retry (${parts} part requests)`);
  assert.equal(await page.textContent('#progress-label'), 'Uploading: 100%');
  assert.match(await page.textContent('#done-text'), /^Received\. Expect a response by /);
  await page.close();
});

test('the physician asks questions and the patient answers them', { timeout: TIMEOUT }, async () => {
  const physician = await newPage();
  await signIn(physician, '/physician', 'demo-physician');
  const first = physician.locator('#queue-list > li').first();
  await first.getByText('Avery Example: Side effects').waitFor();
  await first.locator('button.open-visit').click();
  await physician.locator('#visit-title').waitFor({ state: 'visible' });
  assert.match(await physician.textContent('#history'), /Routine check-in/, 'earlier visits are shown');
  assert.match(await physician.textContent('#history'), /Keep the same dose/, 'with their responses');
  await physician.check('input[name="kind"][value="questions"]');
  await physician.fill('#response-message', 'Which side effects, and since when?');
  await physician.click('#response-form button[type="submit"]');
  await physician.getByText('No visits are waiting.').waitFor();

  const page = await newPage();
  await signIn(page, '/portal', 'demo-established');
  const visit = page.locator('#visits > li').first();
  await visit.getByText('Your physician asked you something').waitFor();
  assert.match(await visit.textContent(), /The physician: Questions for you/);
  assert.match(await visit.textContent(), /Which side effects, and since when\?/);
  await visit.getByLabel('Your answer to your physician').fill('A dry mouth, for about two weeks.');
  await shot(page, 'portal-answer');
  await visit.getByRole('button', { name: 'Send answer' }).click();
  await page.waitForFunction(() => /Your answer was sent/.test(document.getElementById('status').textContent));
  await page.locator('#visits > li').first().getByText('With your physician').waitFor();

  await physician.click('#nav-queue');
  await physician.locator('#queue-list > li').first().getByText(/Answered your questions/).waitFor();
  await physician.locator('#queue-list button.open-visit').first().click();
  await physician.locator('#this-conversation').getByText('A dry mouth, for about two weeks.').waitFor();
  await physician.setViewportSize(PHONE);
  await shot(physician, 'physician-visit-phone');
  await page.close();
  await physician.close();
});

test('no page broke the Content-Security-Policy or threw', () => {
  // Expected: the refusals (403, 422) and the connection the multipart test dropped.
  const expected = /Failed to load resource: (the server responded with a status of (403|422)|net::ERR_CONNECTION_RESET)/;
  const real = problems.filter((p) => !expected.test(p));
  assert.deepEqual(real, []);
});
