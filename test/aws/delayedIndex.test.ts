import { AwsDelayedMessages } from '../../src/adapters/aws/AwsDelayedMessages.js';
import { DelayedIndex } from '../../src/adapters/aws/dynamo/DelayedIndex.js';
import type { LogEntry } from '../../src/ports/MessageLog.js';
import { entryFactory, offsetsAndBodies, TABLES, useDynamo, useLog } from './dynamoFixtures.js';

const MINUTE = 60_000;

/**
 * The index of delayed messages in the meta table, with the log that writes
 * it: what waits can be listed, counted and cancelled, a release takes its
 * message out of the index, and a cancel and a release of one message exclude
 * each other.
 */
describe('Class: AwsDelayedMessages (the index of delayed messages)', () => {
  const dynamo = useDynamo();
  const suite = useLog(dynamo);
  const delayed = (): AwsDelayedMessages => new AwsDelayedMessages(new DelayedIndex(dynamo().clients.dynamo, TABLES), suite.sender, suite.clock);
  const later = (id: string, inMs: number, overrides: Partial<LogEntry> = {}): LogEntry & { dueAt: number } => ({
    ...entryFactory({ id, body: { remind: id }, ...overrides }),
    dueAt: suite.clock.now() + inMs,
  });

  it('has nothing to release and no time to wake for: SQS and EventBridge Scheduler are the timers', async () => {
    // Act
    const outcome = { released: await delayed().releaseDue(), next: await delayed().nextDueAt() };

    // Assess
    expect(outcome).toEqual({ released: 0, next: null });
  });

  it('lists what a publish sent to the timers in due order, with content and times, and counts it', async () => {
    // Prepare
    const topic = await suite.createTopic({ name: 'listed' });
    const publishedAt = new Date(suite.clock.now()).toISOString();

    // Act
    await suite.log.append(topic, [later('second', 20 * MINUTE, { key: 'k', attributes: { kind: 'x' } }), later('first', 5 * MINUTE)]);

    // Assess
    const page = await delayed().list(topic, null, 10);
    expect(page).toEqual({
      messages: [
        { id: 'first', topic: 'listed', partition: 0, key: null, body: { remind: 'first' }, attributes: {}, deliverAt: new Date(suite.clock.now() + 5 * MINUTE).toISOString(), publishedAt },
        { id: 'second', topic: 'listed', partition: 0, key: 'k', body: { remind: 'second' }, attributes: { kind: 'x' }, deliverAt: new Date(suite.clock.now() + 20 * MINUTE).toISOString(), publishedAt },
      ],
      nextCursor: null,
    });
    expect(await delayed().count(topic)).toBe(2);
  });

  it('pages with a cursor that continues where the last page stopped', async () => {
    // Prepare
    const topic = await suite.createTopic({ name: 'paged' });
    await suite.log.append(topic, ['a', 'b', 'c'].map((id, i) => later(id, (i + 1) * MINUTE)));

    // Act
    const first = await delayed().list(topic, null, 2);
    const second = await delayed().list(topic, first.nextCursor, 2);

    // Assess
    expect(first.messages.map((message) => message.id)).toEqual(['a', 'b']);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(second).toEqual({ messages: [expect.objectContaining({ id: 'c' })], nextCursor: null });
  });

  it('takes a released message out of the index in the transaction that appends it', async () => {
    // Prepare
    const topic = await suite.createTopic({ name: 'released' });
    const [entry] = [later('due', MINUTE)];
    await suite.log.append(topic, [entry!]);
    suite.clock.advance(MINUTE);

    // Act
    await suite.log.release(topic, [{ ...entry!, clientId: false }]);

    // Assess
    expect(offsetsAndBodies(await suite.log.read(topic, 0, { offset: 0 }, 10))).toEqual([[0, { remind: 'due' }]]);
    expect(await delayed().list(topic, null, 10)).toEqual({ messages: [], nextCursor: null });
    expect(await delayed().count(topic)).toBe(0);
  });

  it('cancels a waiting message: gone from the index, and its release appends nothing', async () => {
    // Prepare
    const topic = await suite.createTopic({ name: 'cancelled' });
    const entry = later('unwanted', 2 * MINUTE);
    await suite.log.append(topic, [entry]);

    // Act
    const cancelled = await delayed().cancel(topic, 'unwanted');
    suite.clock.advance(2 * MINUTE);
    await suite.log.release(topic, [{ ...entry, clientId: false }]);

    // Assess
    expect(cancelled).toBe(1);
    expect(await delayed().count(topic)).toBe(0);
    expect((await suite.log.read(topic, 0, { offset: 0 }, 10)).messages).toEqual([]);
  });

  it('cancels nothing once the message was released: the release came first', async () => {
    // Prepare
    const topic = await suite.createTopic({ name: 'too-late' });
    const entry = later('gone', MINUTE);
    await suite.log.append(topic, [entry]);
    suite.clock.advance(MINUTE);
    await suite.log.release(topic, [{ ...entry, clientId: false }]);

    // Act
    const cancelled = await delayed().cancel(topic, 'gone');

    // Assess
    expect(cancelled).toBe(0);
    expect(offsetsAndBodies(await suite.log.read(topic, 0, { offset: 0 }, 10))).toEqual([[0, { remind: 'gone' }]]);
  });

  describe('a cancel and a release of one message that race', () => {
    const index = (): DelayedIndex => new DelayedIndex(dynamo().clients.dynamo, TABLES);

    it('delivers the message and cancels nothing when the release commits between the cancel reading the entry and writing', async () => {
      // Prepare: the cancel has read the waiting entry; the release commits before the cancel writes
      const topic = await suite.createTopic({ name: 'release-wins' });
      await suite.log.append(topic, [later('raced', MINUTE)]);
      const [read] = await index().waiting(topic, 'raced');
      suite.clock.advance(MINUTE);
      await suite.log.release(topic, [{ ...read!, clientId: false }]);

      // Act
      const cancelled = await index().cancel(topic, read!, suite.clock.now());

      // Assess
      expect(cancelled).toBe(false);
      expect(offsetsAndBodies(await suite.log.read(topic, 0, { offset: 0 }, 10))).toEqual([[0, { remind: 'raced' }]]);
      expect(await delayed().count(topic)).toBe(0);
    });

    it('delivers nothing when the cancel commits between the release reading the entry and appending it', async () => {
      // Prepare: the release has read the waiting entry; the cancel commits before the release appends
      const topic = await suite.createTopic({ name: 'cancel-wins' });
      await suite.log.append(topic, [later('raced', MINUTE)]);
      const [read] = await index().waiting(topic, 'raced');
      const cancelled = await index().cancel(topic, read!, suite.clock.now());
      suite.clock.advance(MINUTE);

      // Act
      await suite.log.release(topic, [{ ...read!, clientId: false }]);

      // Assess
      expect(cancelled).toBe(true);
      expect((await suite.log.read(topic, 0, { offset: 0 }, 10)).messages).toEqual([]);
      expect(await delayed().count(topic)).toBe(0);
    });
  });

  it('cancels only the id asked for, not an id it is a prefix of', async () => {
    // Prepare
    const topic = await suite.createTopic({ name: 'prefixes' });
    await suite.log.append(topic, [later('a', MINUTE), later('a#b', MINUTE)]);

    // Act
    const cancelled = await delayed().cancel(topic, 'a');

    // Assess
    expect(cancelled).toBe(1);
    expect((await delayed().list(topic, null, 10)).messages.map((message) => message.id)).toEqual(['a#b']);
  });

  it('deletes the one-time schedule of a long delay it cancels, and leaves a short delay to the delay queue', async () => {
    // Prepare
    const topic = await suite.createTopic({ name: 'schedules' });
    await suite.log.append(topic, [later('short', 10 * MINUTE), later('long', 24 * 60 * MINUTE)]);

    // Act
    await delayed().cancel(topic, 'short');
    await delayed().cancel(topic, 'long');

    // Assess
    expect(suite.sender.unscheduled).toEqual(['long']);
  });

  it('removes the index entries again when the timers refuse the messages', async () => {
    // Prepare
    const topic = await suite.createTopic({ name: 'refused' });
    suite.sender.failNext = true;

    // Act
    const publishing = suite.log.append(topic, [later('lost', MINUTE)]);

    // Assess
    await expect(publishing).rejects.toThrow('the delay queue is unavailable (fake)');
    expect(await delayed().count(topic)).toBe(0);
  });
});
