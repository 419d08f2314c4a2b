// What the patient portal and the physician's client share: the sign-in (local or hosted),
// calls to the API with the session's token, problem display, focus management and
// plain-language words.
// Text is always set with textContent; nothing from the API is ever parsed as HTML.

export const $ = (id) => document.getElementById(id);

/** Makes an element: el('p', {class: 'note', text: 'Hello'}, child, 'more text'). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = value;
    else if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** The signed-in account of this page, kept in sessionStorage until the tab closes. */
export function session(key) {
  return {
    get() {
      try { return JSON.parse(sessionStorage.getItem(key) || 'null'); } catch { return null; }
    },
    set(value) { sessionStorage.setItem(key, JSON.stringify(value)); },
    clear() { sessionStorage.removeItem(key); },
  };
}

/** An API refusal: the problem's `code` and `detail`, and the HTTP status (0: no network). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || 'Something went wrong. Please try again.');
    this.status = status;
    this.code = problem.code || 'error';
    this.problem = problem;
  }
}

let currentSession = null;

/** Calls the API with the session's token; resolves to the JSON body or throws ApiError. */
export async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (currentSession) headers.authorization = `Bearer ${currentSession.get()?.token || ''}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method, headers, cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { code: 'network', detail: 'The practice could not be reached. Check your connection and try again.' });
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok) {
    throw new ApiError(response.status, data && data.detail ? data : {
      code: `http_${response.status}`, detail: 'Something went wrong on our side. Please try again.',
    });
  }
  return data;
}

/** Shows a sentence in the page's polite status region. */
export function say(text) {
  const status = $('status');
  status.textContent = '';
  // A fresh text node so screen readers announce a repeated sentence too.
  setTimeout(() => { status.textContent = text; }, 30);
}

/** Shows an error (an ApiError, an Error or a sentence) in the page's alert region. */
export function showError(error) {
  const box = $('error');
  box.textContent = typeof error === 'string' ? error : error.message;
  box.hidden = false;
}

export function clearError() {
  const box = $('error');
  box.textContent = '';
  box.hidden = true;
}

/**
 * Shows one screen (a section with data-screen), hides the others, clears the last status
 * sentence and moves the focus to the screen's heading.
 */
export function show(id, { focus = true } = {}) {
  $('status').textContent = '';
  for (const screen of document.querySelectorAll('[data-screen]')) screen.hidden = screen.id !== id;
  const heading = $(id).querySelector('h1, h2');
  if (focus && heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
}

/**
 * Wires the sign-in that /web/config.json names: the dev sign-in of the one-machine stack, or
 * Cognito's hosted sign-in on AWS. Either keeps the session in sessionStorage and calls
 * onSignedIn(account); sign-out forgets it.
 */
export async function setupSignIn(storageKey, handlers) {
  let config;
  try {
    config = await api('GET', '/web/config.json');
  } catch (error) {
    showError(error);
    return;
  }
  currentSession = session(storageKey);
  if (config?.sign_in === 'cognito') {
    hostedSignIn(config, session(`${storageKey}.pending`), handlers);
  } else {
    localSignIn(handlers);
  }
}

/**
 * The dev sign-in: fills the account select from /dev/accounts (filtered), signs in and keeps
 * the token.
 */
function localSignIn({ accepts = () => true, onSignedIn, onSignedOut }) {
  const select = $('account');
  $('sign-in-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    clearError();
    try {
      const signedIn = await api('POST', '/dev/sign-in', { subject: select.value });
      const label = select.selectedOptions[0]?.textContent || signedIn.subject;
      currentSession.set({ ...signedIn, label });
      signedInAs(currentSession.get());
      onSignedIn(currentSession.get());
    } catch (error) {
      showError(error);
    }
  });
  $('sign-out').addEventListener('click', () => {
    currentSession.clear();
    signedInAs(null);
    onSignedOut?.();
    showSignIn();
  });

  async function showSignIn() {
    show('sign-in');
    try {
      const accounts = await api('GET', '/dev/accounts');
      select.replaceChildren(...accounts.filter(accepts)
        .map((a) => el('option', { value: a.subject, text: a.label })));
    } catch (error) {
      showError(error);
    }
  }

  const existing = currentSession.get();
  if (existing) {
    signedInAs(existing);
    onSignedIn(existing);
  } else {
    showSignIn();
  }
}

/**
 * Cognito's hosted sign-in, authorization code with PKCE: the page sends the browser to the
 * sign-in with a fresh verifier's challenge and a state, and on its return exchanges the code
 * for tokens. The id token is what the API's authorizer expects. Its claims are read here only
 * to greet the account; the API checks the token and decides what it may do.
 */
async function hostedSignIn(config, pending, { onSignedIn, onSignedOut }) {
  const here = location.origin + location.pathname;
  for (const node of document.querySelectorAll('[data-local]')) node.hidden = true;
  for (const node of document.querySelectorAll('[data-hosted]')) node.hidden = false;
  $('account').required = false;

  $('sign-in-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    clearError();
    const verifier = randomText();
    const state = randomText();
    pending.set({ verifier, state });
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: config.client_id,
      redirect_uri: here,
      scope: 'openid email',
      state,
      code_challenge: await challengeOf(verifier),
      code_challenge_method: 'S256',
    });
    location.assign(`${config.domain_url}/oauth2/authorize?${query}`);
  });
  $('sign-out').addEventListener('click', () => {
    currentSession.clear();
    onSignedOut?.();
    const query = new URLSearchParams({ client_id: config.client_id, logout_uri: here });
    location.assign(`${config.domain_url}/logout?${query}`);
  });

  const params = new URLSearchParams(location.search);
  if (params.has('code') || params.has('error')) {
    // The code is single-use: out of the address bar, the history and a reload.
    history.replaceState(null, '', location.pathname + location.hash);
    const expected = pending.get();
    pending.clear();
    show('sign-in');
    if (params.has('error')) {
      showError('The sign-in did not complete. Please try again.');
      return;
    }
    if (!expected || params.get('state') !== expected.state) {
      showError('This sign-in could not be confirmed as yours. Please sign in again.');
      return;
    }
    try {
      const tokens = await exchange(config, here, params.get('code'), expected.verifier);
      currentSession.set(accountOf(tokens.id_token));
    } catch (error) {
      showError(error);
      return;
    }
  }

  const existing = currentSession.get();
  if (existing && existing.expires * 1000 > Date.now()) {
    signedInAs(existing);
    onSignedIn(existing);
  } else {
    currentSession.clear();
    show('sign-in');
  }
}

/** Trades the authorization code and the PKCE verifier for the tokens. */
async function exchange(config, redirectUri, code, verifier) {
  const failed = new ApiError(0, {
    code: 'sign_in', detail: 'The sign-in could not be completed. Please sign in again.',
  });
  let response;
  try {
    response = await fetch(`${config.domain_url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      cache: 'no-store',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: config.client_id,
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      }),
    });
  } catch {
    throw failed;
  }
  const tokens = response.ok ? await response.json().catch(() => null) : null;
  if (!tokens?.id_token) throw failed;
  return tokens;
}

/** The session of an id token: the token, and the claims this page shows. */
function accountOf(idToken) {
  const claims = JSON.parse(new TextDecoder().decode(fromBase64Url(idToken.split('.')[1] || '')));
  const groups = Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'] : [];
  return {
    token: idToken,
    subject: claims.sub,
    group: groups.includes('physician') ? 'physician' : groups[0] || null,
    label: claims.name || claims.email || 'your account',
    expires: Number(claims.exp) || 0,
  };
}

/** 32 random bytes, base64url: a PKCE verifier (43 characters) or a state. */
function randomText() {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

/** The S256 code challenge of a verifier. */
async function challengeOf(verifier) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return toBase64Url(new Uint8Array(digest));
}

function toBase64Url(bytes) {
  const binary = String.fromCharCode(...bytes);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

function signedInAs(account) {
  $('who').textContent = account ? `Signed in as ${account.label}` : '';
  $('sign-out').hidden = !account;
}

/** Forgets the session after the API refused its token (expired), and asks to sign in again. */
export function signInAgain() {
  currentSession?.clear();
  location.reload();
}

export const REASONS = {
  refill: 'Prescription refill',
  side_effects: 'Side effects',
  minor_adjustment: 'Minor adjustment',
  check_in: 'Routine check-in',
};

export const RESPONSE_KINDS = {
  no_change: 'No change',
  medication_adjustment: 'Medication adjustment',
  recommendation: 'Recommendation',
  questions: 'Questions for the patient',
  book_live_visit: 'Book a live visit',
};

/** A date and time in the reader's own time zone. */
export function localTime(iso) {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'short' });
}

export function shortTime(iso) {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A length of time in plain words: "45 min", "3 h", "2 days". */
export function duration(ms) {
  const minutes = Math.max(0, Math.round(Math.abs(ms) / 60000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} days`;
}

/** One message of a visit's conversation, from the physician or the patient. */
export function messageItem(message, { patientLabel = 'You', kinds = RESPONSE_KINDS } = {}) {
  const who = message.kind
    ? `The physician: ${kinds[message.kind] || message.kind}`
    : `${patientLabel} answered`;
  return el('li', { class: message.kind ? 'message from-physician' : 'message from-patient' },
    el('p', { class: 'message-head' }, el('strong', { text: who }), ` · ${shortTime(message.at)}`),
    el('p', { class: 'message-text', text: message.message }));
}
