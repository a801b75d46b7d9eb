// A topic's delayed messages, soonest first, each with the time it is due;
// cancel one and it is never delivered.

import { api } from '../api.js';
import { confirmAction } from '../confirm.js';
import { h, keyedTable, replace } from '../dom.js';
import { localTime, preview } from '../format.js';
import { alertSlot, attempt, notify } from '../notices.js';
import { messageDetails } from './message.js';

export class DelayedPanel {
  /** `onChange()` runs after a cancel, so the page samples again. */
  constructor(topic, { onChange }) {
    Object.assign(this, { topic, onChange });
    this.loadedCount = undefined;
    this.waiting = new Map();
    this.alert = alertSlot();
    this.summary = h('p', { class: 'muted' });
    this.detail = h('div', { class: 'delayed-detail' });
    this.table = keyedTable({ caption: `Delayed messages of ${topic}`, columns: ['Message id', 'Due', 'Key', 'Body', ''], empty: 'Nothing is waiting.' });
    this.element = h(
      'section',
      { class: 'card delayed', 'aria-labelledby': 'delayed-title', id: 'delayed' },
      h('h2', { id: 'delayed-title', text: 'Delayed messages' }),
      this.summary,
      this.alert.element,
      h('div', { class: 'table-scroll' }, this.table.element),
      this.detail,
    );
  }

  /** Called with every sample: reloads when the topic's count of waiting messages moved. */
  onStats(delayed) {
    if (delayed !== this.loadedCount) void this.load();
  }

  async load() {
    try {
      const { messages, nextCursor } = await api.listDelayed(this.topic);
      this.alert.clear();
      this.render(messages, nextCursor !== null && nextCursor !== undefined);
    } catch (error) {
      this.alert.show(error);
    }
  }

  render(messages, more) {
    this.waiting = new Map(messages.map((message) => [message.id, message]));
    this.loadedCount = more ? undefined : messages.length;
    this.summary.textContent =
      messages.length === 0 ? 'No message is waiting for its time.' : `${messages.length}${more ? '+' : ''} waiting, soonest first${more ? ' (the first 100 shown)' : ''}. A cancelled message is never delivered.`;
    this.table.update(
      messages,
      (message) => message.id,
      (message) => [
        this.table.keep(message.id, 'view', () => h('button', { type: 'button', class: 'link', text: message.id, on: { click: () => this.view(message.id) } })),
        localTime(message.deliverAt),
        message.key ?? '–',
        preview(message.body, 60),
        this.table.keep(message.id, 'cancel', () =>
          h('button', { type: 'button', class: 'secondary small danger-text', text: 'Cancel', 'aria-label': `Cancel ${message.id}`, on: { click: (event) => this.cancel(message.id, event.currentTarget) } }),
        ),
      ],
    );
  }

  view(id) {
    const message = this.waiting.get(id);
    if (message === undefined) return;
    replace(this.detail, messageDetails(message, { title: `Delayed message ${message.id}`, extra: [['Due', localTime(message.deliverAt)]] }));
  }

  async cancel(id, button) {
    if (!(await confirmAction({ title: `Cancel ${id}?`, text: 'It is removed before its time and never delivered.', action: 'Cancel message', dismiss: 'Keep it' }))) return;
    await attempt(this.alert, [button], async () => {
      await api.cancelDelayed(this.topic, id);
      notify(`Cancelled ${id}.`);
      replace(this.detail);
      await this.load();
      this.onChange?.();
    });
  }
}
