import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backendConformanceSuite } from '../../../test/conformance/backend-suite.js';
import { MemoryBackend } from './memory-backend.js';

backendConformanceSuite('MemoryBackend', async () => {
  const backend = new MemoryBackend();
  await backend.init();
  return backend;
});
