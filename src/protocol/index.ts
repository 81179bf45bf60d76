export * from './common.js';
export * from './history.js';
export * from './actions.js';
export * from './status.js';
export * from './metadata.js';
export * from './codec.js';
