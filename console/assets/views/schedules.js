// Cron schedules (GET /v1/schedules) with their next and last fire times, live.

import { api } from '../api.js';
import { confirmAction } from '../confirm.js';
import { h, keyedTable } from '../dom.js';
import { localTime, preview, relative } from '../format.js';
import { alertSlot, attempt, notify } from '../notices.js';
import { poll } from '../poll.js';

const REFRESH_MS = 5000;

/** A replaced schedule (same name, new settings) gets a new row. */
const keyOf = (s) => JSON.stringify([s.name, s.topic, s.cron, s.timezone, s.createdAt]);

const when = (iso, none) => (iso === null ? h('span', { class: 'muted', text: none }) : h('time', { datetime: iso, text: `${localTime(iso)} (${relative(iso)})` }));

export function renderSchedules(main) {
  document.title = 'Schedules · Conveyor console';
  const alert = alertSlot();
  const table = keyedTable({
    caption: 'Schedules',
    columns: ['Schedule', 'Topic', 'Cron', 'Time zone', 'Next fire', 'Last fired', 'Message', ''],
    empty: 'No schedules (or none on a topic this token has a grant on). Create them with PUT /v1/schedules/{name}.',
  });
  main.append(
    h(
      'section',
      { class: 'page', 'aria-labelledby': 'schedules-title' },
      h('div', { class: 'page-head' }, h('h1', { id: 'schedules-title', text: 'Schedules' }), h('p', { class: 'muted live', text: `Live, every ${REFRESH_MS / 1000} s` })),
      alert.element,
      h('div', { class: 'card table-card' }, h('div', { class: 'table-scroll' }, table.element)),
    ),
  );
  const remove = async (name) => {
    if (!(await confirmAction({ title: `Delete schedule ${name}?`, text: 'It fires no more. Messages it already published stay in the topic.' }))) return;
    await attempt(alert, [], async () => {
      await api.deleteSchedule(name);
      notify(`Schedule ${name} deleted.`);
      await live.refresh();
    });
  };
  const show = ({ schedules }) => {
    const sorted = [...schedules].sort((a, b) => (a.nextFireAt ?? '9999').localeCompare(b.nextFireAt ?? '9999'));
    table.update(
      sorted,
      keyOf,
      (s) => [
        table.keep(keyOf(s), 'name', () => h('strong', { text: s.name })),
        table.keep(keyOf(s), 'topic', () => h('a', { href: `#/topics/${encodeURIComponent(s.topic)}`, text: s.topic })),
        table.keep(keyOf(s), 'cron', () => h('code', { text: s.cron })),
        s.timezone,
        when(s.nextFireAt, 'never again'),
        when(s.lastFiredAt, 'not yet'),
        preview(s.message.body, 50),
        table.keep(keyOf(s), 'delete', () => h('button', { type: 'button', class: 'secondary small danger-text', text: 'Delete', 'aria-label': `Delete schedule ${s.name}`, on: { click: () => remove(s.name) } })),
      ],
    );
  };
  const live = poll({ intervalMs: REFRESH_MS, read: () => api.listSchedules(), show, alert });
  return live.stop;
}
