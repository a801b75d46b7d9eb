import type { Json, SubscriptionChanges } from '../../domain/types.js';
import {
  ackBody,
  deadLetterIdsBody,
  deadLetterQuery,
  extendBody,
  nackBody,
  patchSubscriptionBody,
  pullBody,
  putSubscriptionBody,
  seekBody,
} from '../schemas/subscriptions.js';
import { Action } from '../../access/grants.js';
import { onTopic, topicSight } from '../access.js';
import { createdOrOk, noContent, ok, type ApiRoute } from '../types.js';
import { name, parse, parseBody } from '../validate.js';

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
    access: topicSight,
    operation: async ({ params }, { broker }) => ok({ subscriptions: await broker.subscriptions.list(name('topic', params['topic'])) }),
  },
  {
    method: 'PUT',
    path: ONE,
    access: onTopic(Action.Manage),
    operation: async ({ params, body }, { broker }) => {
      const [topic, subscription] = names(params);
      const settings = parseBody(putSubscriptionBody, body, { optional: true });
      const result = await broker.subscriptions.create(topic, subscription, { ...settings, filter: settings.filter as Json | null });
      return createdOrOk(result.created, result.subscription);
    },
  },
  {
    method: 'PATCH',
    path: ONE,
    access: onTopic(Action.Manage),
    operation: async ({ params, body }, { broker }) => {
      const [topic, subscription] = names(params);
      const changes = parseBody(patchSubscriptionBody, body);
      return ok(await broker.subscriptions.update(topic, subscription, changes as SubscriptionChanges));
    },
  },
  {
    method: 'GET',
    path: ONE,
    access: topicSight,
    operation: async ({ params }, { broker }) => ok(await broker.subscriptions.describe(...names(params))),
  },
  {
    method: 'DELETE',
    path: ONE,
    access: onTopic(Action.Manage),
    operation: async ({ params }, { broker }) => {
      await broker.subscriptions.delete(...names(params));
      return noContent;
    },
  },
  {
    method: 'POST',
    path: `${ONE}/pull`,
    access: onTopic(Action.Consume),
    operation: async ({ params, body, signal, holdLongPoll }, { broker }) => {
      const [topic, subscription] = names(params);
      const { max, waitSeconds, ackIds } = parseBody(pullBody, body, { optional: true });
      const options = { max, waitMs: waitSeconds * 1000 };
      const release = waitSeconds > 0 ? holdLongPoll() : undefined;
      try {
        if (ackIds === undefined) return ok({ messages: await broker.delivery.pull(topic, subscription, options, signal) });
        const { ack, messages } = await broker.delivery.ackThenPull(topic, subscription, ackIds, options, signal);
        return ok({ messages, ack });
      } finally {
        release?.();
      }
    },
  },
  {
    method: 'POST',
    path: `${ONE}/ack`,
    access: onTopic(Action.Consume),
    operation: async ({ params, body }, { broker }) => {
      const [topic, subscription] = names(params);
      const { ackIds } = parseBody(ackBody, body);
      return ok(await broker.delivery.ack(topic, subscription, ackIds));
    },
  },
  {
    method: 'POST',
    path: `${ONE}/nack`,
    access: onTopic(Action.Consume),
    operation: async ({ params, body }, { broker }) => {
      const [topic, subscription] = names(params);
      const { ackIds, delaySeconds, reason } = parseBody(nackBody, body);
      return ok(await broker.delivery.nack(topic, subscription, ackIds, delaySeconds, reason));
    },
  },
  {
    method: 'POST',
    path: `${ONE}/extend`,
    access: onTopic(Action.Consume),
    operation: async ({ params, body }, { broker }) => {
      const [topic, subscription] = names(params);
      const { ackIds, seconds } = parseBody(extendBody, body);
      return ok(await broker.delivery.extend(topic, subscription, ackIds, seconds));
    },
  },
  {
    method: 'POST',
    path: `${ONE}/seek`,
    access: onTopic(Action.Manage),
    operation: async ({ params, body }, { broker }) => {
      const [topic, subscription] = names(params);
      const { time } = parseBody(seekBody, body);
      return ok({ requeued: await broker.subscriptions.seek(topic, subscription, time) });
    },
  },
  {
    method: 'GET',
    path: `${ONE}/dead-letters`,
    access: onTopic(Action.Consume),
    operation: async ({ params, query }, { broker }) => {
      const [topic, subscription] = names(params);
      const { limit } = parse(deadLetterQuery, query, 'query');
      return ok({ messages: await broker.delivery.deadLetters(topic, subscription, limit) });
    },
  },
  {
    method: 'POST',
    path: `${ONE}/dead-letters/redrive`,
    access: onTopic(Action.Manage),
    operation: async ({ params, body }, { broker }) => {
      const [topic, subscription] = names(params);
      const { ids } = parseBody(deadLetterIdsBody, body, { optional: true });
      return ok({ redriven: await broker.delivery.redrive(topic, subscription, ids) });
    },
  },
  {
    method: 'DELETE',
    path: `${ONE}/dead-letters`,
    access: onTopic(Action.Manage),
    operation: async ({ params, body }, { broker }) => {
      const [topic, subscription] = names(params);
      const { ids } = parseBody(deadLetterIdsBody, body, { optional: true });
      return ok({ deleted: await broker.delivery.deleteDeadLetters(topic, subscription, ids) });
    },
  },
];
