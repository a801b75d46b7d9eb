import { describeContract } from './harness/backends.js';
import type { ApiResponse } from './harness/ApiClient.js';
import type { Conveyor } from './harness/Conveyor.js';
import {
  BAD_LOG_REQUESTS,
  BAD_PUBLISH_REQUESTS,
  BAD_QUEUE_REQUESTS,
  BAD_SCHEDULES,
  BAD_SUBSCRIPTION_SETTINGS,
  BAD_TOPIC_SETTINGS,
  MALFORMED_JSON,
  type BadRequest,
} from './harness/badRequests.js';
import { expectRejectedWithoutChange } from './harness/expectations.js';
import { FIXTURE_GROUPS, seedFixture } from './harness/seededFixture.js';

type Send = (api: Conveyor) => Promise<ApiResponse<unknown>>;

/** Every malformed request of each kind gets 400 InvalidRequest naming the problem, and stored state stays exactly as it was. */
describeContract('Invalid requests', (target) => {
  const rejects = (send: Send, status: number, code: string, mentions: readonly string[] = []): Promise<void> =>
    expectRejectedWithoutChange(target().api, send, { status, code, mentions, groups: FIXTURE_GROUPS });

  beforeAll(async () => {
    await seedFixture(target().api);
  });

  describe('400 InvalidRequest', () => {
    const tables: ReadonlyArray<[string, readonly BadRequest[]]> = [
      ['topic settings', BAD_TOPIC_SETTINGS],
      ['publish requests', BAD_PUBLISH_REQUESTS],
      ['subscription settings', BAD_SUBSCRIPTION_SETTINGS],
      ['pull, ack, nack, extend, seek and dead-letter requests', BAD_QUEUE_REQUESTS],
      ['log reads and group commits', BAD_LOG_REQUESTS],
      ['schedules', BAD_SCHEDULES],
      ['malformed JSON bodies', MALFORMED_JSON],
    ];
    describe.each(tables)('%s', (_title, table) => {
      it.each(table)('rejects $case, names the problem and changes nothing', async ({ send, mentions }) => {
        await rejects(send, 400, 'InvalidRequest', mentions);
      });
    });
  });

});
