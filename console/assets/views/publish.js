// Publishing one message to a topic from a form: key, id, attributes, a JSON
// body and an optional delay, sent as POST /v1/topics/{topic}/messages.

import { api } from '../api.js';
import { field, h } from '../dom.js';
import { attributeLines, defined, jsonValue, optionalInteger, optionalText } from '../forms.js';
import { localTime } from '../format.js';
import { alertSlot, attempt, notify } from '../notices.js';

const describeResult = (result) => {
  const where = result.scheduledFor === undefined ? `partition ${result.partition} at offset ${result.offset}` : `delivery at ${localTime(result.scheduledFor)}`;
  return result.duplicate ? `Duplicate of ${result.id}: already published (${where}).` : `Published ${result.id}: ${where}.`;
};

/** The publish form; `onPublished()` runs after every accepted message. */
export function publishForm(topic, { onPublished }) {
  const key = h('input', { name: 'key', maxlength: 256, placeholder: 'customer-7', autocomplete: 'off' });
  const id = h('input', { name: 'id', maxlength: 128, placeholder: 'generated when empty', autocomplete: 'off' });
  const attributes = h('textarea', { name: 'attributes', rows: 2, placeholder: 'region=eu', spellcheck: 'false' });
  const body = h('textarea', { name: 'body', rows: 6, spellcheck: 'false', class: 'code', value: '{\n  "hello": "world"\n}' });
  const delay = h('input', { name: 'delaySeconds', type: 'number', min: 0, max: 31536000, placeholder: 'now' });
  const submit = h('button', { type: 'submit', text: 'Publish' });
  const alert = alertSlot();
  const outcome = h('p', { class: 'outcome', role: 'status' });
  const form = h(
    'form',
    { class: 'card form', 'aria-labelledby': 'publish-title' },
    h('h2', { id: 'publish-title', text: 'Publish a message' }),
    h('div', { class: 'row' }, field('Key', key, 'Picks the partition; optional'), field('Id', id, 'For deduplication; optional')),
    field('Attributes', attributes, 'One name=value per line'),
    field('Body (JSON)', body),
    field('Delay (seconds)', delay, 'Optional, up to one year'),
    alert.element,
    h('div', { class: 'actions' }, submit, outcome),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    outcome.textContent = '';
    await attempt(alert, [submit], async () => {
      const message = defined({
        key: optionalText(key),
        id: optionalText(id),
        attributes: attributeLines(attributes),
        body: jsonValue(body, 'Body'),
        delaySeconds: optionalInteger(delay, 'Delay', { min: 0, max: 31536000 }),
      });
      const { results } = await api.publishMessages(topic, [message]);
      outcome.textContent = describeResult(results[0]);
      notify(`Message published to ${topic}.`);
      onPublished?.();
    });
  });
  return form;
}
