import type { Json } from '../../domain/types.js';
import {
  ackBody,
  deadLetterIdsBody,
  deadLetterQuery,
  extendBody,
  nackBody,
  pullBody,
  putSubscriptionBody,
  seekBody,
} from '../schemas/subscriptions.js';
import { createdOrOk, noContent, ok, type ApiRoute } from '../types.js';
import { name, parse } from '../validate.js';

const BASE = '/v1/topics/{topic}/subscriptions';
const ONE = `${BASE}/{subscription}`;

function names(params: Readonly<Record<string, string | undefined>>): [string, string] {
  return [name('topic', params['topic']), name('subscription', params['subscription'])];
}

/** Subscriptions, the work-queue operations on them, dead letters and seek. */
export const subscriptionRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: BASE,
    operation: async ({ params }, { broker }) => ok({ subscriptions: await broker.subscriptions.list(name('topic', params['topic'])) }),
  },
  {
    method: 'PUT',
    path: ONE,
    operation: async ({ params, body }, { broker }) => {
      const [topic, subscription] = names(params);
      const settings = parse(putSubscriptionBody, body ?? {}, 'body');
      const result = await broker.subscriptions.create(topic, subscription, { ...settings, filter: settings.filter as Json | null });
      return createdOrOk(result.created, result.subscription);
    },
  },
  {
    method: 'GET',
    path: ONE,
    operation: async ({ params }, { broker }) => ok(await broker.subscriptions.describe(...names(params))),
  },
  {
    method: 'DELETE',
    path: ONE,
    operation: async ({ params }, { broker }) => {
      await broker.subscriptions.delete(...names(params));
      return noContent;
    },
  },
  {
    method: 'POST',
    path: `${ONE}/pull`,
    operation: async ({ params, body, signal }, { broker }) => {
      const [topic, subscription] = names(params);
      const { max, waitSeconds } = parse(pullBody, body ?? {}, 'body');
      return ok({ messages: await broker.delivery.pull(topic, subscription, { max, waitMs: waitSeconds * 1000 }, signal) });
    },
  },
  {
    method: 'POST',
    path: `${ONE}/ack`,
    operation: async ({ params, body }, { broker }) => {
      const [topic, subscription] = names(params);
      const { ackIds } = parse(ackBody, body, 'body');
      return ok(await broker.delivery.ack(topic, subscription, ackIds));
    },
  },
  {
    method: 'POST',
    path: `${ONE}/nack`,
    operation: async ({ params, body }, { broker }) => {
      const [topic, subscription] = names(params);
      const { ackIds, delaySeconds, reason } = parse(nackBody, body, 'body');
      return ok(await broker.delivery.nack(topic, subscription, ackIds, delaySeconds, reason));
    },
  },
  {
    method: 'POST',
    path: `${ONE}/extend`,
    operation: async ({ params, body }, { broker }) => {
      const [topic, subscription] = names(params);
      const { ackIds, seconds } = parse(extendBody, body, 'body');
      return ok(await broker.delivery.extend(topic, subscription, ackIds, seconds));
    },
  },
  {
    method: 'POST',
    path: `${ONE}/seek`,
    operation: async ({ params, body }, { broker }) => {
      const [topic, subscription] = names(params);
      const { time } = parse(seekBody, body, 'body');
      return ok({ requeued: await broker.subscriptions.seek(topic, subscription, time) });
    },
  },
  {
    method: 'GET',
    path: `${ONE}/dead-letters`,
    operation: async ({ params, query }, { broker }) => {
      const [topic, subscription] = names(params);
      const { limit } = parse(deadLetterQuery, query, 'query');
      return ok({ messages: await broker.delivery.deadLetters(topic, subscription, limit) });
    },
  },
  {
    method: 'POST',
    path: `${ONE}/dead-letters/redrive`,
    operation: async ({ params, body }, { broker }) => {
      const [topic, subscription] = names(params);
      const { ids } = parse(deadLetterIdsBody, body ?? {}, 'body');
      return ok({ redriven: await broker.delivery.redrive(topic, subscription, ids) });
    },
  },
  {
    method: 'DELETE',
    path: `${ONE}/dead-letters`,
    operation: async ({ params, body }, { broker }) => {
      const [topic, subscription] = names(params);
      const { ids } = parse(deadLetterIdsBody, body ?? {}, 'body');
      return ok({ deleted: await broker.delivery.deleteDeadLetters(topic, subscription, ids) });
    },
  },
];
