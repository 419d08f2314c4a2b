// The physician's client: the queue by deadline, a visit with its video and intake, the
// response, and the practice's patients.
import {
  $, el, api, say, show, showError, clearError, setupSignIn, signInAgain,
  REASONS, RESPONSE_KINDS, duration, localTime, shortTime, messageItem,
} from './common.js';

const REFRESH_MS = 30000;
const STATUS_WORDS = {
  awaiting_upload: 'Waiting for the video',
  submitted: 'Waiting for your response',
  awaiting_patient: 'Waiting for the patient’s answer',
  responded: 'Responded',
  abandoned: 'No video arrived',
  upload_rejected: 'The video could not be used',
  cancelled: 'Cancelled by the patient',
};

let refreshTimer = null;
let openVisitId = null;
let openChange = null;

setupSignIn('async-visits.physician', {
  onSignedIn: () => openQueue(),
  onSignedOut: () => { stopRefresh(); $('nav').hidden = true; },
});

$('nav-queue').addEventListener('click', () => openQueue());
$('nav-patients').addEventListener('click', () => openPatients());
$('back-to-queue').addEventListener('click', () => openQueue());
$('speed').addEventListener('change', () => { $('player').playbackRate = Number($('speed').value); });
$('player').addEventListener('loadedmetadata', () => { $('player').playbackRate = Number($('speed').value); });

function stopRefresh() {
  clearInterval(refreshTimer);
  refreshTimer = null;
}

function current(tab) {
  for (const id of ['nav-queue', 'nav-patients']) {
    if (id === tab) $(id).setAttribute('aria-current', 'page');
    else $(id).removeAttribute('aria-current');
  }
}

/** Handles a refusal of the API: 403 means this account is not the physician's. */
function refusedBy(error) {
  if (error.status === 401) return signInAgain();
  if (error.status === 403) {
    stopRefresh();
    $('nav').hidden = true;
    show('forbidden');
    return;
  }
  showError(error);
}

// ---- The queue ---------------------------------------------------------------------------

async function openQueue() {
  clearError();
  current('nav-queue');
  openVisitId = null;
  const loaded = await loadQueue();
  if (!loaded) return;
  $('nav').hidden = false;
  show('queue');
  stopRefresh();
  refreshTimer = setInterval(() => { if (!$('queue').hidden) loadQueue(); }, REFRESH_MS);
}

async function loadQueue() {
  let queue;
  try {
    queue = await api('GET', '/review/queue?limit=100');
  } catch (error) {
    refusedBy(error);
    return false;
  }
  const visits = [...queue.visits].sort((a, b) => Date.parse(a.due.deadline) - Date.parse(b.due.deadline));
  const list = $('queue-list');
  list.replaceChildren(...visits.map(queueItem));
  if (!visits.length) list.append(el('li', { class: 'empty', text: 'No visits are waiting. Well done.' }));
  $('queue-updated').textContent = `Updated ${new Date().toLocaleTimeString()}; it refreshes itself every 30 seconds.`;
  return true;
}

function queueItem(item) {
  const left = Date.parse(item.due.deadline) - Date.now();
  const overdue = item.overdue || left <= 0;
  const due = overdue ? `Overdue by ${duration(left)}` : `Due in ${duration(left)}`;
  const waiting = `waiting ${duration(Date.now() - Date.parse(item.waiting_since))}`;
  const reason = REASONS[item.reason] || item.reason;
  return el('li', { class: overdue ? 'queue-item overdue' : 'queue-item' },
    el('p', { class: overdue ? 'due overdue' : 'due', text: due }),
    el('h2', {}, el('button', {
      type: 'button', class: 'link open-visit',
      text: `${item.patient_name}: ${reason}`,
      onclick: () => openVisit(item.visit_id),
    })),
    el('p', { class: 'hint', text: `${item.round > 1 ? 'Answered your questions, ' : ''}${waiting}; due ${shortTime(item.due.deadline)}` }));
}

// ---- One visit ---------------------------------------------------------------------------

async function openVisit(id) {
  clearError();
  let review;
  try {
    review = await api('GET', `/review/visits/${encodeURIComponent(id)}`);
  } catch (error) {
    return refusedBy(error);
  }
  openVisitId = id;
  const { visit, intake, patient } = review;
  $('visit-title').textContent = `${patient.name}: ${REASONS[visit.reason] || visit.reason}`;
  const alerts = (review.alerts_sent || [])
    .map((a) => `${a.alert === 'overdue' ? 'Overdue alert' : 'Reminder'} sent ${localTime(a.at)}.`);
  $('visit-due').textContent = [
    visit.due ? `Due ${localTime(visit.due.deadline)} (${visit.due.deadline_text}).` : '',
    ...alerts,
  ].filter(Boolean).join(' ');

  const player = $('player');
  player.pause();
  if (review.media_url) {
    player.src = review.media_url;
    player.hidden = false;
    $('no-video').hidden = true;
  } else {
    player.removeAttribute('src');
    player.hidden = true;
    $('no-video').hidden = false;
  }

  const yesNo = (v) => (v ? 'Yes' : 'No');
  const facts = [
    ['Reason', REASONS[intake.reason] || intake.reason],
    ['Crisis or thoughts of harm', yesNo(intake.crisis)],
    ['New symptoms', yesNo(intake.new_symptoms)],
    ['Significant change', yesNo(intake.significant_change)],
    ['Unsure what is going on', yesNo(intake.unsure)],
    ['Note', intake.note || '(none)'],
    ['Membership', patient.membership === 'active' ? 'Active' : 'Inactive'],
  ];
  if (patient.crisis_flagged_at) facts.push(['Crisis answer on record', shortTime(patient.crisis_flagged_at)]);
  $('intake').replaceChildren(...facts.flatMap(([term, value]) => [el('dt', { text: term }), el('dd', { text: value })]));

  $('this-conversation-heading').hidden = !visit.conversation.length;
  $('this-conversation').replaceChildren(...visit.conversation.map((m) => messageItem(m, { patientLabel: 'The patient' })));

  const history = $('history');
  history.replaceChildren(...review.history.map(historyItem));
  if (!review.history.length) history.append(el('li', { class: 'empty', text: 'No earlier visits.' }));

  $('response-form').reset();
  show('visit');
}

function historyItem(visit) {
  return el('li', { class: 'visit' },
    el('h3', { text: `${shortTime(visit.created_at)}: ${REASONS[visit.reason] || visit.reason}` }),
    el('p', { text: STATUS_WORDS[visit.status] || visit.status }),
    visit.conversation.length
      ? el('ol', { class: 'conversation' }, ...visit.conversation.map((m) => messageItem(m, { patientLabel: 'The patient' })))
      : null);
}

$('response-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  clearError();
  const kind = document.querySelector('input[name="kind"]:checked')?.value;
  const message = $('response-message').value.trim();
  if (!kind || !message) return showError('Choose the kind of response and write a message.');
  try {
    await api('POST', `/review/visits/${encodeURIComponent(openVisitId)}/response`, { kind, message });
  } catch (error) {
    return refusedBy(error);
  }
  $('player').pause();
  await openQueue();
  say(`Response sent: ${RESPONSE_KINDS[kind]}. The patient has been told a response is waiting.`);
});

// ---- Patients ----------------------------------------------------------------------------

async function openPatients() {
  clearError();
  stopRefresh();
  current('nav-patients');
  let patients;
  try {
    patients = await api('GET', '/review/patients');
  } catch (error) {
    return refusedBy(error);
  }
  $('patient-list').replaceChildren(...patients.map(patientItem));
  show('patients');
}

function patientItem(patient) {
  const key = `p-${patient.id}`.replace(/[^a-zA-Z0-9_-]/g, '_');
  const membership = el('select', { id: `${key}-membership` },
    el('option', { value: 'active', text: 'Active', selected: patient.membership === 'active' }),
    el('option', { value: 'inactive', text: 'Inactive', selected: patient.membership === 'inactive' }));
  const evaluated = el('input', { id: `${key}-evaluated`, type: 'date', value: patient.initial_evaluation_on || '' });
  const asyncOn = el('input', { id: `${key}-async`, type: 'checkbox', checked: patient.async_enabled });
  const summary = [
    patient.membership === 'active' ? 'Active member' : 'Membership inactive',
    patient.initial_evaluation_on ? `evaluated live on ${patient.initial_evaluation_on}` : 'no live initial evaluation yet',
    patient.async_enabled ? 'async visits on' : 'async visits off',
  ].join(', ');
  const form = el('form', { class: 'patient-form', onsubmit: async (event) => {
    event.preventDefault();
    clearError();
    const change = { membership: membership.value, async_enabled: asyncOn.checked };
    if (evaluated.value) change.initial_evaluation_on = evaluated.value;
    try {
      await api('PATCH', `/review/patients/${encodeURIComponent(patient.id)}`, change);
    } catch (error) {
      return refusedBy(error);
    }
    openChange = patient.id;
    await openPatients();
    openChange = null;
    say(`Saved ${patient.name}.`);
  } },
  el('fieldset', {},
    el('legend', { text: `Change ${patient.name}` }),
    el('label', { for: membership.id, text: 'Membership' }), membership,
    el('label', { for: evaluated.id, text: 'Live initial evaluation on' }), evaluated,
    el('label', { class: 'check' }, asyncOn, ' Async visits allowed'),
    el('button', { type: 'submit', class: 'secondary', text: `Save ${patient.name}` })));
  return el('li', { class: 'patient' },
    el('h2', { text: patient.name }),
    el('p', { class: 'hint', text: patient.email }),
    el('p', { text: summary }),
    patient.crisis_flagged_at ? el('p', { class: 'flag', text: `Crisis answer on ${shortTime(patient.crisis_flagged_at)}` }) : null,
    el('details', { class: 'change', open: openChange === patient.id },
      el('summary', { text: `Change ${patient.name}’s membership, evaluation or async visits` }), form));
}

$('add-patient').addEventListener('submit', async (event) => {
  event.preventDefault();
  clearError();
  const patient = {
    name: $('new-name').value.trim(),
    email: $('new-email').value.trim(),
    membership: $('new-membership').value,
    async_enabled: $('new-async').checked,
  };
  if ($('new-evaluated').value) patient.initial_evaluation_on = $('new-evaluated').value;
  try {
    await api('POST', '/review/patients', patient);
  } catch (error) {
    return refusedBy(error);
  }
  $('add-patient').reset();
  await openPatients();
  say(`${patient.name} was added.`);
});
