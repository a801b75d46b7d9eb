import { pino } from 'pino';
import { createSqliteBackend } from '../../../../src/adapters/sqlite/createSqliteBackend.js';
import { RecentMessages, type RecentMessage } from '../../../../src/adapters/sqlite/RecentMessages.js';
import { Broker } from '../../../../src/broker/Broker.js';
import { TopicLimits } from '../../../../src/domain/constants.js';
import type { LogEntry } from '../../../../src/ports/MessageLog.js';
import { putSubscriptionBody } from '../../../../src/http/schemas/subscriptions.js';
import { systemClock } from '../../../../src/ports/Clock.js';

const message = (id: string, bytes: number): RecentMessage => ({ id, partition: 0, offset: 0, key: null, body: id, attributes: {}, publishedAt: '2026-01-01T00:00:00.000Z', bytes });

describe('Class: RecentMessages', () => {
  it('keeps the newest messages within its byte bound, dropping the oldest first', () => {
    // Prepare
    const recent = new RecentMessages(() => 0, 250);

    // Act
    for (const seq of [1, 2, 3]) recent.add(seq, message(`m${seq}`, 100));

    // Assess
    expect([1, 2, 3].map((seq) => recent.get(seq)?.id)).toEqual([undefined, 'm2', 'm3']);
  });

  it('drops the messages older than its age bound when another is added', () => {
    // Prepare
    let now = 0;
    const recent = new RecentMessages(() => now, 1000, 50);
    recent.add(1, message('old', 100));
    now = 30;
    recent.add(2, message('younger', 100));

    // Act
    now = 60;
    recent.add(3, message('new', 100));

    // Assess
    expect([1, 2, 3].map((seq) => recent.get(seq)?.id)).toEqual([undefined, 'younger', 'new']);
  });

  it('drops by age in the order messages were added, passing over forgotten ones, across thousands of adds', () => {
    // Prepare
    let now = 0;
    const recent = new RecentMessages(() => now, 300, 50);
    recent.add(1, message('forgotten', 100));
    recent.add(2, message('aged', 100));
    recent.forget(1);
    now = 10;
    recent.add(3, message('young', 100));

    // Act
    now = 60;
    recent.add(4, message('new', 100));
    const afterAging = [1, 2, 3, 4].map((seq) => recent.get(seq)?.id);
    for (let seq = 5; seq < 5005; seq += 1) {
      now += 1;
      recent.add(seq, message(`m${seq}`, 100));
      if (seq % 2 === 0) recent.forget(seq - 1);
    }

    // Assess
    expect(afterAging).toEqual([undefined, undefined, 'young', 'new']);
    // The last add held 5002, 5003 and 5004 within 300 bytes, then 5003 was forgotten.
    expect([5000, 5001, 5002, 5003, 5004].map((seq) => recent.get(seq)?.id)).toEqual([undefined, undefined, 'm5002', undefined, 'm5004']);
  });

  it('does not keep a message larger than its whole bound', () => {
    // Prepare
    const recent = new RecentMessages(() => 0, 250);
    recent.add(1, message('small', 100));

    // Act
    recent.add(2, message('huge', 251));

    // Assess
    expect([recent.get(1)?.id, recent.get(2)]).toEqual(['small', undefined]);
  });

  it('replaces what a reused seq held and frees the bytes of forgotten and cleared entries', () => {
    // Prepare
    const recent = new RecentMessages(() => 0, 200);
    recent.add(1, message('old', 100));
    recent.add(1, message('new', 100));
    recent.add(2, message('kept', 100));
    recent.forget(2);

    // Act
    recent.add(3, message('fits', 100));
    const beforeClear = [1, 2, 3].map((seq) => recent.get(seq)?.id);
    recent.clear();

    // Assess
    expect(beforeClear).toEqual(['new', undefined, 'fits']);
    expect([1, 3].map((seq) => recent.get(seq))).toEqual([undefined, undefined]);
  });

  it('never hands out a deleted topic\'s message under a log seq a new topic reuses', async () => {
    // Prepare: while a topic's deletion runs its chunks, a consumer keeps up with what is still published to it, so that is kept
    const backend = createSqliteBackend({ dataDir: ':memory:', clock: systemClock });
    const broker = new Broker({ backend, clock: systemClock, logger: pino({ level: 'silent' }) });
    const settings = { partitions: 1, retentionHours: TopicLimits.retentionHours.default, dedupWindowSeconds: 0 };
    const entry = (body: string): LogEntry => ({ id: `id-${body}`, partition: 0, key: null, body, attributes: {}, clientId: false });
    await broker.topics.create('old', settings);
    await broker.subscriptions.create('old', 'keeping-up', { ...putSubscriptionBody.parse({}), filter: null });
    const old = await broker.topics.require('old');
    const keepingUp = await broker.subscriptions.require('old', 'keeping-up');
    const deleting = backend.metadata.deleteTopic('old');
    await Promise.all([backend.log.append(old, [entry('old-a')]), backend.queues.receive(keepingUp, { max: 10, waitMs: 0 }), backend.log.append(old, [entry('old-b')])]);
    await deleting;

    // Act: a new topic's rows take the freed seqs; its subscription has never pulled, so its publishes are not kept
    await broker.topics.create('new', settings);
    await broker.subscriptions.create('new', 'fresh', { ...putSubscriptionBody.parse({}), filter: null });
    await broker.publisher.publish('new', [{ body: 'new-1' }, { body: 'new-2' }]);
    const pulled = await broker.delivery.pull('new', 'fresh', { max: 10, waitMs: 0 });
    await broker.close();

    // Assess
    expect(pulled.map((delivery) => [delivery.topic, delivery.body])).toEqual([['new', 'new-1'], ['new', 'new-2']]);
  });
});
