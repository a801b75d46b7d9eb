import type { OutgoingMessage } from '../../domain/types.js';
import { commitOffsetsBody, partitionParam, publishBody, putTopicBody, readQuery } from '../schemas/topics.js';
import { Action } from '../../access/grants.js';
import { callerAccess, onTopic, topicSight } from '../access.js';
import { createdOrOk, noContent, ok, type ApiRoute } from '../types.js';
import { name, parse, parseBody } from '../validate.js';


const topicName = (params: Readonly<Record<string, string | undefined>>): string => name('topic', params['topic']);

/** Topics, publishing, log reads and consumer groups. */
export const topicRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/v1/topics',
    access: callerAccess,
    // Only the topics the caller has some grant on.
    operation: async ({ principal }, { broker }) => ok({ topics: (await broker.topics.list()).filter((topic) => principal.canSee(topic.name)) }),
  },
  {
    method: 'PUT',
    path: '/v1/topics/{topic}',
    access: onTopic(Action.Manage),
    operation: async ({ params, body }, { broker }) => {
      const topic = topicName(params);
      const settings = parseBody(putTopicBody, body, { optional: true });
      const { created, topic: stored } = await broker.topics.create(topic, settings);
      return createdOrOk(created, stored);
    },
  },
  {
    method: 'GET',
    path: '/v1/topics/{topic}',
    access: topicSight,
    operation: async ({ params }, { broker }) => ok(await broker.topics.describe(topicName(params))),
  },
  {
    method: 'DELETE',
    path: '/v1/topics/{topic}',
    access: onTopic(Action.Manage),
    operation: async ({ params }, { broker }) => {
      await broker.topics.delete(topicName(params));
      return noContent;
    },
  },
  {
    method: 'POST',
    path: '/v1/topics/{topic}/messages',
    access: onTopic(Action.Publish),
    operation: async ({ params, body }, { broker }) => {
      const topic = topicName(params);
      const { messages } = parseBody(publishBody, body);
      // Too large is 413 (PayloadTooLarge, checked by the publisher), not 400: the limit is on size, as SQS and SNS put it, and covers the whole stored message.
      return ok({ results: await broker.publisher.publish(topic, messages as OutgoingMessage[]) });
    },
  },
  {
    method: 'GET',
    path: '/v1/topics/{topic}/partitions/{partition}/messages',
    access: onTopic(Action.Consume),
    operation: async ({ params, query }, { broker }) => {
      const topic = topicName(params);
      const partition = parse(partitionParam, params['partition'], 'partition');
      const { fromOffset, fromTime, limit } = parse(readQuery, query, 'query');
      const from = fromOffset !== undefined ? { offset: fromOffset } : fromTime !== undefined ? { time: fromTime } : { oldest: true as const };
      return ok(await broker.log.read(topic, partition, from, limit));
    },
  },
  {
    method: 'PUT',
    path: '/v1/topics/{topic}/groups/{group}/offsets',
    access: onTopic(Action.Consume),
    operation: async ({ params, body }, { broker }) => {
      const topic = topicName(params);
      const group = name('group', params['group']);
      const { offsets } = parseBody(commitOffsetsBody, body);
      return ok(await broker.log.commit(topic, group, offsets));
    },
  },
  {
    method: 'GET',
    path: '/v1/topics/{topic}/groups/{group}',
    access: onTopic(Action.Consume),
    operation: async ({ params }, { broker }) => ok(await broker.log.group(topicName(params), name('group', params['group']))),
  },
];
