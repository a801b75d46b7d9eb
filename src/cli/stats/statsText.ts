import { formatTable } from '../output/table.js';
import { duration, perSecond } from '../output/units.js';
import type { StatsView, SubscriptionRow } from './StatsSampler.js';

function rate(value: number | null): string {
  return value === null ? '-' : perSecond(value);
}

/**
 * The view for a terminal: a line about the topic, then a table of its
 * subscriptions.
 *
 * @example
 * statsTable(view);
 * // 'orders: 4 partitions, 1200 messages retained, 250 published/s\n\nSUBSCRIPTION  BACKLOG …'
 */
export function statsTable(view: StatsView): string {
  const heading = `${view.topic}: ${view.partitions} partitions, ${view.retained} messages retained, ${rate(view.publishedPerSecond)} published/s  (${view.time})\n`;
  if (view.subscriptions.length === 0) return `${heading}no subscriptions\n`;
  return `${heading}\n${formatTable<SubscriptionRow>(view.subscriptions, [
    { heading: 'SUBSCRIPTION', value: (row) => row.subscription },
    { heading: 'BACKLOG', value: (row) => row.backlog, align: 'right' },
    { heading: 'IN FLIGHT', value: (row) => row.inFlight, align: 'right' },
    { heading: 'DELAYED', value: (row) => row.delayed, align: 'right' },
    { heading: 'DEAD', value: (row) => row.deadLetters, align: 'right' },
    { heading: 'OLDEST UNACKED', value: (row) => (row.oldestUnackedAgeSeconds === 0 ? '-' : duration(row.oldestUnackedAgeSeconds)), align: 'right' },
    { heading: 'ACKED/S', value: (row) => rate(row.ackedPerSecond), align: 'right' },
  ])}`;
}

/**
 * The view as lines for a log (a pipe with `--no-json`): one per subscription,
 * or one for the topic when it has none, each starting with the time.
 *
 * @example
 * statsLines(view);
 * // '2026-05-04T10:00:00.000Z orders published/s=250 billing backlog=12 inFlight=3 delayed=0 dead=1 oldestUnacked=4.2 s acked/s=240\n'
 */
export function statsLines(view: StatsView): string {
  const topic = `${view.time} ${view.topic} published/s=${rate(view.publishedPerSecond)}`;
  if (view.subscriptions.length === 0) return `${topic}\n`;
  return view.subscriptions
    .map(
      (row) =>
        `${topic} ${row.subscription} backlog=${row.backlog} inFlight=${row.inFlight} delayed=${row.delayed} dead=${row.deadLetters} oldestUnacked=${duration(row.oldestUnackedAgeSeconds)} acked/s=${rate(row.ackedPerSecond)}\n`,
    )
    .join('');
}
