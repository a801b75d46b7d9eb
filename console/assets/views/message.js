// One message, whole: its body pretty-printed (with JSON colouring built from
// text nodes), key, id, attributes, partition, offset and publish time.

import { h } from '../dom.js';
import { localTime } from '../format.js';

const TOKEN = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

/** `<pre>` of the value as indented JSON, strings, keys, numbers and literals in spans. */
export function jsonView(value) {
  const text = JSON.stringify(value, null, 2) ?? String(value);
  const code = h('code');
  let at = 0;
  for (const match of text.matchAll(TOKEN)) {
    if (match.index > at) code.append(text.slice(at, match.index));
    const [whole, string, colon, literal, number] = match;
    if (string !== undefined) {
      code.append(h('span', { class: colon === undefined ? 'json-string' : 'json-key', text: string }));
      if (colon !== undefined) code.append(colon);
    } else code.append(h('span', { class: literal !== undefined ? 'json-literal' : 'json-number', text: literal ?? number }));
    at = match.index + whole.length;
  }
  code.append(text.slice(at));
  return h('pre', { class: 'json', tabindex: 0, 'aria-label': 'Message body' }, code);
}

function attributesView(attributes) {
  const entries = Object.entries(attributes ?? {});
  if (entries.length === 0) return h('span', { class: 'muted', text: 'none' });
  return h('ul', { class: 'attributes' }, entries.map(([name, value]) => h('li', {}, h('code', { text: name }), ' = ', h('code', { text: value }))));
}

/**
 * The message's panel. `extra` adds rows (a dead letter's attempts and last
 * error) as `[label, value]`.
 */
export function messageDetails(message, { title, extra = [] } = {}) {
  const rows = [
    ['Id', h('code', { text: message.id })],
    ['Partition', String(message.partition)],
    // A delayed message has no offset until its time comes.
    ...(typeof message.offset === 'number' ? [['Offset', String(message.offset)]] : []),
    ['Key', message.key === null || message.key === undefined ? h('span', { class: 'muted', text: 'none' }) : h('code', { text: message.key })],
    ['Published', message.publishedAt ? h('time', { datetime: message.publishedAt, text: `${localTime(message.publishedAt)} (${message.publishedAt})` }) : h('span', { class: 'muted', text: 'not recorded' })],
    ['Attributes', attributesView(message.attributes)],
    ...extra,
  ];
  const copy = h('button', { type: 'button', class: 'secondary small', text: 'Copy body' });
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(JSON.stringify(message.body, null, 2));
      copy.textContent = 'Copied';
    } catch {
      copy.textContent = 'Copy not allowed here';
    }
    setTimeout(() => (copy.textContent = 'Copy body'), 2000);
  });
  return h(
    'article',
    { class: 'card message', 'aria-label': title ?? `Message at offset ${message.offset}` },
    h('h2', { text: title ?? `Message at offset ${message.offset}` }),
    h('dl', { class: 'facts' }, rows.flatMap(([label, value]) => [h('dt', { text: label }), h('dd', {}, value)])),
    h('div', { class: 'body-head' }, h('h3', { text: 'Body' }), copy),
    jsonView(message.body),
  );
}
