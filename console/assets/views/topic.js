// One topic, live: its partitions and retained messages, its subscriptions'
// stats, charts of publish and ack rates and of backlog over time, dead
// letters, delayed messages, and forms to publish and to create subscriptions.

import { api } from '../api.js';
import { LiveChart, PALETTE } from '../chart.js';
import { confirmAction } from '../confirm.js';
import { h, keyedTable } from '../dom.js';
import { count, rate } from '../format.js';
import { alertSlot, attempt, notify } from '../notices.js';
import { RateSource, TopicSampler } from '../sampler.js';
import { DeadLetterPanel } from './deadLetters.js';
import { DelayedPanel } from './delayed.js';
import { publishForm } from './publish.js';
import { createSubscriptionForm, subscriptionsTable } from './subscriptions.js';

const SAMPLE_MS = 2000;

function statCard(label) {
  const value = h('span', { class: 'stat-value', text: '–' });
  return { element: h('div', { class: 'stat' }, h('span', { class: 'stat-label', text: label }), value), set: (text) => (value.textContent = text) };
}

function partitionsTable(topic) {
  const table = keyedTable({ caption: `Partitions of ${topic}`, columns: ['Partition', 'Oldest offset', 'Next offset', 'Messages', ''], numeric: [0, 1, 2, 3] });
  return {
    element: h('div', { class: 'table-scroll' }, table.element),
    update: (partitions) =>
      table.update(
        partitions,
        (p) => String(p.partition),
        (p) => [
          p.partition,
          count(p.oldestOffset),
          count(p.nextOffset),
          count(p.nextOffset - p.oldestOffset),
          table.keep(String(p.partition), 'browse', () => h('a', { class: 'button secondary small', href: `#/topics/${encodeURIComponent(topic)}/partitions/${p.partition}`, text: 'Browse' })),
        ],
      ),
  };
}

/** Both charts from the sampler's points: rates (published, acked per subscription) and backlog per subscription. */
function drawCharts(sampler, rates, backlog) {
  const x = sampler.points.map((point) => point.t);
  const names = sampler.subscriptions.map((s) => s.name);
  const viaMetrics = sampler.source === RateSource.Metrics;
  // A subscription has the same colour in both charts; the topic's own rate is the first.
  const colorOf = (index) => PALETTE[(index + 1) % PALETTE.length];
  rates.update(x, [
    { label: viaMetrics ? 'published' : 'appended', color: PALETTE[0], values: sampler.points.map((point) => point.published) },
    ...(viaMetrics ? names.map((name, index) => ({ label: `acked ${name}`, color: colorOf(index), values: sampler.points.map((point) => point.acked[name] ?? null) })) : []),
  ]);
  rates.setNote(
    viaMetrics
      ? `Per second, from the counters of /metrics sampled every ${SAMPLE_MS / 1000} s.`
      : 'This token lacks the metrics grant: the rate is messages appended to the log, from partition offsets, and ack rates are not shown.',
  );
  backlog.update(
    x,
    names.map((name, index) => ({ label: name, color: colorOf(index), values: sampler.points.map((point) => point.backlog[name] ?? null) })),
  );
}

export function renderTopic(main, topic) {
  document.title = `${topic} · Conveyor console`;
  const alert = alertSlot();
  const cards = { messages: statCard('Messages retained'), rate: statCard('Publish rate'), subscriptions: statCard('Subscriptions'), backlog: statCard('Backlog'), delayed: statCard('Delayed'), dead: statCard('Dead letters') };
  const settings = h('p', { class: 'muted settings' });
  const rates = new LiveChart({ id: 'rates', title: 'Publish and ack rates', description: 'messages per second', format: (v) => rate(v).replace('/s', '') });
  const backlog = new LiveChart({ id: 'backlog', title: 'Backlog', description: 'messages ready per subscription', format: count, integer: true, empty: 'No subscriptions yet.' });
  let sampler;
  const refresh = () => sampler.refresh();
  const deadLetters = new DeadLetterPanel(topic, { onChange: refresh });
  const delayed = new DelayedPanel(topic, { onChange: refresh });
  const subscriptions = subscriptionsTable(topic, { onDeadLetters: (name) => deadLetters.show(name), onChange: refresh });
  const partitions = partitionsTable(topic);
  const deleteButton = h('button', { type: 'button', class: 'danger', text: 'Delete topic' });
  deleteButton.addEventListener('click', async () => {
    if (!(await confirmAction({ title: `Delete topic ${topic}?`, text: 'All its messages, subscriptions, consumer groups and schedules are deleted.' }))) return;
    await attempt(alert, [deleteButton], async () => {
      await api.deleteTopic(topic);
      notify(`Topic ${topic} deleted.`);
      location.hash = '#/';
    });
  });

  main.append(
    h(
      'section',
      { class: 'page', 'aria-labelledby': 'topic-title' },
      h('nav', { class: 'breadcrumbs', 'aria-label': 'Breadcrumbs' }, h('a', { href: '#/', text: 'Topics' }), h('span', { 'aria-hidden': 'true', text: '/' }), h('span', { text: topic })),
      h('div', { class: 'page-head' }, h('div', {}, h('h1', { id: 'topic-title', text: topic }), settings), h('div', { class: 'head-actions' }, h('span', { class: 'muted live', text: `Live, every ${SAMPLE_MS / 1000} s` }), deleteButton)),
      alert.element,
      h('div', { class: 'stats' }, Object.values(cards).map((card) => card.element)),
      h(
        'div',
        { class: 'topic-grid' },
        h(
          'div',
          { class: 'main-column' },
          h('div', { class: 'charts' }, h('div', { class: 'card' }, rates.element), h('div', { class: 'card' }, backlog.element)),
          h('section', { class: 'card', 'aria-labelledby': 'subscriptions-title' }, h('h2', { id: 'subscriptions-title', text: 'Subscriptions' }), subscriptions.element),
          deadLetters.element,
          delayed.element,
          h('section', { class: 'card', 'aria-labelledby': 'partitions-title' }, h('h2', { id: 'partitions-title', text: 'Partitions' }), partitions.element),
        ),
        h('div', { class: 'side-column' }, publishForm(topic, { onPublished: refresh }), createSubscriptionForm(topic, { onCreated: refresh })),
      ),
    ),
  );

  sampler = new TopicSampler(topic, {
    intervalMs: SAMPLE_MS,
    onError: (error) => alert.show(error),
    onSample: (s) => {
      alert.clear();
      const { details } = s;
      settings.textContent = `${details.partitions} partitions · retention ${details.retentionHours} h · dedup window ${details.dedupWindowSeconds} s`;
      const sum = (stat) => s.subscriptions.reduce((total, sub) => total + sub.stats[stat], 0);
      cards.messages.set(count(details.stats.partitions.reduce((total, p) => total + p.nextOffset - p.oldestOffset, 0)));
      cards.rate.set(rate(s.publishRate));
      cards.subscriptions.set(count(s.subscriptions.length));
      cards.backlog.set(count(sum('backlog')));
      cards.delayed.set(count(details.stats.delayed));
      cards.dead.set(count(sum('deadLetters')));
      partitions.update(details.stats.partitions);
      subscriptions.update(s.subscriptions);
      deadLetters.onStats(s.subscriptions);
      delayed.onStats(details.stats.delayed);
      drawCharts(s, rates, backlog);
    },
  });
  sampler.start();
  return () => {
    sampler.stop();
    rates.destroy();
    backlog.destroy();
  };
}
