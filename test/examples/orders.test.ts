import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Match, Template } from 'aws-cdk-lib/assertions';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = join(ROOT, 'examples', 'orders');
const CDK_CLI = join(ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');

/** The example's custom resource of `type` named `name`, with its settings parsed. */
function declared(template: Template, type: string, name: string): Record<string, unknown> {
  const found = Object.values(template.findResources(type, { Properties: { Name: name } }));
  expect(found).toHaveLength(1);
  const properties = (found[0] as { Properties: { Settings: string } }).Properties;
  return JSON.parse(properties.Settings) as Record<string, unknown>;
}

describe('examples/orders: the seed article\'s order flow as a CDK app', () => {
  let outdir: string;
  let template: Template;
  let synth: { status: number | null; output: string };

  beforeAll(() => {
    // Act: `cdk synth` in the example's folder, with its own cdk.json, as a user runs it (offline; the
    // build of npm test compiled app.ts and billing.ts to dist/examples/orders).
    outdir = mkdtempSync(join(tmpdir(), 'conveyor-example-'));
    const result = spawnSync(process.execPath, [CDK_CLI, 'synth', '--quiet', '--output', outdir], {
      cwd: EXAMPLE,
      encoding: 'utf8',
      timeout: 300_000,
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' },
    });
    synth = { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error === undefined ? '' : String(result.error)}` };
    if (synth.status === 0) template = Template.fromJSON(JSON.parse(readFileSync(join(outdir, 'OrdersStack.template.json'), 'utf8')) as Record<string, unknown>);
  }, 300_000);

  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it('synthesizes with the CDK CLI and bundles the consumer with esbuild', () => {
    // Assess
    expect(synth.output).toContain('OrdersStack/BillingConsumer');
    expect(synth.status).toBe(0);
  });

  it('declares the orders topic with its partitions and retention', () => {
    // Assess
    expect(declared(template, 'Custom::ConveyorTopic', 'orders')).toMatchObject({ partitions: 4, retentionHours: 168 });
  });

  it('declares billing as a work queue with retries, dead letters and a dead-letter alarm', () => {
    // Assess
    expect(declared(template, 'Custom::ConveyorSubscription', 'billing')).toMatchObject({
      filter: null,
      maxDeliveries: 5,
      ackDeadlineSeconds: 60,
      retryBackoff: { minSeconds: 5, maxSeconds: 300 },
      ordered: false,
      deadLetterAlarm: true,
    });
  });

  it('declares shipping-eu filtered to European orders and ordered per key', () => {
    // Assess
    expect(declared(template, 'Custom::ConveyorSubscription', 'shipping-eu')).toMatchObject({ filter: { attributes: { region: ['eu'] } }, ordered: true, deadLetterAlarm: true });
  });

  it('attaches the billing function to billing\'s queue, reporting partial batch failures', () => {
    // Prepare
    const billing = Object.keys(template.findResources('Custom::ConveyorSubscription', { Properties: { Name: 'billing' } }))[0]!;
    const consumer = Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler', Runtime: 'nodejs24.x', MemorySize: Match.absent() } }));

    // Assess
    expect(consumer).toHaveLength(1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [billing, 'QueueArn'] },
      FunctionName: { Ref: consumer[0] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 1,
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  it('gives the consumer an idempotency table it may use, named in its environment', () => {
    // Prepare
    const consumer = template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { IDEMPOTENCY_TABLE: Match.anyValue() } } } });

    // Assess
    expect(Object.keys(consumer)).toHaveLength(1);
    const table = (Object.values(consumer)[0] as { Properties: { Environment: { Variables: { IDEMPOTENCY_TABLE: { Ref: string } } } } }).Properties.Environment.Variables.IDEMPOTENCY_TABLE.Ref;
    const tables = template.findResources('AWS::DynamoDB::Table', { Properties: { TimeToLiveSpecification: { Enabled: true } } });
    expect(Object.keys(tables)).toContain(table);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['dynamodb:PutItem']), Resource: Match.arrayWith([{ 'Fn::GetAtt': [table, 'Arn'] }]) })]) },
    });
  });

  it('names the API\'s URL in its outputs', () => {
    // Assess
    template.hasOutput('ConveyorUrl', { Value: Match.anyValue() });
  });

  it('schedules the nightly report into the orders topic in Berlin time', () => {
    // Assess
    expect(declared(template, 'Custom::ConveyorSchedule', 'nightly-report')).toEqual({ topic: 'orders', cron: '0 2 * * *', timezone: 'Europe/Berlin', message: { body: { report: 'daily' } } });
  });
});
