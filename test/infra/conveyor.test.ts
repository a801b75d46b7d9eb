import { Stack } from 'aws-cdk-lib';
import { providerFunctionName } from '../../infra/declared/Declarations.js';
import { shopStack } from './declaredFixtures.js';
import { logicalIdOf, synthesizeStack } from './fixtures.js';

const { stack, template } = synthesizeStack();

describe('Stack: ConveyorStack around the Conveyor construct', () => {
  // The ids ConveyorStack's resources had before the Conveyor construct existed (it built them itself):
  // a deployed stack must update in place, not replace its tables, queues and functions.
  it.each([
    { case: 'log table', construct: () => stack.tables.logTable, id: 'TablesLogTable24FF1110' },
    { case: 'meta table', construct: () => stack.tables.metaTable, id: 'TablesMetaTable987CC51F' },
    { case: 'event bus', construct: () => stack.messaging.bus, id: 'MessagingBus52612CDD' },
    { case: 'delay queue', construct: () => stack.messaging.delayQueue, id: 'MessagingDelayQueue46618CD9' },
    { case: 'delivery-failure queue', construct: () => stack.messaging.deliveryFailureQueue, id: 'MessagingDeliveryFailureQueueD976DE35' },
    { case: 'ack-id key', construct: () => stack.ackIdKey.secret, id: 'AckIdKeySecretF392F780' },
    { case: 'API function', construct: () => stack.functions.api.function, id: 'FunctionsApiFunction34137F74' },
    { case: 'relay function', construct: () => stack.functions.relay.function, id: 'FunctionsRelayFunctionCE92BA03' },
    { case: 'schedule target function', construct: () => stack.functions.scheduleTarget.function, id: 'FunctionsScheduleTargetFunctionBA4002A8' },
    { case: 'HTTP API', construct: () => stack.api.httpApi, id: 'ApiHttpApi4C294DC0' },
  ])('keeps the logical id of the $case', ({ construct, id }) => {
    // Act
    const logicalId = logicalIdOf(construct());

    // Assess
    expect(logicalId).toBe(id);
    expect(Object.keys(template.toJSON()['Resources'] as object)).toContain(id);
  });

  it('keeps its outputs: every resource for the local runner, and the API URL', () => {
    // Act
    const outputs = Object.keys(template.toJSON()['Outputs'] as object);

    // Assess
    expect(outputs).toEqual(expect.arrayContaining(['LogTableName', 'MetaTableName', 'EventBusName', 'DelayQueueUrl', 'ResourcePrefix', 'AckKeySecretArn', 'ApiUrl']));
  });

  it('adds no provider function while nothing is declared', () => {
    // Act
    const functions = template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: providerFunctionName('conveyor') } });

    // Assess
    expect(functions).toEqual({});
  });
});

describe('Construct: Conveyor', () => {
  it('exposes what users wire to: the API URL and HTTP API, the bus, both tables, the alarm topic and the prefix', () => {
    // Prepare
    const { stack: shop, conveyor } = shopStack({ resourcePrefix: 'shop', alarmEmail: 'ops@example.com' });

    // Act
    const resolved = Stack.of(conveyor).resolve({ url: conveyor.apiUrl, log: conveyor.logTable.tableName, meta: conveyor.metaTable.tableName });

    // Assess
    expect(conveyor.resourcePrefix).toBe('shop');
    expect(conveyor.httpApi).toBe(conveyor.api.httpApi);
    expect(conveyor.eventBus).toBe(conveyor.messaging.bus);
    expect(conveyor.alarmTopic).toBe(conveyor.alerting?.topic);
    expect(resolved.url).toEqual(shop.resolve(conveyor.api.stage.url));
    expect(resolved.log).toEqual({ Ref: logicalIdOf(conveyor.logTable) });
    expect(resolved.meta).toEqual({ Ref: logicalIdOf(conveyor.metaTable) });
    expect(logicalIdOf(conveyor.logTable)).toMatch(/^ConveyorTablesLogTable/);
  });

  it('has no alarm topic without alarmEmail', () => {
    // Act
    const { conveyor } = shopStack();

    // Assess
    expect(conveyor.alarmTopic).toBeUndefined();
  });

  it('refuses invalid settings as ConveyorStack does, naming the prop and the value', () => {
    // Act
    const build = (): unknown => shopStack({ resourcePrefix: 'Shop' });

    // Assess
    expect(build).toThrow(/resourcePrefix must start with a lowercase letter.*but "Shop" was provided/);
  });
});
