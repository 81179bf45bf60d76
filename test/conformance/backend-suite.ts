// The backend conformance suite: every Backend implementation runs it unchanged with a factory that
// returns a fresh, empty, initialised backend. It uses only the Backend interface; a behaviour that
// differs between backends means a case is missing here.
import { describe } from 'node:test';
import type { Backend } from '../../src/backends/backend.js';
import { activityCases } from './backend-cases/activity-cases.js';
import { completionCases } from './backend-cases/completion-cases.js';
import { deliveryCases } from './backend-cases/delivery-cases.js';
import { instanceCases } from './backend-cases/instance-cases.js';
import { lockingCases } from './backend-cases/locking-cases.js';
import { queryCases } from './backend-cases/query-cases.js';
import { servingCases } from './backend-cases/serving-cases.js';

export function backendConformanceSuite(label: string, makeBackend: () => Promise<Backend>): void {
  describe(label, () => {
    describe('instances', () => instanceCases(makeBackend));
    describe('locking', () => lockingCases(makeBackend));
    describe('completion', () => completionCases(makeBackend));
    describe('activities and timers', () => activityCases(makeBackend));
    describe('messages', () => deliveryCases(makeBackend));
    describe('queries, purge and signals', () => queryCases(makeBackend));
    describe('workers and what they serve', () => servingCases(makeBackend));
  });
}
