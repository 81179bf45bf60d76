import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { create, fromBinary } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import { SERVICE_PATH_PREFIX, taskHubSidecarServiceDefinition, type TaskHubSidecarHandlers } from './service-definition.js';
import { actionsFromWire } from '../protocol/wire/action-wire.js';
import {
  CompleteTaskResponseSchema,
  GetInstanceRequestSchema,
  WorkItemSchema,
  WorkflowResponseSchema,
  type WorkflowResponse,
} from '../protocol/wire/gen/orchestrator_service_pb.js';

const require = createRequire(import.meta.url);
/* eslint-disable @typescript-eslint/no-explicit-any -- the SDK's generated grpc client is untyped CommonJS */

describe('TaskHubSidecarService definition', () => {
  const definition = taskHubSidecarServiceDefinition();

  it('hands the dialect-dependent requests over as bytes and decodes the others', () => {
    const current = definition.completeWorkflowTask;
    const old = definition.completeOrchestratorTask;
    assert.equal(current.path, '/TaskHubSidecarService/CompleteWorkflowTask');
    assert.equal(old.path, '/TaskHubSidecarService/CompleteOrchestratorTask');
    const bytes = current.requestSerialize(create(WorkflowResponseSchema, { instanceId: 'i1', completionToken: 't' }));
    const request = old.requestDeserialize(bytes);
    assert.ok(request instanceof Uint8Array);
    assert.equal(fromBinary(WorkflowResponseSchema, request).instanceId, 'i1');
    for (const name of ['getWorkItems', 'startInstance', 'completeWorkflowTask'] as const) {
      assert.ok(definition[name].requestDeserialize(Buffer.alloc(0)) instanceof Uint8Array, name);
    }
    const get = definition.getInstance.requestDeserialize(definition.getInstance.requestSerialize(create(GetInstanceRequestSchema, { instanceId: 'x' })));
    assert.equal(get.instanceId, 'x');
  });

  it('puts every method under /TaskHubSidecarService/<Method>', () => {
    assert.equal(SERVICE_PATH_PREFIX, '/TaskHubSidecarService/');
    for (const [key, method] of Object.entries(definition)) {
      assert.equal(method.path, `/TaskHubSidecarService/${String(method.originalName)}`);
      assert.equal(key, String(method.originalName).charAt(0).toLowerCase() + String(method.originalName).slice(1));
    }
    const names = Object.values(definition).map((m) => String(m.originalName));
    for (const required of [
      'Hello', 'StartInstance', 'GetInstance', 'WaitForInstanceStart', 'WaitForInstanceCompletion', 'RaiseEvent',
      'TerminateInstance', 'SuspendInstance', 'ResumeInstance', 'PurgeInstances', 'GetWorkItems', 'CompleteActivityTask',
      'CompleteOrchestratorTask', 'CompleteWorkflowTask', 'RerunWorkflowFromEvent', 'ListInstanceIDs', 'GetInstanceHistory',
      'RewindInstance', 'QueryInstances', 'StreamInstanceHistory', 'CreateTaskHub', 'DeleteTaskHub',
      'AbandonTaskActivityWorkItem', 'AbandonTaskOrchestratorWorkItem', 'AbandonTaskEntityWorkItem', 'CompleteEntityTask',
      'SignalEntity', 'GetEntity', 'QueryEntities', 'CleanEntityStorage',
    ]) {
      assert.ok(names.includes(required), `missing ${required}`);
    }
    assert.equal(definition.getWorkItems.responseStream, true);
    assert.equal(definition.streamInstanceHistory.responseStream, true);
    assert.equal(definition.hello.responseStream, false);
  });

  it('carries a call from the Microsoft SDK\'s generated client to a grpc-js server using it', async () => {
    const received: WorkflowResponse[] = [];
    const decode = (body: Uint8Array | WorkflowResponse) => (body instanceof Uint8Array ? fromBinary(WorkflowResponseSchema, body) : body);
    const handlers: Partial<TaskHubSidecarHandlers> = {
      completeOrchestratorTask: (call, callback) => {
        received.push(decode(call.request));
        callback(null, create(CompleteTaskResponseSchema));
      },
      getWorkItems: (call) => {
        call.write(create(WorkItemSchema, {
          completionToken: 'tok-1',
          request: { case: 'activityRequest', value: { name: 'act', taskId: 4, input: '"x"', workflowInstance: { instanceId: 'i1' } } },
        }));
        call.end();
      },
    };
    const server = new grpc.Server();
    server.addService(definition, handlers as grpc.UntypedServiceImplementation);
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
    });
    try {
      const pb = require('@microsoft/durabletask-js/dist/proto/orchestrator_service_pb.js') as Record<string, any>;
      const { TaskHubSidecarServiceClient } = require('@microsoft/durabletask-js/dist/proto/orchestrator_service_grpc_pb.js') as Record<string, any>;
      const client = new TaskHubSidecarServiceClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());

      const complete = new pb.CompleteOrchestrationAction();
      complete.setOrchestrationstatus(pb.OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
      const action = new pb.OrchestratorAction();
      action.setId(2);
      action.setCompleteorchestration(complete);
      const response = new pb.OrchestratorResponse();
      response.setInstanceid('i1');
      response.setActionsList([action]);
      await new Promise<void>((resolve, reject) => {
        client.completeOrchestratorTask(response, (err: Error | null) => (err ? reject(err) : resolve()));
      });
      assert.equal(received.length, 1);
      assert.equal(received[0]!.instanceId, 'i1');
      assert.deepStrictEqual(actionsFromWire(received[0]!.actions), [{ id: 2, type: 'completeWorkflow', workflowStatus: 'COMPLETED' }]);

      const items: any[] = [];
      await new Promise<void>((resolve, reject) => {
        const stream = client.getWorkItems(new pb.GetWorkItemsRequest());
        stream.on('data', (item: any) => items.push(item));
        stream.on('end', resolve);
        stream.on('error', reject);
      });
      assert.equal(items.length, 1);
      assert.equal(items[0].getCompletiontoken(), 'tok-1');
      assert.equal(items[0].getActivityrequest().getName(), 'act');
      assert.equal(items[0].getActivityrequest().getTaskid(), 4);
      assert.equal(items[0].getActivityrequest().getOrchestrationinstance().getInstanceid(), 'i1');
      client.close();
    } finally {
      server.forceShutdown();
    }
  });
});
