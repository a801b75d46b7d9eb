// A subscription's dead letters, each with its attempts and last error;
// redrive or delete them, selected or all.

import { api } from '../api.js';
import { confirmAction } from '../confirm.js';
import { h, keyedTable, replace } from '../dom.js';
import { localTime, preview } from '../format.js';
import { alertSlot, attempt, notify } from '../notices.js';
import { messageDetails } from './message.js';

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

export class DeadLetterPanel {
  /** `onChange()` runs after a redrive or delete, so the page samples again. */
  constructor(topic, { onChange }) {
    Object.assign(this, { topic, onChange });
    this.subscription = undefined;
    this.loadedCount = undefined;
    this.letters = new Map();
    this.selected = new Set();
    this.alert = alertSlot();
    this.title = h('h2', { id: 'dead-letters-title' });
    this.summary = h('p', { class: 'muted' });
    this.detail = h('div', { class: 'dead-letter-detail' });
    this.table = keyedTable({ caption: 'Dead letters', columns: ['', 'Message id', 'Attempts', 'Dead-lettered', 'Last error', 'Body'], numeric: [2], empty: 'No dead letters.' });
    const button = (text, kind, action) => h('button', { type: 'button', class: kind, text, on: { click: action } });
    this.buttons = [
      button('Redrive selected', 'secondary', () => this.act('redrive', [...this.selected])),
      button('Delete selected', 'secondary danger-text', () => this.act('delete', [...this.selected])),
      button('Redrive all', '', () => this.act('redrive')),
      button('Delete all', 'danger', () => this.act('delete')),
      button('Reload', 'secondary', () => this.load()),
    ];
    this.element = h(
      'section',
      { class: 'card dead-letters', 'aria-labelledby': 'dead-letters-title', hidden: true, id: 'dead-letters' },
      h('div', { class: 'card-head' }, this.title, button('Close', 'secondary small', () => this.hide())),
      this.summary,
      h('div', { class: 'actions' }, this.buttons),
      this.alert.element,
      h('div', { class: 'table-scroll' }, this.table.element),
      this.detail,
    );
  }

  async show(subscription) {
    if (this.subscription !== subscription) {
      this.selected.clear();
      replace(this.detail);
    }
    this.subscription = subscription;
    this.title.textContent = `Dead letters of ${subscription}`;
    this.element.hidden = false;
    await this.load();
    this.element.scrollIntoView({ block: 'nearest' });
  }

  hide() {
    this.subscription = undefined;
    this.element.hidden = true;
  }

  /** Called with every sample: reloads when the subscription's dead-letter count moved. */
  onStats(subscriptions) {
    const current = subscriptions.find((s) => s.name === this.subscription);
    if (this.subscription !== undefined && current === undefined) this.hide();
    else if (current !== undefined && current.stats.deadLetters !== this.loadedCount) void this.load();
  }

  async load() {
    const subscription = this.subscription;
    if (subscription === undefined) return;
    try {
      const { messages } = await api.listDeadLetters(this.topic, subscription);
      if (subscription !== this.subscription) return;
      this.alert.clear();
      this.render(messages);
    } catch (error) {
      this.alert.show(error);
    }
  }

  render(messages) {
    this.letters = new Map(messages.map((letter) => [letter.id, letter]));
    for (const id of this.selected) if (!this.letters.has(id)) this.selected.delete(id);
    this.loadedCount = messages.length;
    this.summary.textContent = messages.length === 0 ? 'Nothing was set aside.' : `${plural(messages.length, 'message')} set aside after failing every delivery (up to 100 shown).`;
    const checkbox = (id) => {
      const box = h('input', { type: 'checkbox', 'aria-label': `Select ${id}` });
      box.addEventListener('change', () => (box.checked ? this.selected.add(id) : this.selected.delete(id)));
      return box;
    };
    this.table.update(
      messages,
      (letter) => letter.id,
      (letter) => [
        this.table.keep(letter.id, 'select', () => checkbox(letter.id)),
        this.table.keep(letter.id, 'view', () => h('button', { type: 'button', class: 'link', text: letter.id, on: { click: () => this.view(letter.id) } })),
        letter.deliveryAttempt,
        localTime(letter.deadLetteredAt),
        letter.lastError ?? '–',
        preview(letter.body, 60),
      ],
    );
  }

  view(id) {
    const letter = this.letters.get(id);
    if (letter === undefined) return;
    const extra = [
      ['Attempts', String(letter.deliveryAttempt)],
      ['Dead-lettered', localTime(letter.deadLetteredAt)],
      ['Last error', letter.lastError === null ? h('span', { class: 'muted', text: 'none recorded' }) : h('code', { class: 'error-text', text: letter.lastError })],
    ];
    replace(this.detail, messageDetails(letter, { title: `Dead letter ${letter.id}`, extra }));
  }

  /** Redrives or deletes `ids`, or all when `ids` is undefined. */
  async act(kind, ids) {
    const subscription = this.subscription;
    if (ids !== undefined && ids.length === 0) {
      notify('Select dead letters first.', 'error');
      return;
    }
    const what = ids === undefined ? `all dead letters of ${subscription}` : plural(ids.length, 'dead letter');
    if (kind === 'delete' && !(await confirmAction({ title: 'Delete dead letters?', text: `This removes ${what} for good.` }))) return;
    await attempt(this.alert, this.buttons, async () => {
      const result = kind === 'redrive' ? await api.redriveDeadLetters(this.topic, subscription, ids) : await api.deleteDeadLetters(this.topic, subscription, ids);
      const done = kind === 'redrive' ? `Redrove ${plural(result.redriven, 'dead letter')}` : `Deleted ${plural(result.deleted, 'dead letter')}`;
      notify(`${done} of ${subscription}.`);
      replace(this.detail);
      await this.load();
      this.onChange?.();
    });
  }
}
