import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { ConveyorStackProps } from '../../infra/settings.js';
import { synthesizeConveyorTemplate } from '../../infra/synthesize.js';
import { synthesizeShop, userFunction } from './declaredFixtures.js';
import { synthesizeStack } from './fixtures.js';

const VARIANTS: ReadonlyArray<{ case: string; props: ConveyorStackProps }> = [
  { case: 'defaults', props: {} },
  { case: 'JWT authorizer, alarm email, data destroyed with the stack', props: { resourcePrefix: 'dev', jwtIssuer: 'https://issuer.example.com', jwtAudience: ['conveyor'], alarmEmail: 'ops@example.com', destroyDataOnDelete: true } },
];

const addNag = (app: App): void => Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

interface ValidationReport {
  readonly pluginReports: ReadonlyArray<{ readonly pluginName: string; readonly violations: ReadonlyArray<{ readonly ruleName: string }> }>;
}

describe('Stack: ConveyorStack compliance', () => {
  const lintDir = mkdtempSync(join(tmpdir(), 'conveyor-cfn-lint-'));

  afterAll(() => rmSync(lintDir, { recursive: true, force: true }));

  it('fails synthesis on a cdk-nag error, so a clean synthesis below means something', () => {
    const app = new App();
    new Queue(new Stack(app, 'Unsafe'), 'PlainQueue');
    addNag(app);

    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });

  it.each(VARIANTS)('leaves no cdk-nag AwsSolutions error or warning, and no CDK annotation ($case)', ({ props }) => {
    const { app, stack } = synthesizeStack(props, addNag);
    const report = JSON.parse(readFileSync(join(app.synth().directory, 'validation-report.json'), 'utf8')) as ValidationReport;

    expect(report.pluginReports.flatMap((plugin) => plugin.violations.map((violation) => `${plugin.pluginName}: ${violation.ruleName}`))).toEqual([]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });

  it.each([
    { case: 'IAM authorization', props: {} },
    { case: 'JWT authorizer, data destroyed with the stack', props: { resourcePrefix: 'dev', jwtIssuer: 'https://issuer.example.com', jwtAudience: ['conveyor'], destroyDataOnDelete: true } },
  ])('leaves no cdk-nag finding with declared topics, subscriptions, a schedule, a Lambda consumer with idempotency and grants ($case)', ({ props }) => {
    // Prepare
    const shop = synthesizeShop(props);
    shop.billing.addLambdaConsumer(userFunction(shop.stack, 'AuditFn'), { idempotency: true });
    addNag(shop.app);

    // Act
    const report = JSON.parse(readFileSync(join(shop.app.synth().directory, 'validation-report.json'), 'utf8')) as ValidationReport;

    // Assess
    expect(report.pluginReports.flatMap((plugin) => plugin.violations.map((violation) => `${plugin.pluginName}: ${violation.ruleName}`))).toEqual([]);
    expect(Annotations.fromStack(shop.stack).findWarning('*', Match.anyValue())).toEqual([]);
    expect(Annotations.fromStack(shop.stack).findError('*', Match.anyValue())).toEqual([]);
  });

  it('passes cfn-lint with declared topics, subscriptions, a schedule, a Lambda consumer and grants', () => {
    // Prepare
    const file = join(lintDir, 'shop.template.json');
    writeFileSync(file, JSON.stringify(synthesizeShop().template().toJSON(), null, 1));

    // Act
    const lint = spawnSync('cfn-lint', ['--format', 'parseable', file], { encoding: 'utf8' });

    // Assess
    if (lint.error !== undefined) throw new Error(`cfn-lint could not run (${lint.error.message})`);
    expect(`${lint.stdout}${lint.stderr}`).toBe('');
    expect(lint.status).toBe(0);
  });

  it.each(VARIANTS)('passes cfn-lint ($case)', ({ props }) => {
    const file = join(lintDir, `${props.resourcePrefix ?? 'conveyor'}.template.json`);
    writeFileSync(file, JSON.stringify(synthesizeConveyorTemplate(props), null, 1));

    const lint = spawnSync('cfn-lint', ['--format', 'parseable', file], { encoding: 'utf8' });

    if (lint.error !== undefined) {
      throw new Error(`cfn-lint could not run (${lint.error.message}); install it with \`pip install cfn-lint\` and make sure it is on PATH`);
    }
    expect(`${lint.stdout}${lint.stderr}`).toBe('');
    expect(lint.status).toBe(0);
  });
});
