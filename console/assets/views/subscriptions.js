// A topic's subscriptions with their stats (backlog, in flight, oldest unacked
// age, delayed, dead letters), and the form to create one with every setting
// PUT …/subscriptions/{s} takes.

import { api } from '../api.js';
import { confirmAction } from '../confirm.js';
import { field, h, keyedTable } from '../dom.js';
import { FormError, defined, jsonValue, optionalInteger } from '../forms.js';
import { count, duration } from '../format.js';
import { alertSlot, attempt, notify } from '../notices.js';

const NAME_PATTERN = '[A-Za-z0-9][A-Za-z0-9_\\-]{0,47}';

const settingsOf = (s) =>
  [
    `max ${s.maxDeliveries} ${s.maxDeliveries === 1 ? 'delivery' : 'deliveries'}`,
    `${s.ackDeadlineSeconds} s lease`,
    `retry ${s.retryBackoff.minSeconds}–${s.retryBackoff.maxSeconds} s`,
    s.ordered ? 'ordered' : null,
    s.filter === null ? null : 'filtered',
    s.startFrom === 'earliest' ? 'from earliest' : null,
  ]
    .filter(Boolean)
    .join(' · ');

/** The subscriptions table; `onDeadLetters(name)` opens a subscription's dead letters, `onChange()` after a delete. */
export function subscriptionsTable(topic, { onDeadLetters, onChange }) {
  const alert = alertSlot();
  const table = keyedTable({
    caption: `Subscriptions of ${topic}`,
    columns: ['Subscription', 'Backlog', 'In flight', 'Oldest unacked', 'Delayed', 'Dead letters', ''],
    numeric: [1, 2, 3, 4, 5],
    empty: 'No subscriptions yet: messages are kept in the log, but no queue receives them.',
  });
  const remove = async (name) => {
    if (!(await confirmAction({ title: `Delete subscription ${name}?`, text: 'Its queue, in-flight messages and dead letters are deleted. The topic keeps its messages.' }))) return;
    await attempt(alert, [], async () => {
      await api.deleteSubscription(topic, name);
      notify(`Subscription ${name} deleted.`);
      onChange?.();
    });
  };
  const actions = (name) =>
    h(
      'div',
      { class: 'row-actions' },
      h('button', { type: 'button', class: 'secondary small', text: 'Dead letters', 'aria-controls': 'dead-letters', on: { click: () => onDeadLetters(name) } }),
      h('button', { type: 'button', class: 'secondary small danger-text', text: 'Delete', 'aria-label': `Delete subscription ${name}`, on: { click: () => remove(name) } }),
    );
  const element = h('div', {}, alert.element, h('div', { class: 'table-scroll' }, table.element));
  return {
    element,
    update(subscriptions) {
      table.update(
        subscriptions,
        (s) => s.name,
        (s) => [
          table.keep(s.name, 'name', () => h('div', { class: 'name-cell' }, h('strong', { text: s.name }), table.keep(s.name, 'settings', () => h('span', { class: 'settings-cell' })))),
          count(s.stats.backlog),
          count(s.stats.inFlight),
          duration(s.stats.oldestUnackedAgeSeconds),
          count(s.stats.delayed),
          table.keep(s.name, 'dead', () => h('span')),
          table.keep(s.name, 'actions', () => actions(s.name)),
        ],
      );
      for (const s of subscriptions) {
        const settings = table.keep(s.name, 'settings', () => h('span', { class: 'settings-cell' }));
        if (settings.textContent !== settingsOf(s)) settings.textContent = settingsOf(s);
        const dead = table.keep(s.name, 'dead', () => h('span'));
        dead.textContent = count(s.stats.deadLetters);
        dead.className = s.stats.deadLetters > 0 ? 'badge warn' : '';
      }
    },
  };
}

/** The create-subscription form; `onCreated()` after the server accepted it. */
export function createSubscriptionForm(topic, { onCreated }) {
  const name = h('input', { name: 'name', required: true, pattern: NAME_PATTERN, maxlength: 48, placeholder: 'billing', autocomplete: 'off' });
  const filter = h('textarea', { name: 'filter', rows: 3, class: 'code', spellcheck: 'false', placeholder: '{"attributes": {"region": ["eu"]}}' });
  const deadline = h('input', { name: 'ackDeadlineSeconds', type: 'number', min: 1, max: 43200, placeholder: '30' });
  const maxDeliveries = h('input', { name: 'maxDeliveries', type: 'number', min: 1, max: 100, placeholder: '5' });
  const backoffMin = h('input', { name: 'retryMinSeconds', type: 'number', min: 0, max: 86400, placeholder: '1' });
  const backoffMax = h('input', { name: 'retryMaxSeconds', type: 'number', min: 0, max: 86400, placeholder: '600' });
  const ordered = h('input', { name: 'ordered', type: 'checkbox' });
  const startFrom = h('select', { name: 'startFrom' }, h('option', { value: 'latest', text: 'Latest: messages published from now on' }), h('option', { value: 'earliest', text: 'Earliest: every retained message too' }));
  const alarm = h('input', { name: 'deadLetterAlarm', type: 'checkbox', checked: true });
  const submit = h('button', { type: 'submit', text: 'Create subscription' });
  const alert = alertSlot();
  const checkbox = (control, label, hint) => h('div', { class: 'check' }, control, h('label', { for: (control.id ||= `${control.name}-check`), text: label }), hint ? h('small', { class: 'hint', text: hint }) : null);
  const form = h(
    'form',
    { class: 'card form', 'aria-labelledby': 'create-subscription-title' },
    h('h2', { id: 'create-subscription-title', text: 'Create a subscription' }),
    field('Name', name),
    field('Filter (EventBridge pattern, JSON)', filter, 'Matched against key, attributes and body; empty receives everything'),
    h('div', { class: 'row' }, field('Ack deadline (s)', deadline, 'default 30'), field('Max deliveries', maxDeliveries, 'default 5')),
    h('div', { class: 'row' }, field('Retry backoff min (s)', backoffMin, 'default 1'), field('Retry backoff max (s)', backoffMax, 'default 600')),
    field('Start from', startFrom),
    checkbox(ordered, 'Ordered: one message per key at a time'),
    checkbox(alarm, 'Dead-letter alarm', 'AWS only; stored on the embedded broker'),
    alert.element,
    h('div', { class: 'actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await attempt(alert, [submit], async () => {
      const subscription = name.value.trim();
      if (subscription === '') throw new FormError('Name is required');
      const min = optionalInteger(backoffMin, 'Retry backoff min', { min: 0, max: 86400 });
      const max = optionalInteger(backoffMax, 'Retry backoff max', { min: 0, max: 86400 });
      const settings = defined({
        filter: jsonValue(filter, 'Filter', { optional: true }),
        ackDeadlineSeconds: optionalInteger(deadline, 'Ack deadline', { min: 1, max: 43200 }),
        maxDeliveries: optionalInteger(maxDeliveries, 'Max deliveries', { min: 1, max: 100 }),
        retryBackoff: min === undefined && max === undefined ? undefined : defined({ minSeconds: min, maxSeconds: max }),
        ordered: ordered.checked,
        startFrom: startFrom.value,
        deadLetterAlarm: alarm.checked,
      });
      await api.putSubscription(topic, subscription, settings);
      notify(`Subscription ${subscription} is ready.`);
      form.reset();
      onCreated?.();
    });
  });
  return form;
}
