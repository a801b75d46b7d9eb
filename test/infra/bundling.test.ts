import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ConveyorStack } from '../../infra/ConveyorStack.js';

/**
 * The one suite that bundles, with the local esbuild as `cdk synth` does: a
 * bundle is only right if Lambda can load it with nothing installed beside it.
 */
describe('Construct: ConveyorFunction bundles', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'conveyor-bundles-'));
  const loadDir = mkdtempSync(join(tmpdir(), 'conveyor-lambda-'));
  let template: Template;

  beforeAll(() => {
    template = Template.fromStack(new ConveyorStack(new App({ outdir }), 'ConveyorStack'));
  });

  afterAll(() => {
    for (const dir of [outdir, loadDir]) rmSync(dir, { recursive: true, force: true });
  });

  const assetDirOf = (functionName: string): string => {
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: functionName } }));
    const key = (fn as { Properties: { Code: { S3Key: string } } }).Properties.Code.S3Key;
    return join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
  };

  it.each(['conveyor-api', 'conveyor-relay', 'conveyor-delay-consumer', 'conveyor-schedule-target'])(
    'bundles %s into one ESM file that loads without node_modules and exports handler',
    (functionName) => {
      // Out of the repository, so that no node_modules folder above it can supply a missing package.
      const isolated = join(loadDir, `${functionName}.mjs`);
      copyFileSync(join(assetDirOf(functionName), 'index.mjs'), isolated);

      const load = spawnSync(
        process.execPath,
        ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(isolated).href)}); if (typeof m.handler !== 'function') process.exit(3);`],
        { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'silent' } },
      );

      expect(load.stderr.match(/^\w*Error.*$/m)?.[0] ?? null).toBeNull();
      expect(load.status).toBe(0);
    },
  );
});
