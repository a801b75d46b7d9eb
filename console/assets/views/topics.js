// The front page: every topic the token may see, with its partitions, retained
// messages and its subscriptions' totals, refreshed live; and a form to create one.

import { api } from '../api.js';
import { field, h, keyedTable } from '../dom.js';
import { FormError, defined, optionalInteger } from '../forms.js';
import { count, localTime } from '../format.js';
import { alertSlot, attempt, notify } from '../notices.js';
import { poll } from '../poll.js';

const REFRESH_MS = 5000;
const NAME_PATTERN = '[A-Za-z0-9][A-Za-z0-9_\\-]{0,47}';

const retained = (details) => details.stats.partitions.reduce((sum, p) => sum + (p.nextOffset - p.oldestOffset), 0);
const sumOf = (subscriptions, stat) => subscriptions.reduce((sum, s) => sum + s.stats[stat], 0);

/** One topic's row: its own numbers, and its subscriptions' when the token may read them. */
async function topicRow(topic) {
  const [details, listing] = await Promise.allSettled([api.getTopic(topic.name), api.listSubscriptions(topic.name)]);
  const subscriptions = listing.status === 'fulfilled' ? listing.value.subscriptions : undefined;
  return {
    topic,
    messages: details.status === 'fulfilled' ? retained(details.value) : null,
    subscriptions: subscriptions?.length ?? null,
    backlog: subscriptions === undefined ? null : sumOf(subscriptions, 'backlog'),
    deadLetters: subscriptions === undefined ? null : sumOf(subscriptions, 'deadLetters'),
  };
}

function createTopicForm() {
  const name = h('input', { name: 'name', required: true, pattern: NAME_PATTERN, maxlength: 48, placeholder: 'orders', autocomplete: 'off' });
  const partitions = h('input', { name: 'partitions', type: 'number', min: 1, max: 64, placeholder: '4' });
  const retention = h('input', { name: 'retentionHours', type: 'number', min: 1, max: 8760, placeholder: '168' });
  const dedup = h('input', { name: 'dedupWindowSeconds', type: 'number', min: 0, max: 86400, placeholder: '3600' });
  const submit = h('button', { type: 'submit', text: 'Create topic' });
  const alert = alertSlot();
  const form = h(
    'form',
    { class: 'card form', 'aria-labelledby': 'create-topic-title' },
    h('h2', { id: 'create-topic-title', text: 'Create a topic' }),
    field('Name', name, 'Letters, digits, _ and -; up to 48.'),
    h('div', { class: 'row' }, field('Partitions', partitions, '1–64, default 4'), field('Retention (hours)', retention, 'default 168'), field('Dedup window (s)', dedup, 'default 3600; 0 disables')),
    alert.element,
    h('div', { class: 'actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await attempt(alert, [submit], async () => {
      const topic = name.value.trim();
      if (topic === '') throw new FormError('Name is required');
      const settings = defined({
        partitions: optionalInteger(partitions, 'Partitions', { min: 1, max: 64 }),
        retentionHours: optionalInteger(retention, 'Retention', { min: 1, max: 8760 }),
        dedupWindowSeconds: optionalInteger(dedup, 'Dedup window', { min: 0, max: 86400 }),
      });
      await api.putTopic(topic, settings);
      notify(`Topic ${topic} is ready.`);
      location.hash = `#/topics/${encodeURIComponent(topic)}`;
    });
  });
  return form;
}

export function renderTopics(main) {
  document.title = 'Topics · Conveyor console';
  const alert = alertSlot();
  const table = keyedTable({
    caption: 'Topics',
    columns: ['Topic', 'Partitions', 'Messages', 'Subscriptions', 'Backlog', 'Dead letters', 'Retention', 'Created'],
    numeric: [1, 2, 3, 4, 5],
    empty: 'No topics yet (or none this token has a grant on). Create one below.',
  });
  main.append(
    h(
      'section',
      { class: 'page', 'aria-labelledby': 'topics-title' },
      h('div', { class: 'page-head' }, h('h1', { id: 'topics-title', text: 'Topics' }), h('p', { class: 'muted live', text: `Live, every ${REFRESH_MS / 1000} s` })),
      alert.element,
      h('div', { class: 'card table-card' }, table.element),
      createTopicForm(),
    ),
  );
  const show = (rows) =>
    table.update(
      rows,
      (row) => row.topic.name,
      (row) => [
        table.keep(row.topic.name, 'link', () => h('a', { href: `#/topics/${encodeURIComponent(row.topic.name)}`, text: row.topic.name })),
        row.topic.partitions,
        count(row.messages),
        count(row.subscriptions),
        count(row.backlog),
        count(row.deadLetters),
        `${row.topic.retentionHours} h`,
        localTime(row.topic.createdAt),
      ],
    );
  const read = async () => Promise.all((await api.listTopics()).topics.map(topicRow));
  return poll({ intervalMs: REFRESH_MS, read, show, alert }).stop;
}
