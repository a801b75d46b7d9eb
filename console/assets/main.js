// The console's entry point: the token field, the section links and a small
// hash router (#/, #/topics/{topic}, #/topics/{topic}/partitions/{p}, #/schedules).
// Each view renders into <main> and returns a function that stops its timers.

import { UNAUTHORIZED_EVENT } from './api.js';
import { h, replace } from './dom.js';
import { noticeRegion } from './notices.js';
import { forgetToken, readToken, saveToken } from './token.js';
import { renderPartition } from './views/partition.js';
import { renderSchedules } from './views/schedules.js';
import { renderTopic } from './views/topic.js';
import { renderTopics } from './views/topics.js';

const main = document.getElementById('main');
const tokenForm = document.getElementById('token-form');
const tokenInput = document.getElementById('token-input');
const tokenState = document.getElementById('token-state');

const ROUTES = [
  { pattern: /^#\/?$/, section: 'topics', view: () => renderTopics },
  { pattern: /^#\/topics\/([^/?]+)$/, section: 'topics', view: ([topic]) => (root) => renderTopic(root, topic) },
  { pattern: /^#\/topics\/([^/?]+)\/partitions\/(\d+)(?:\?(.*))?$/, section: 'topics', view: ([topic, p, query]) => (root) => renderPartition(root, topic, Number(p), new URLSearchParams(query ?? '')) },
  { pattern: /^#\/schedules$/, section: 'schedules', view: () => renderSchedules },
];

let stopView;

function notFound(root) {
  replace(root, h('section', { class: 'page' }, h('h1', { text: 'Nothing here' }), h('p', {}, 'This console page does not exist. ', h('a', { href: '#/', text: 'Back to the topics' }))));
}

function route() {
  const hash = location.hash === '' ? '#/' : location.hash;
  // In-page anchors (the skip link) are not routes.
  if (!hash.startsWith('#/')) return;
  stopView?.();
  stopView = undefined;
  main.replaceChildren();
  const match = ROUTES.map((candidate) => ({ candidate, found: candidate.pattern.exec(hash) })).find(({ found }) => found !== null);
  for (const link of document.querySelectorAll('.sections a')) {
    if (link.dataset.section === match?.candidate.section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (match === undefined) {
    notFound(main);
    return;
  }
  const params = match.found.slice(1).map((value, index) => (index < 1 && value !== undefined ? decodeURIComponent(value) : value));
  stopView = match.candidate.view(params)(main) ?? undefined;
}

function showTokenState(problem) {
  tokenState.classList.toggle('problem', problem !== undefined);
  tokenState.textContent = problem ?? (readToken() === '' ? 'No token: fine when the server has none.' : 'Token in use, kept in this tab only.');
}

tokenForm.addEventListener('submit', (event) => {
  event.preventDefault();
  saveToken(tokenInput.value.trim());
  tokenInput.value = '';
  showTokenState();
  route();
});

document.getElementById('token-forget').addEventListener('click', () => {
  forgetToken();
  showTokenState();
  route();
});

window.addEventListener(UNAUTHORIZED_EVENT, (event) => {
  showTokenState(`${event.detail.describe()} Enter a token.`);
});

window.addEventListener('hashchange', route);
document.body.insertBefore(noticeRegion(), main);
showTokenState();
route();
