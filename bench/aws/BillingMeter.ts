import { AsyncLocalStorage } from 'node:async_hooks';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { MiddlewareStack } from '@smithy/types';
import type { ClientPlugin } from '../../src/adapters/aws/clients.js';
import { chunks64k, eventBridgeEntryBytes, itemBytes, readUnits, sqsMessageBytes, writeUnits } from './sizes.js';
import { addUsage, emptyUsage, usageOf, type FunctionRole, type Usage } from './usage.js';

type Item = Record<string, AttributeValue>;
type Caller = FunctionRole | 'runner';

/** Who is calling AWS right now: the Lambda function whose handler runs, or the runner (event source polling, Scheduler). */
const callerContext = new AsyncLocalStorage<FunctionRole>();

/** Requests that nobody pays for per message: control-plane calls, Streams reads by a Lambda trigger, and calls that only the emulation makes. */
const FREE = 'free';
/** Empty receives of the event source mappings (delay queue, pack inbox): idle polling, a fixed monthly cost that does not grow with messages. */
const IDLE_POLL = 'idlePoll';

/**
 * Turns every AWS request of the backend into billable units (DynamoDB request
 * units from item sizes, SQS and EventBridge 64 KB chunks, …) and counts the
 * requests per caller and `Service.Operation`. Lambda and API Gateway usage is
 * recorded by whoever invokes the handlers (`invoke`, `apiRequest`).
 *
 * @example
 * const meter = new BillingMeter({ api: 512, relay: 512, unpacker: 256, delayConsumer: 256, scheduleTarget: 256 });
 * const clients = createAwsClients({ plugins: [meter] });
 * await meter.invoke('relay', () => relay(records));
 * meter.take(); // { usage, requests: { 'relay:EventBridge.PutEvents': 1, ... } }
 */
export class BillingMeter implements ClientPlugin {
  private usage: Usage = emptyUsage();
  private requests = new Map<string, number>();

  public constructor(private readonly memoryMb: Readonly<Record<FunctionRole, number>>) {}

  public apply(stack: MiddlewareStack<any, any>, service: string): void {
    stack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
        const caller: Caller = callerContext.getStore() ?? 'runner';
        const kind = this.record(caller, service, operation, (args.input ?? {}) as Record<string, any>, ((result as { output?: unknown }).output ?? {}) as Record<string, any>);
        const key = `${caller}:${service}.${operation}${kind === FREE || kind === IDLE_POLL ? ` (${kind})` : ''}`;
        this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
        return result;
      },
      // After the retry middleware, like RequestCounter: a retried request is billed again.
      { step: 'finalizeRequest', name: 'conveyorBillingMeter', priority: 'low', override: true },
    );
  }

  /** Runs a function's handler as `role`: counts the invocation and its billed GB-seconds, and attributes its AWS requests to it. */
  public async invoke<T>(role: FunctionRole, handler: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    try {
      return await callerContext.run(role, handler);
    } finally {
      const ms = performance.now() - started;
      const cpu = process.cpuUsage(cpuStarted);
      const gb = this.memoryMb[role] / 1024;
      const cpuMs = (cpu.user + cpu.system) / 1000;
      this.add(usageOf({ lambda: { [role]: { invocations: 1, gbSeconds: (Math.ceil(ms) / 1000) * gb, ms, cpuGbSeconds: (Math.ceil(cpuMs) / 1000) * gb } } }));
    }
  }

  /** One API Gateway HTTP API request; metered in 512 KB steps of the larger of request and response. */
  public apiRequest(requestBytes: number, responseBytes: number): void {
    this.add(usageOf({ apiGatewayRequests: Math.max(1, Math.ceil(Math.max(requestBytes, responseBytes) / 524_288)) }));
  }

  /** One EventBridge Scheduler invocation (the runner fires schedules in Scheduler's place). */
  public schedulerInvocation(): void {
    this.add(usageOf({ schedulerInvocations: 1 }));
  }

  /** Copies that a service (an EventBridge rule, an SNS subscription) sent to SQS queues for you. */
  public serviceSqsSends(count: number): void {
    this.add(usageOf({ serviceSqsSends: count }));
  }

  /** What was used since the last `take`, and starts afresh. */
  public take(): { usage: Usage; requests: Record<string, number> } {
    const taken = { usage: this.usage, requests: Object.fromEntries([...this.requests.entries()].sort(([a], [b]) => a.localeCompare(b))) };
    this.usage = emptyUsage();
    this.requests = new Map();
    return taken;
  }

  private add(usage: Usage): void {
    this.usage = addUsage(this.usage, usage);
  }

  /** Adds the request's billable units; returns FREE, IDLE_POLL or 'billed'. */
  private record(caller: Caller, service: string, operation: string, input: Record<string, any>, output: Record<string, any>): string {
    switch (service) {
      case 'DynamoDB':
        return caller === 'runner' ? FREE : this.dynamo(operation, input, output);
      case 'DynamoDBStreams':
        return FREE; // read by the relay's Lambda trigger: "no charge for GetRecords API calls invoked by AWS Lambda as part of DynamoDB triggers"
      case 'SQS':
        return this.sqs(caller, operation, input, output);
      case 'EventBridge':
        if (operation !== 'PutEvents') return FREE;
        this.add(usageOf({ eventBridgeEvents: (input['Entries'] as any[]).reduce((sum: number, entry) => sum + chunks64k(eventBridgeEntryBytes(entry)), 0) }));
        return 'billed';
      case 'SNS':
        if (operation === 'Publish') this.add(usageOf({ snsRequests: chunks64k(Buffer.byteLength(String(input['Message'] ?? ''))) }));
        else if (operation === 'PublishBatch') {
          const bytes = (input['PublishBatchRequestEntries'] as any[]).reduce((sum: number, entry) => sum + Buffer.byteLength(String(entry.Message ?? '')), 0);
          this.add(usageOf({ snsRequests: chunks64k(bytes) }));
        } else return FREE;
        return 'billed';
      default:
        return FREE; // Scheduler API calls (CreateSchedule, …) carry no charge; the runner's List/GetSchedule only emulate Scheduler
    }
  }

  private dynamo(operation: string, input: Record<string, any>, output: Record<string, any>): string {
    const consistency = input['ConsistentRead'] === true ? 'strong' : 'eventual';
    let wru = 0;
    let rru = 0;
    switch (operation) {
      case 'PutItem':
        wru = writeUnits(itemBytes(input['Item'] as Item), false);
        break;
      // The item's stored size is unknown here: an update or delete of these small items (head counters, offsets) is taken as 1 KB.
      case 'UpdateItem':
      case 'DeleteItem':
        wru = 1;
        break;
      case 'BatchWriteItem':
        for (const requests of Object.values(input['RequestItems'] as Record<string, any[]>)) {
          for (const request of requests) wru += request.PutRequest === undefined ? 1 : writeUnits(itemBytes(request.PutRequest.Item), false);
        }
        break;
      case 'TransactWriteItems':
        // Every item of a transaction takes two units per KB; a ConditionCheck is counted like a write of 1 KB.
        for (const item of input['TransactItems'] as any[]) wru += item.Put === undefined ? 2 : writeUnits(itemBytes(item.Put.Item), true);
        break;
      case 'GetItem':
        rru = readUnits(itemBytes(output['Item'] as Item | undefined), consistency);
        break;
      case 'BatchGetItem':
        for (const items of Object.values((output['Responses'] ?? {}) as Record<string, Item[]>)) for (const item of items) rru += readUnits(itemBytes(item), consistency);
        break;
      case 'Query':
      case 'Scan':
        rru = readUnits(((output['Items'] ?? []) as Item[]).reduce((sum, item) => sum + itemBytes(item), 0), consistency);
        break;
      case 'TransactGetItems':
        for (const response of (output['Responses'] ?? []) as Array<{ Item?: Item }>) rru += readUnits(itemBytes(response.Item), 'transactional');
        break;
      default:
        return FREE; // DescribeTable and other control-plane calls
    }
    this.add(usageOf({ dynamoWriteUnits: wru, dynamoReadUnits: rru }));
    return 'billed';
  }

  private sqs(caller: Caller, operation: string, input: Record<string, any>, output: Record<string, any>): string {
    const fifo = String(input['QueueUrl'] ?? '').endsWith('.fifo');
    const bill = (requests: number): string => {
      this.add(usageOf(fifo ? { sqsFifoRequests: requests } : { sqsRequests: requests }));
      return 'billed';
    };
    if (caller === 'runner') {
      // The runner plays two services here. Lambda's event source mappings receive from and delete in the delay queue and
      // the pack inbox: AWS bills those to you as SQS requests. Scheduler sends a fired schedule's input to the queue (GetQueueUrl is
      // only the emulation's way of finding the queue): one Scheduler invocation, and a send a service made for you.
      if (operation === 'GetQueueUrl') return FREE;
      if (operation === 'SendMessage') {
        this.schedulerInvocation();
        this.serviceSqsSends(1);
        return 'billed';
      }
      if (operation === 'ReceiveMessage' && ((output['Messages'] ?? []) as unknown[]).length === 0) return IDLE_POLL;
    }
    switch (operation) {
      case 'SendMessage':
        return bill(chunks64k(sqsMessageBytes(input)));
      case 'SendMessageBatch':
        return bill(chunks64k((input['Entries'] as any[]).reduce((sum: number, entry) => sum + sqsMessageBytes(entry), 0)));
      case 'ReceiveMessage':
        return bill(chunks64k(((output['Messages'] ?? []) as any[]).reduce((sum: number, message) => sum + sqsMessageBytes(message), 0)));
      default:
        return bill(1); // every SQS action is a request: deletes, visibility changes, attribute reads, …
    }
  }
}
