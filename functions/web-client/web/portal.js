// The patient portal: the intake, recording or picking the video, the upload straight to the
// presigned URL, and the patient's visits with the physician's responses.
import {
  $, el, api, say, show, showError, clearError, setupSignIn, signInAgain,
  REASONS, localTime, messageItem,
} from './common.js';

const LIMIT_SECONDS = 5 * 60;
const STATUS_WORDS = {
  awaiting_upload: 'Waiting for your video',
  submitted: 'With your physician',
  awaiting_patient: 'Your physician asked you something',
  responded: 'Your physician responded',
  abandoned: 'Closed: no video arrived in time',
  upload_rejected: 'The video could not be used; please start a new visit',
  cancelled: 'Cancelled',
};
// The kinds of response, as the patient reads them.
const KINDS = {
  no_change: 'No change',
  medication_adjustment: 'A change to your medication',
  recommendation: 'A recommendation',
  questions: 'Questions for you',
  book_live_visit: 'Please book a live visit',
};
const REJECTIONS = {
  wrong_length: 'The video that arrived was not complete.',
  wrong_content_type: 'The video that arrived was not of the type announced.',
  not_a_video: 'The file that arrived is not a video we can play.',
};

const state = { intake: null, video: null, visitId: null, stream: null, recorder: null };

setupSignIn('async-visits.portal', {
  accepts: (account) => account.group === 'patient',
  onSignedIn: () => goHome(),
  onSignedOut: () => stopCamera(),
});

for (const button of document.querySelectorAll('[data-home]')) {
  button.addEventListener('click', () => goHome());
}
$('start').addEventListener('click', () => {
  clearError();
  $('intake-form').reset();
  show('intake');
});

// A crisis answer shows 988 and 911 at once, before anything else.
for (const radio of document.querySelectorAll('input[name="crisis"]')) {
  radio.addEventListener('change', () => { if (radio.checked && radio.value === 'yes') crisis(); });
}

function intakeAnswers() {
  const yes = (name) => document.querySelector(`input[name="${name}"]:checked`)?.value === 'yes';
  return {
    reason: $('reason').value,
    crisis: yes('crisis'),
    new_symptoms: yes('new_symptoms'),
    significant_change: yes('significant_change'),
    unsure: yes('unsure'),
    note: $('note').value.trim(),
  };
}

// The practice's policy is asked before anything is recorded: a refusal is audited (and a
// crisis alerts the physician), and the patient learns at once whether async fits.
function screenIntake(intake) {
  return api('POST', '/visits/eligibility', { intake });
}

async function crisis() {
  clearError();
  stopCamera();
  show('crisis');
  try {
    await screenIntake({ ...intakeAnswers(), crisis: true });
  } catch (error) {
    if (error.code === 'crisis') $('crisis-text').textContent = error.message;
  }
}

$('intake-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  clearError();
  const intake = intakeAnswers();
  if (intake.crisis) return crisis();
  if (intake.new_symptoms || intake.significant_change || intake.unsure) {
    refused('A live visit fits better', 'New symptoms or a significant change are best discussed '
      + "in a live visit. If you're not sure, err toward live: please book a live visit.");
    try {
      await screenIntake(intake);
    } catch (error) {
      if (error.status) refused(titleOf(error.code), error.message);
    }
    return;
  }
  try {
    await screenIntake(intake);
  } catch (error) {
    if (error.status) return refused(titleOf(error.code), error.message);
    return showError(error);
  }
  state.intake = intake;
  resetRecorder();
  show('record');
});

function titleOf(code) {
  return {
    new_patient: 'Your first visit is a live one',
    membership_inactive: 'Async visits are for active members',
    async_disabled: 'Your physician would like to see you live',
    visit_open: 'You already have a visit in progress',
    live_visit_recommended: 'A live visit fits better',
  }[code] || 'This visit could not be started';
}

function refused(title, text, extra = '') {
  $('refused-title').textContent = title;
  $('refused-text').textContent = text;
  $('refused-extra').textContent = extra;
  show('refused');
}

// ---- Recording -------------------------------------------------------------------------

function recorderType() {
  const types = ['video/webm;codecs=vp9,opus', 'video/webm;codecs=vp8,opus', 'video/webm', 'video/mp4'];
  return types.find((t) => window.MediaRecorder && MediaRecorder.isTypeSupported(t)) || '';
}

/** The MIME type without codec parameters: "video/webm;codecs=vp8" -> "video/webm". */
function baseType(type) {
  const base = (type || '').split(';')[0].trim().toLowerCase();
  return base === 'video/x-matroska' ? 'video/webm' : base;
}

function setButtons(visible) {
  for (const id of ['camera-on', 'rec-start', 'rec-stop', 'retake', 'send']) {
    $(id).hidden = !visible.includes(id);
  }
}

function resetRecorder() {
  state.video = null;
  $('review').hidden = true;
  $('review').removeAttribute('src');
  $('preview').hidden = false;
  $('countdown').hidden = true;
  $('file').value = '';
  setButtons(state.stream ? ['rec-start'] : ['camera-on']);
}

function stopCamera() {
  if (state.recorder && state.recorder.state !== 'inactive') state.recorder.stop();
  state.stream?.getTracks().forEach((track) => track.stop());
  state.stream = null;
  $('preview').srcObject = null;
}

$('camera-on').addEventListener('click', async () => {
  clearError();
  try {
    state.stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
  } catch {
    showError('The camera could not be turned on. Allow the camera for this page, or choose a video file below.');
    return;
  }
  $('preview').srcObject = state.stream;
  await $('preview').play().catch(() => {});
  setButtons(['rec-start']);
  say('The camera is on. Press Start recording when you are ready.');
  $('rec-start').focus();
});

$('rec-start').addEventListener('click', () => {
  clearError();
  const chunks = [];
  const type = recorderType();
  const recorder = new MediaRecorder(state.stream, type ? { mimeType: type } : {});
  state.recorder = recorder;
  recorder.addEventListener('dataavailable', (e) => { if (e.data.size) chunks.push(e.data); });
  recorder.addEventListener('stop', () => {
    clearInterval(timer);
    const kind = baseType(recorder.mimeType || type || 'video/webm');
    useVideo(new Blob(chunks, { type: kind }), kind, 'Your recording is ready. Watch it, record it again, or send it.');
  });
  const started = Date.now();
  const countdown = $('countdown');
  const tick = () => {
    const left = Math.max(0, LIMIT_SECONDS - Math.floor((Date.now() - started) / 1000));
    countdown.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')} left`;
    countdown.classList.toggle('ending', left <= 30);
    if (left === 60) say('One minute left.');
    if (left === 0 && recorder.state === 'recording') recorder.stop();
  };
  const timer = setInterval(tick, 250);
  tick();
  countdown.hidden = false;
  recorder.start(1000);
  setButtons(['rec-stop']);
  say('Recording. Press Stop recording when you are done.');
  $('rec-stop').focus();
});

$('rec-stop').addEventListener('click', () => {
  if (state.recorder?.state === 'recording') state.recorder.stop();
});

$('retake').addEventListener('click', () => {
  resetRecorder();
  say(state.stream ? 'Ready to record again.' : 'Turn on the camera to record again.');
  (state.stream ? $('rec-start') : $('camera-on')).focus();
});

$('file').addEventListener('change', () => {
  const file = $('file').files[0];
  if (!file) return;
  clearError();
  if (state.recorder?.state === 'recording') state.recorder.stop();
  useVideo(file, baseType(file.type), `${file.name} is ready to send.`);
});

function useVideo(blob, type, message) {
  if (!['video/webm', 'video/mp4', 'video/quicktime'].includes(type)) {
    showError('Please choose an MP4, WebM or MOV video.');
    return;
  }
  state.video = { blob, type };
  const review = $('review');
  if (review.src) URL.revokeObjectURL(review.src);
  review.src = URL.createObjectURL(blob);
  review.hidden = false;
  $('preview').hidden = true;
  $('countdown').hidden = true;
  setButtons(['retake', 'send']);
  say(message);
  $('send').focus();
}

// ---- Sending ---------------------------------------------------------------------------

$('send').addEventListener('click', async () => {
  clearError();
  const { blob, type } = state.video;
  let created;
  try {
    created = await api('POST', '/visits', {
      intake: state.intake, video: { content_type: type, length: blob.size },
    });
  } catch (error) {
    if (error.code === 'crisis') return crisis();
    if (error.status === 401) return signInAgain();
    if (['new_patient', 'membership_inactive', 'async_disabled', 'visit_open', 'live_visit_recommended'].includes(error.code)) {
      stopCamera();
      return refused(titleOf(error.code), error.message);
    }
    return showError(error);
  }
  stopCamera();
  state.visitId = created.visit.id;
  upload(created.upload);
});

$('retry').addEventListener('click', async () => {
  clearError();
  const { blob, type } = state.video;
  try {
    const fresh = await api('POST', `/visits/${state.visitId}/upload`, { content_type: type, length: blob.size });
    upload(fresh.upload);
  } catch (error) {
    uploadFailed(error.message);
  }
});

function progress(sent, total) {
  const percent = total ? Math.floor((sent / total) * 100) : 0;
  $('progress').value = percent;
  $('progress-label').textContent = `Uploading: ${percent}%`;
}

/** PUTs a body with XMLHttpRequest for its upload progress; resolves to the ETag. */
function put(url, body, headers, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    for (const [name, value] of Object.entries(headers || {})) {
      if (!['content-length', 'host'].includes(name.toLowerCase())) xhr.setRequestHeader(name, value);
    }
    xhr.upload.addEventListener('progress', (e) => onProgress(e.loaded));
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(xhr.getResponseHeader('ETag'));
      else reject(new Error('The upload was refused. Press Retry to send it again.'));
    });
    xhr.addEventListener('error', () => reject(new Error('The connection dropped before the video was sent. Your video is still here: press Retry when you are back online.')));
    xhr.addEventListener('timeout', () => reject(new Error('The upload took too long. Press Retry to send it again.')));
    xhr.send(body);
  });
}

async function upload(plan) {
  const { blob } = state.video;
  show('upload');
  $('retry').hidden = true;
  $('upload-note').textContent = 'Please keep this page open until it is done.';
  progress(0, blob.size);
  try {
    if (plan.method === 'multipart') {
      const done = [];
      let offset = 0;
      for (const part of plan.parts) {
        const slice = blob.slice(offset, offset + part.length);
        const base = offset;
        const etag = await put(part.url, slice, {}, (loaded) => progress(base + loaded, blob.size));
        done.push({ part_number: part.part_number, etag });
        offset += part.length;
      }
      await api('POST', `/visits/${state.visitId}/upload/complete`, { upload_id: plan.upload_id, parts: done });
    } else {
      await put(plan.url, blob, plan.headers, (loaded) => progress(loaded, blob.size));
    }
  } catch (error) {
    return uploadFailed(error.message);
  }
  progress(blob.size, blob.size);
  $('upload-note').textContent = 'Uploaded. Checking the video…';
  say('Uploaded. Checking the video.');
  waitForReceipt();
}

function uploadFailed(message) {
  showError(message);
  $('upload-note').textContent = 'The video was not sent yet.';
  $('retry').hidden = false;
  $('retry').focus();
}

async function waitForReceipt() {
  for (let i = 0; i < 120; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    let visit;
    try {
      visit = await api('GET', `/visits/${state.visitId}`);
    } catch {
      continue;
    }
    if (visit.status === 'awaiting_upload') continue;
    if (visit.status === 'upload_rejected') {
      return refused('The video could not be used', REJECTIONS[visit.rejection] || 'The video could not be used.',
        'Please start a new visit and send the video again.');
    }
    $('done-text').textContent = visit.due
      ? `Received. Expect a response by ${localTime(visit.due.deadline)}.`
      : 'Received. Your physician will respond by the next business day.';
    show('done');
    return;
  }
  $('upload-note').textContent = 'The video was sent. Checking it is taking longer than usual; see My visits for its status.';
}

// ---- My visits -------------------------------------------------------------------------

async function goHome() {
  clearError();
  stopCamera();
  show('home');
  let visits;
  try {
    visits = await api('GET', '/visits');
  } catch (error) {
    if (error.status === 401) return signInAgain();
    return showError(error);
  }
  const list = $('visits');
  list.replaceChildren(...visits.map(visitCard));
  if (!visits.length) list.append(el('li', { class: 'empty', text: 'You have no async visits yet.' }));
}

function visitCard(visit) {
  const item = el('li', { class: `visit status-${visit.status}` },
    el('h3', { text: `${REASONS[visit.reason] || visit.reason}, started ${new Date(visit.created_at).toLocaleDateString(undefined, { dateStyle: 'medium' })}` }),
    el('p', { class: 'visit-status' }, el('strong', { text: STATUS_WORDS[visit.status] || visit.status })));
  if (visit.due && ['submitted', 'awaiting_patient'].includes(visit.status)) {
    item.append(el('p', { text: `Expect a response by ${localTime(visit.due.deadline)}.` }));
  }
  if (visit.conversation.length) {
    item.append(el('ol', { class: 'conversation', 'aria-label': 'Messages' },
      ...visit.conversation.map((m) => messageItem(m, { kinds: KINDS }))));
  }
  if (visit.status === 'awaiting_patient') item.append(answerForm(visit));
  if (visit.status === 'awaiting_upload') {
    item.append(el('button', { type: 'button', class: 'secondary', text: 'Cancel this visit', onclick: () => cancel(visit.id) }));
  }
  return item;
}

function answerForm(visit) {
  const id = `answer-${visit.id}`;
  const text = el('textarea', { id, rows: 4, required: true, maxlength: 4000 });
  return el('form', { class: 'answer', onsubmit: async (event) => {
    event.preventDefault();
    clearError();
    try {
      await api('POST', `/visits/${visit.id}/answer`, { message: text.value.trim() });
      await goHome();
      say('Your answer was sent to your physician.');
    } catch (error) {
      showError(error);
    }
  } },
  el('label', { for: id, text: 'Your answer to your physician' }), text,
  el('button', { type: 'submit', class: 'primary', text: 'Send answer' }));
}

async function cancel(id) {
  clearError();
  try {
    await api('POST', `/visits/${id}/cancel`);
    await goHome();
    say('The visit was cancelled.');
  } catch (error) {
    showError(error);
  }
}
