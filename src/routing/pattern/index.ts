export { compilePattern } from './compile.js';
export { PatternLimits } from './limits.js';
export type { CompiledPattern } from './types.js';
