// Browsing one partition of a topic's log, by offset or by time, a page at a
// time (GET …/partitions/{p}/messages), and opening a message. The position is
// kept in the address (#/topics/t/partitions/0?fromOffset=40), so reloading
// or sharing the link shows the same page.

import { api } from '../api.js';
import { field, h, keyedTable, replace } from '../dom.js';
import { FormError, optionalInteger } from '../forms.js';
import { localInputValue, localTime, preview } from '../format.js';
import { alertSlot, attempt } from '../notices.js';
import { messageDetails } from './message.js';

const DEFAULT_LIMIT = 50;

export function renderPartition(main, topic, partition, query) {
  document.title = `${topic} / ${partition} · Conveyor console`;
  const alert = alertSlot();
  const partitionSelect = h('select', { name: 'partition' }, h('option', { value: partition, text: String(partition) }));
  const mode = h('select', { name: 'mode' }, h('option', { value: 'offset', text: 'Offset' }), h('option', { value: 'time', text: 'Time' }));
  const offset = h('input', { name: 'fromOffset', type: 'number', min: 0, placeholder: 'oldest' });
  const time = h('input', { name: 'fromTime', type: 'datetime-local', step: 1 });
  const limit = h('input', { name: 'limit', type: 'number', min: 1, max: 1000, value: query.get('limit') ?? DEFAULT_LIMIT });
  const read = h('button', { type: 'submit', text: 'Read' });
  const older = h('button', { type: 'button', class: 'secondary', text: '← Older' });
  const newer = h('button', { type: 'button', class: 'secondary', text: 'Newer →' });
  const latest = h('button', { type: 'button', class: 'secondary', text: 'Latest' });
  const range = h('p', { class: 'muted', role: 'status' });
  const detail = h('div', { class: 'message-detail' });
  const table = keyedTable({ caption: `Messages of partition ${partition}`, columns: ['Offset', 'Published', 'Key', 'Id', 'Body'], numeric: [0], empty: 'No messages from here on.' });
  const offsetField = field('From offset', offset);
  const timeField = field('From time (local)', time);
  const showMode = () => {
    offsetField.hidden = mode.value !== 'offset';
    timeField.hidden = mode.value !== 'time';
  };
  mode.addEventListener('change', showMode);

  if (query.has('fromTime')) {
    mode.value = 'time';
    time.value = localInputValue(new Date(query.get('fromTime')));
  } else if (query.has('fromOffset')) offset.value = query.get('fromOffset');
  showMode();

  const form = h(
    'form',
    { class: 'card form browse', 'aria-label': 'Where to read' },
    h('div', { class: 'row' }, field('Partition', partitionSelect), field('Start at', mode), offsetField, timeField, field('Limit', limit)),
    alert.element,
    h('div', { class: 'actions' }, read, older, newer, latest),
  );
  main.append(
    h(
      'section',
      { class: 'page', 'aria-labelledby': 'partition-title' },
      h(
        'nav',
        { class: 'breadcrumbs', 'aria-label': 'Breadcrumbs' },
        h('a', { href: '#/', text: 'Topics' }),
        h('span', { 'aria-hidden': 'true', text: '/' }),
        h('a', { href: `#/topics/${encodeURIComponent(topic)}`, text: topic }),
        h('span', { 'aria-hidden': 'true', text: '/' }),
        h('span', { text: `Partition ${partition}` }),
      ),
      h('div', { class: 'page-head' }, h('h1', { id: 'partition-title', text: `${topic} · partition ${partition}` })),
      form,
      range,
      h('div', { class: 'browse-grid' }, h('div', { class: 'card table-card' }, h('div', { class: 'table-scroll' }, table.element)), detail),
    ),
  );

  let stats;
  let page = { first: undefined, next: undefined };
  const open = (message, button) => {
    for (const row of table.element.querySelectorAll('tr[aria-current]')) row.removeAttribute('aria-current');
    button.closest('tr')?.setAttribute('aria-current', 'true');
    replace(detail, messageDetails(message));
    detail.querySelector('h2')?.setAttribute('tabindex', '-1');
    detail.querySelector('h2')?.focus();
  };

  const load = (position) =>
    attempt(alert, [read, older, newer, latest], async () => {
      const size = optionalInteger(limit, 'Limit', { min: 1, max: 1000 }) ?? DEFAULT_LIMIT;
      const where = position ?? (mode.value === 'time' ? { fromTime: timeQuery() } : { fromOffset: optionalInteger(offset, 'From offset', { min: 0 }) });
      const [details, result] = await Promise.all([api.getTopic(topic), api.readMessages(topic, partition, { ...where, limit: size })]);
      stats = details.stats.partitions[partition];
      if (partitionSelect.options.length !== details.partitions) {
        replace(partitionSelect, Array.from({ length: details.partitions }, (_, p) => h('option', { value: p, text: String(p) })));
        partitionSelect.value = String(partition);
      }
      page = { first: result.messages[0]?.offset ?? result.nextOffset, next: result.nextOffset, size };
      range.textContent = `Partition ${partition} holds offsets ${stats.oldestOffset} to ${stats.nextOffset - 1} (${stats.nextOffset - stats.oldestOffset} retained). Showing ${result.messages.length}${result.messages.length > 0 ? `: ${page.first} to ${result.nextOffset - 1}` : ''}.`;
      table.update(
        result.messages,
        (m) => String(m.offset),
        (m) => [
          table.keep(String(m.offset), 'open', () => h('button', { type: 'button', class: 'link', text: String(m.offset), 'aria-label': `Open message at offset ${m.offset}`, on: { click: (event) => open(m, event.currentTarget) } })),
          localTime(m.publishedAt),
          m.key ?? '–',
          m.id,
          preview(m.body),
        ],
      );
      const shown = new URLSearchParams(Object.entries({ ...where, limit: size }).filter(([, v]) => v !== undefined));
      history.replaceState(null, '', `#/topics/${encodeURIComponent(topic)}/partitions/${partition}?${shown}`);
    });

  const timeQuery = () => {
    if (time.value === '') throw new FormError('From time is required when starting at a time');
    return new Date(time.value).toISOString();
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  partitionSelect.addEventListener('change', () => (location.hash = `#/topics/${encodeURIComponent(topic)}/partitions/${partitionSelect.value}`));
  older.addEventListener('click', () => {
    const from = Math.max(stats?.oldestOffset ?? 0, (page.first ?? 0) - (page.size ?? DEFAULT_LIMIT));
    mode.value = 'offset';
    offset.value = from;
    showMode();
    void load({ fromOffset: from });
  });
  newer.addEventListener('click', () => {
    mode.value = 'offset';
    offset.value = page.next ?? 0;
    showMode();
    void load({ fromOffset: page.next ?? 0 });
  });
  latest.addEventListener('click', async () => {
    const details = await api.getTopic(topic).catch((error) => alert.show(error));
    if (details === undefined) return;
    const p = details.stats.partitions[partition];
    const from = Math.max(p.oldestOffset, p.nextOffset - (optionalIntegerOr(limit, DEFAULT_LIMIT)));
    mode.value = 'offset';
    offset.value = from;
    showMode();
    void load({ fromOffset: from });
  });
  void load();
}

const optionalIntegerOr = (input, fallback) => {
  const value = Number(input.value);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};
