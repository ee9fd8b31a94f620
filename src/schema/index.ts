export * from './enums.js';
export * from './kinds.js';
export * from './event.js';
export * from './serialize.js';
export * from './event-time.js';
export * from './index-files.js';
export * from './tool-kind.js';
export type * from './adapters.js';
