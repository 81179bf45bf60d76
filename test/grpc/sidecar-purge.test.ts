// PurgeInstances by filter over gRPC: a filter of only live statuses purges nothing, an unknown status is
// INVALID_ARGUMENT, and a finished parent whose child still runs is skipped (isComplete false, logged).
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { create } from '@bufbuild/protobuf';
import { status, type ServiceError } from '@grpc/grpc-js';
import type { Backend } from '../../src/backends/backend.js';
import { MemoryBackend } from '../../src/backends/memory/memory-backend.js';
import { newEvent, type HistoryEvent } from '../../src/protocol/history.js';
import type { RuntimeStatus } from '../../src/protocol/status.js';
import { OrchestrationStatus } from '../../src/protocol/wire/gen/orchestration_pb.js';
import { PurgeInstanceFilterSchema, PurgeInstancesRequestSchema, type PurgeInstancesResponse } from '../../src/protocol/wire/gen/orchestrator_service_pb.js';
import { RawClient } from './raw-client.js';
import { startTestSidecar, type SidecarHarness } from './sidecar-harness.js';

/** Commits one turn that leaves the instance in `runtimeStatus` (the sidecar has no worker connected). */
async function instance(backend: Backend, id: string, runtimeStatus: RuntimeStatus, options: { parent?: string; childIds?: string[] } = {}) {
  const start = newEvent('executionStarted', new Date(), {
    name: 'W',
    workflowInstance: { instanceId: id, executionId: `e-${id}` },
    parentInstance: options.parent ? { taskScheduledId: 0, workflowInstance: { instanceId: options.parent, executionId: `e-${options.parent}` } } : undefined,
  });
  await backend.createWorkflowInstance(start);
  const item = (await backend.lockWorkflowWorkItem({ lockedBy: 'test', leaseMs: 30_000 }))!;
  const children: HistoryEvent[] = (options.childIds ?? []).map((childId, i) => newEvent('childWorkflowInstanceCreated', new Date(), { eventId: i, instanceId: childId, name: 'W' }));
  await backend.completeWorkflowWorkItem(item, {
    newHistory: [...item.newEvents, ...children],
    continuedAsNew: false,
    instance: { runtimeStatus },
    activityTasks: [],
    timers: [],
    messages: [],
  });
}

describe('sidecar PurgeInstances by filter', { timeout: 30_000 }, () => {
  let h: SidecarHarness;
  let rpc: RawClient;
  const purge = (runtimeStatus: OrchestrationStatus[]) =>
    rpc.call('purgeInstances', create(PurgeInstancesRequestSchema, { recursive: true, request: { case: 'purgeInstanceFilter', value: create(PurgeInstanceFilterSchema, { runtimeStatus }) } })) as Promise<PurgeInstancesResponse>;
  const ids = async () => (await h.backend.listWorkflows({})).instances.map((m) => m.instanceId).sort();

  before(async () => {
    h = await startTestSidecar({ backend: new MemoryBackend() });
    rpc = new RawClient(h.sidecar.address);
  });
  beforeEach(async () => {
    for (const id of await ids()) await h.backend.purgeWorkflow(id).catch(() => undefined);
  });
  after(async () => {
    rpc.close();
    await h.sidecar.close();
  });

  it('runtimeStatus=[RUNNING] purges nothing; an unknown status is INVALID_ARGUMENT', async () => {
    for (const id of ['done-1', 'done-2', 'done-3']) await instance(h.backend, id, 'COMPLETED');
    const response = await purge([OrchestrationStatus.RUNNING]);
    assert.equal(response.deletedInstanceCount, 0);
    assert.deepEqual(await ids(), ['done-1', 'done-2', 'done-3']);
    const error = await purge([99 as OrchestrationStatus]).then(
      () => assert.fail('an unknown status was accepted'),
      (e: unknown) => e as ServiceError,
    );
    assert.equal(error.code, status.INVALID_ARGUMENT);
    assert.match(error.details, /purgeInstanceFilter\.runtimeStatus\[0\]/);
    assert.deepEqual(await ids(), ['done-1', 'done-2', 'done-3']);
  });

  it('a finished parent with a running child is skipped: the rest is purged and isComplete is false', async () => {
    await instance(h.backend, 'parent', 'TERMINATED', { childIds: ['child'] });
    await instance(h.backend, 'child', 'RUNNING', { parent: 'parent' });
    await instance(h.backend, 'done', 'COMPLETED');
    const response = await purge([]);
    assert.equal(response.deletedInstanceCount, 1);
    assert.equal(response.isComplete, false);
    assert.deepEqual(await ids(), ['child', 'parent']);
    const warning = h.logger.entries.find((e) => e.level === 'warn' && /PurgeInstances left/.test(e.msg ?? ''));
    assert.match(JSON.stringify(warning?.obj), /"instanceId":"parent".*child workflow 'child' is RUNNING/);
  });
});
