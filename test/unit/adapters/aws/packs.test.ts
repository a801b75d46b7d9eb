import { Packer } from '../../../../src/adapters/aws/packs/Packer.js';
import { packDelivery, packDetail, packInputTransformer, packRulePattern, readPackDelivery } from '../../../../src/adapters/aws/packs/packFormat.js';
import { EventBus, MAX_EVENT_ENTRY_BYTES } from '../../../../src/adapters/aws/sqs/EventBus.js';
import { sqsJson } from '../../../../src/adapters/aws/sqs/queueMessages.js';

/** A queued message's text of exactly `bytes` bytes of UTF-8 (`bytes` - 8 a multiple of the character's bytes). */
const textOf = (bytes: number, char = 'x'): string => {
  const text = `{"p":"${char.repeat((bytes - 8) / Buffer.byteLength(char))}"}`;
  if (Buffer.byteLength(text) !== bytes) throw new Error(`no text of ${bytes} bytes in ${char}`);
  return text;
};

describe('Module: packFormat', () => {
  it('matches the packs of the topic that name the subscription’s rule', () => {
    // Act
    const pattern = JSON.parse(packRulePattern('orders', 'conveyor-s-1'));

    // Assess
    expect(pattern).toEqual({ source: ['conveyor.pack'], 'detail-type': ['orders'], detail: { to: ['conveyor-s-1'] } });
  });

  it('wraps the pack with the queue to unpack into, the way an input transformer fills its template', () => {
    // Prepare
    const { InputPathsMap, InputTemplate } = packInputTransformer('conveyor-s-1');
    const detail = packDetail(['conveyor-s-1'], ['{"id":"a"}']);

    // Act: EventBridge puts the value of `$.detail` where the template names it
    const delivered = InputTemplate.replace('<pack>', detail);

    // Assess
    expect(InputPathsMap).toEqual({ pack: '$.detail' });
    expect(JSON.parse(delivered)).toEqual({ queue: 'conveyor-s-1', pack: { to: ['conveyor-s-1'], messages: [{ id: 'a' }] } });
    expect(readPackDelivery(delivered)).toEqual({ queue: 'conveyor-s-1', bodies: ['{"id":"a"}'], attempt: 0 });
  });

  it('reads back a delivery the unpacker sent back to the inbox, with its attempt', () => {
    // Act
    const read = readPackDelivery(packDelivery('conveyor-s-1', ['{"id":"b"}'], 3));

    // Assess
    expect(read).toEqual({ queue: 'conveyor-s-1', bodies: ['{"id":"b"}'], attempt: 3 });
  });

  it.each([
    { case: 'not JSON', text: 'pack' },
    { case: 'no queue', text: '{"pack":{"messages":[]}}' },
    { case: 'no pack', text: '{"queue":"q"}' },
    { case: 'messages that are not objects', text: '{"queue":"q","pack":{"messages":["a"]}}' },
    { case: 'a negative attempt', text: '{"queue":"q","attempt":-1,"pack":{"messages":[]}}' },
  ])('reads $case as no pack delivery', ({ text }) => {
    expect(readPackDelivery(text)).toBeNull();
  });

  it('hands the unpacker bodies SQS accepts: U+FFFE and U+FFFF escaped, as the relay escaped them', () => {
    // Prepare: an EventBridge that unescaped them on the way
    const delivered = `{"queue":"q","pack":{"to":[],"messages":[{"body":"a\uFFFEb\uFFFF"}]}}`;

    // Act
    const read = readPackDelivery(delivered);

    // Assess
    expect(read?.bodies).toEqual(['{"body":"a\\ufffeb\\uffff"}']);
    expect(sqsJson({ body: 'a\uFFFEb\uFFFF' })).toBe('{"body":"a\\ufffeb\\uffff"}');
    expect(JSON.parse(read?.bodies[0] ?? '')).toEqual({ body: 'a\uFFFEb\uFFFF' });
  });
});

describe('Class: Packer', () => {
  it('puts the messages of one topic for the same subscriptions in one pack, in order, and each other set in a pack of its own', () => {
    // Prepare
    const packer = new Packer(() => 10_000);

    // Act
    packer.add(0, 'orders', ['s-1', 's-2'], '{"n":1}');
    packer.add(0, 'orders', ['s-1'], '{"n":2}');
    packer.add(1, 'orders', ['s-1', 's-2'], '{"n":3}');
    packer.add(1, 'invoices', ['s-1', 's-2'], '{"n":4}');

    // Assess
    expect(packer.packs().map(({ record, topic, detail }) => ({ record, topic, detail }))).toEqual([
      { record: 0, topic: 'orders', detail: packDetail(['s-1', 's-2'], ['{"n":1}', '{"n":3}']) },
      { record: 0, topic: 'orders', detail: packDetail(['s-1'], ['{"n":2}']) },
      { record: 1, topic: 'invoices', detail: packDetail(['s-1', 's-2'], ['{"n":4}']) },
    ]);
    expect(packer.packs()[0]).toMatchObject({ to: ['s-1', 's-2'], messages: [{ record: 0, text: '{"n":1}' }, { record: 1, text: '{"n":3}' }] });
  });

  it('fills a pack to exactly its limit in bytes of UTF-8, and starts the next one with the message that would pass it', () => {
    // Prepare: the empty pack's text and each message's, with a comma between messages
    const empty = Buffer.byteLength(packDetail(['s-1'], []));
    const limit = empty + 1_000 + 1_000 + 1_001 + 2;
    const packer = new Packer(() => limit);
    const texts = [textOf(1_000, 'é'), textOf(1_000), textOf(1_001, '€'), textOf(10)];

    // Act
    for (const [index, text] of texts.entries()) expect(packer.add(index, 'orders', ['s-1'], text)).toBe(true);
    const packs = packer.packs();

    // Assess
    expect(packs.map((pack) => Buffer.byteLength(pack.detail))).toEqual([limit, Buffer.byteLength(packDetail(['s-1'], [textOf(10)]))]);
    expect(packs.map((pack) => pack.record)).toEqual([0, 3]);
  });

  it('refuses a message that would not fit a pack even alone, which the relay then sends straight to the queues', () => {
    // Prepare
    const packer = new Packer(() => 1_000);

    // Act
    const added = packer.add(0, 'orders', ['s-1'], textOf(1_000));

    // Assess
    expect(added).toBe(false);
    expect(packer.packs()).toEqual([]);
  });

  it('sizes packs so that their events stay under EventBridge’s 256 KB, counted as EventBridge counts them', () => {
    // Prepare
    const limit = EventBus.packDetailLimit('orders');
    const bus = new EventBus({} as never, 'bus');

    // Act
    const entry = bus.packEntry(0, 'orders', 'x'.repeat(limit));

    // Assess
    expect(entry.bytes).toBe(MAX_EVENT_ENTRY_BYTES - 1);
    expect(entry.entry).toEqual({ EventBusName: 'bus', Source: 'conveyor.pack', DetailType: 'orders', Detail: 'x'.repeat(limit) });
  });
});
