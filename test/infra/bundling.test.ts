import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Template } from 'aws-cdk-lib/assertions';
import { ConveyorStack } from '../../infra/ConveyorStack.js';
import { bundleDirOf, ConveyorFunction, packageRoot } from '../../infra/constructs/ConveyorFunction.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRIES = readdirSync(join(ROOT, 'functions')).filter((file) => file.endsWith('.ts'));

/**
 * The bundles globalSetup built (scripts/bundleFunctions.mjs, as `npm run build`
 * does), and the assets ConveyorStack makes of them: a bundle is only right if
 * Lambda can load it with nothing installed beside it.
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

  describe('Method: packageRoot', () => {
    it('finds the package.json named conveyor above the module, not the current directory', () => {
      // Act
      const fromSources = packageRoot(join(ROOT, 'infra', 'constructs', 'ConveyorFunction.ts'));
      const fromBuild = packageRoot(join(ROOT, 'dist', 'infra', 'constructs', 'ConveyorFunction.js'));

      // Assess
      expect([fromSources, fromBuild]).toEqual([ROOT.replace(/\/$/, ''), ROOT.replace(/\/$/, '')]);
    });

    it('throws naming the module when no such package.json is above it', () => {
      // Act
      const find = (): string => packageRoot(join(tmpdir(), 'elsewhere', 'module.js'));

      // Assess
      expect(find).toThrow(/no package.json named "conveyor" above .*elsewhere/);
    });
  });

  it.each(ENTRIES.map((entry) => ({ case: entry, entry })))(
    'bundles functions/$case into one ESM file without better-sqlite3 or aws-cdk-lib inside',
    ({ entry }) => {
      // Prepare
      const file = join(bundleDirOf(entry), 'index.mjs');
      const inputs = JSON.parse(readFileSync(`${bundleDirOf(entry)}.inputs.json`, 'utf8')) as string[];

      // Act
      const code = readFileSync(file, 'utf8');

      // Assess
      process.stdout.write(`${basename(entry, '.ts')}: ${(statSync(file).size / 1024).toFixed(0)} KiB\n`);
      expect(readdirSync(bundleDirOf(entry)).sort()).toEqual(['index.mjs', 'index.mjs.map']);
      expect(inputs.filter((input) => /node_modules\/(better-sqlite3|aws-cdk-lib|constructs)\//.test(input))).toEqual([]);
      expect(inputs).toContain('infra/bundling/betterSqlite3Unavailable.ts');
      expect(code).not.toMatch(/better_sqlite3\.node|from\s*["']better-sqlite3["']/);
    },
  );

  it.each(['conveyor-api', 'conveyor-relay', 'conveyor-delay-consumer', 'conveyor-schedule-target'])(
    'deploys %s from its bundle, an ESM file that loads without node_modules and exports handler',
    (functionName) => {
      // Prepare: out of the repository, so that no node_modules folder above it can supply a missing package.
      const isolated = join(loadDir, `${functionName}.mjs`);
      copyFileSync(join(assetDirOf(functionName), 'index.mjs'), isolated);

      // Act
      const load = spawnSync(
        process.execPath,
        ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(isolated).href)}); if (typeof m.handler !== 'function') process.exit(3);`],
        { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'silent' } },
      );

      // Assess
      expect(load.stderr.match(/^\w*Error.*$/m)?.[0] ?? null).toBeNull();
      expect(load.status).toBe(0);
    },
  );

  it('fails the synthesis with what to run when a bundle is missing', () => {
    // Prepare
    const stack = new Stack(new App({ outdir }), 'Missing');

    // Act
    const declare = (): ConveyorFunction =>
      new ConveyorFunction(stack, 'Fn', {
        entry: 'notBuilt.ts',
        functionName: 'conveyor-not-built',
        description: 'no bundle',
        memorySize: 128,
        timeout: Duration.seconds(3),
        environment: {},
        logRetention: RetentionDays.ONE_DAY,
        removalPolicy: RemovalPolicy.DESTROY,
      });

    // Assess
    expect(declare).toThrow(/the bundle of functions\/notBuilt\.ts is missing .*dist\/bundles\/notBuilt\/index\.mjs.*run npm run build/);
  });

  it('places the same bytes in the asset as in the bundle', () => {
    // Act
    const asset = readFileSync(join(assetDirOf('conveyor-api'), 'index.mjs'));

    // Assess
    expect(asset.equals(readFileSync(join(bundleDirOf('api.ts'), 'index.mjs')))).toBe(true);
  });
});
