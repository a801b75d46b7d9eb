import { PublishLimits } from '../../domain/constants.js';
import { PayloadTooLargeError } from '../../domain/errors.js';
import { storedMessageBytes, type SizedMessage } from '../../domain/messageSize.js';
import type { OutgoingMessage } from '../../domain/types.js';
import { commitOffsetsBody, partitionParam, publishBody, putTopicBody, readQuery } from '../schemas/topics.js';
import { createdOrOk, noContent, ok, type ApiRoute } from '../types.js';
import { name, parse } from '../validate.js';

/** Too large is 413, not 400: the limit is on size, as SQS and SNS put it, and covers the whole stored message. */
function checkMessageSizes(messages: readonly SizedMessage[]): void {
  messages.forEach((message, index) => {
    const size = storedMessageBytes(message);
    if (size > PublishLimits.messageBytes) {
      throw new PayloadTooLargeError(`body.messages[${index}] (body serialized, key, id and attributes)`, PublishLimits.messageBytes, size);
    }
  });
}

const topicName = (params: Readonly<Record<string, string | undefined>>): string => name('topic', params['topic']);

/** Topics, publishing, log reads and consumer groups. */
export const topicRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: '/v1/topics',
    operation: async (_request, { broker }) => ok({ topics: await broker.topics.list() }),
  },
  {
    method: 'PUT',
    path: '/v1/topics/{topic}',
    operation: async ({ params, body }, { broker }) => {
      const topic = topicName(params);
      const settings = parse(putTopicBody, body ?? {}, 'body');
      const { created, topic: stored } = await broker.topics.create(topic, settings);
      return createdOrOk(created, stored);
    },
  },
  {
    method: 'GET',
    path: '/v1/topics/{topic}',
    operation: async ({ params }, { broker }) => ok(await broker.topics.describe(topicName(params))),
  },
  {
    method: 'DELETE',
    path: '/v1/topics/{topic}',
    operation: async ({ params }, { broker }) => {
      await broker.topics.delete(topicName(params));
      return noContent;
    },
  },
  {
    method: 'POST',
    path: '/v1/topics/{topic}/messages',
    operation: async ({ params, body }, { broker }) => {
      const topic = topicName(params);
      const { messages } = parse(publishBody, body, 'body');
      checkMessageSizes(messages as SizedMessage[]);
      return ok({ results: await broker.publisher.publish(topic, messages as OutgoingMessage[]) });
    },
  },
  {
    method: 'GET',
    path: '/v1/topics/{topic}/partitions/{partition}/messages',
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
    operation: async ({ params, body }, { broker }) => {
      const topic = topicName(params);
      const group = name('group', params['group']);
      const { offsets } = parse(commitOffsetsBody, body, 'body');
      return ok(await broker.log.commit(topic, group, offsets));
    },
  },
  {
    method: 'GET',
    path: '/v1/topics/{topic}/groups/{group}',
    operation: async ({ params }, { broker }) => ok(await broker.log.group(topicName(params), name('group', params['group']))),
  },
];
