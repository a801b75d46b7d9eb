import { CreateQueueCommand, ListQueuesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startEmulator, type Emulator } from '../helpers/emulator.js';

describe('The AWS emulator of the test suite', () => {
  let emulator: Emulator;
  let sqs: SQSClient;

  beforeAll(async () => {
    emulator = await startEmulator();
    sqs = new SQSClient({ endpoint: emulator.endpoint, region: 'us-east-1' });
  });
  afterAll(async () => {
    sqs.destroy();
    await emulator.stop();
  });

  const receive = async (queueUrl: string): Promise<string[]> => {
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 30 }));
    return (Messages ?? []).map((message) => message.Body ?? '');
  };

  it('forgets every resource on reset', async () => {
    await sqs.send(new CreateQueueCommand({ QueueName: 'before-reset' }));
    await emulator.reset();
    const { QueueUrls } = await sqs.send(new ListQueuesCommand({}));
    expect(QueueUrls ?? []).toEqual([]);
  });

  it('runs SQS visibility timeouts on the clock the tests move', async () => {
    if (!emulator.clockControl) return; // an emulator named by AWS_ENDPOINT_URL keeps real time
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'leases' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hello' }));
    expect(await receive(QueueUrl!)).toEqual(['hello']);
    expect(await receive(QueueUrl!)).toEqual([]);

    await emulator.setClock({ offsetMs: 31_000, frozenAtMs: null });

    expect(await receive(QueueUrl!)).toEqual(['hello']);
  });
});
