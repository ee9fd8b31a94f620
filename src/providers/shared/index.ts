export type * from './types.js';
export * from './json-line.js';
export * from './unknown-types.js';
export * from './subagent.js';
export * from './files.js';
export * from './id-set.js';
export * from './record-times.js';
export * from './emit.js';
