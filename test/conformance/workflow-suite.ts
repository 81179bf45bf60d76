// The workflow conformance suite: client + worker scenarios that every backend runs unchanged, for the
// rules a backend takes part in (what a cascade reaches, what a purge removes, list paging). The factory
// returns a fresh, empty, initialised backend; each case starts its own worker and client on it.
import { describe } from 'node:test';
import type { Backend } from '../../src/backends/backend.js';
import { cascadeCases } from './workflow-cases/cascade-cases.js';
import { purgeFilterCases } from './workflow-cases/purge-filter-cases.js';
import { continueAsNewCases } from './workflow-cases/continue-as-new-cases.js';
import { deliveryCases } from './workflow-cases/delivery-cases.js';
import { backoffCases } from './workflow-cases/backoff-cases.js';

export function workflowConformanceSuite(label: string, makeBackend: () => Promise<Backend>): void {
  describe(label, () => {
    describe('cascades', () => cascadeCases(makeBackend));
    describe('filter purge', () => purgeFilterCases(makeBackend));
    describe('continue-as-new', () => continueAsNewCases(makeBackend));
    describe('delivery', () => deliveryCases(makeBackend));
    describe('events during back-off', () => backoffCases(makeBackend));
  });
}
