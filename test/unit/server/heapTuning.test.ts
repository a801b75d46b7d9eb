import { readFileSync } from 'node:fs';
import { SERVER_HEAP_FLAGS, tuneServerHeap } from '../../../src/server/heapTuning.js';

const startScript = (): string => (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } }).scripts.start;

describe('Function: tuneServerHeap', () => {
  it('sets every runtime heap setting on a process started without any', () => {
    // Prepare
    const set: string[] = [];

    // Act
    const applied = tuneServerHeap(['--max-semi-space-size=8', '--stop-with-parent'], (flag) => set.push(flag));

    // Assess
    expect(set).toEqual(['--heap-growing-percent=100', '--no-allocation-site-pretenuring']);
    expect(applied).toEqual(set);
  });

  it.each([
    { case: 'its own growth on the command line', given: ['--heap-growing-percent=300'], kept: '--heap-growing-percent=100' },
    { case: 'pretenuring switched on, in V8 underscore spelling', given: ['--allocation_site_pretenuring'], kept: '--no-allocation-site-pretenuring' },
    { case: 'pretenuring switched off already', given: ['--no-allocation-site-pretenuring'], kept: '--no-allocation-site-pretenuring' },
  ])('leaves a setting the process was started with alone: $case', ({ given, kept }) => {
    // Prepare
    const set: string[] = [];

    // Act
    tuneServerHeap(given, (flag) => set.push(flag));

    // Assess
    expect(set).not.toContain(kept);
    expect(set).toHaveLength(SERVER_HEAP_FLAGS.runtime.length - 1);
  });
});

describe('npm start', () => {
  it('starts the server with the settings V8 takes only at startup', () => {
    const nodeFlags = startScript().split('dist/src/server/main.js')[0];
    for (const flag of SERVER_HEAP_FLAGS.startup) expect(nodeFlags).toContain(` ${flag} `);
  });
});
