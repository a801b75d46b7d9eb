import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { ConveyorStack } from './ConveyorStack.js';
import type { ConveyorStackProps } from './settings.js';

export const STACK_ID = 'ConveyorStack';

export interface ConveyorTemplate extends Record<string, unknown> {
  readonly Resources: Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown>; readonly DependsOn?: string | string[] }>;
  readonly Outputs: Record<string, { readonly Value: unknown }>;
}

/**
 * The CloudFormation template of ConveyorStack, built in this process without
 * bundling the functions (their code assets are placeholders) and without
 * leaving a cloud assembly behind. For deploying the data resources into an
 * emulator, and for tests.
 *
 * @example
 * const template = synthesizeConveyorTemplate({ resourcePrefix: 'dev', destroyDataOnDelete: true });
 * const tables = Object.values(template.Resources).filter((r) => r.Type === 'AWS::DynamoDB::Table');
 */
export function synthesizeConveyorTemplate(props: ConveyorStackProps = {}): ConveyorTemplate {
  const outdir = mkdtempSync(join(tmpdir(), 'conveyor-synth-'));
  try {
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new ConveyorStack(app, STACK_ID, props);
    return app.synth().getStackArtifact(stack.artifactId).template as ConveyorTemplate;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
