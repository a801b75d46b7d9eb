import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const GENERATED = join(ROOT, 'src', 'client', 'generated', 'openapi.ts');

/** `node scripts/generateClientTypes.mjs --check [...more]` from the repository's root. */
function check(...more: string[]): { status: number | null; output: string } {
  const result = spawnSync('node', ['scripts/generateClientTypes.mjs', '--check', ...more], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('Generated client types (src/client/generated/openapi.ts)', () => {
  it('are what npm run generate:client makes of docs/openapi.yaml now', () => {
    // Act
    const { status, output } = check();

    // Assess
    expect({ status, output }).toEqual({ status: 0, output: 'src/client/generated/openapi.ts is current\n' });
  });

  it('are reported stale when they differ from the document', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'conveyor-types-'));
    const stale = join(dir, 'openapi.ts');
    writeFileSync(stale, readFileSync(GENERATED, 'utf8').replace('"/v1/topics/{topic}/messages"', '"/v1/topics/{topic}/mesages"'));

    // Act
    const { status, output } = check('--target', stale);
    rmSync(dir, { recursive: true, force: true });

    // Assess
    expect(status).toBe(1);
    expect(output).toMatch(/openapi\.ts is stale against docs\/openapi\.yaml: run npm run generate:client/);
  });
});
