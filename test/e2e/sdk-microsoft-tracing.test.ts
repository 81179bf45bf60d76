// The Microsoft SDK with a real OpenTelemetry tracer registered: every turn then answers with a real span in
// OrchestratorResponse field 6 (OrchestrationTraceContext), which the Dapr dialect reads as a WorkflowVersion.
// The sidecar must decode it by the Microsoft schema and complete every workflow. (With @opentelemetry/api
// installed but no tracer, the SDK sends a zero span; sdk-microsoft.test.ts covers that case.)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { context, trace } from '@opentelemetry/api';
import { AsyncHooksContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  OrchestrationStatus,
  TaskHubGrpcClient,
  TaskHubGrpcWorker,
  type ActivityContext,
  type OrchestrationContext,
} from '@microsoft/durabletask-js';
import { startTestSidecar, silentSdkLogger, type SidecarHarness } from '../grpc/sidecar-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the SDK's orchestrators are untyped generators */
type Orchestrator = (ctx: OrchestrationContext, input: any) => AsyncGenerator<any, any, any>;

const greet = (_ctx: ActivityContext, name: string) => `Hello ${name}!`;
const traced: Orchestrator = async function* (ctx, name: string) {
  const first = yield ctx.callActivity(greet, name);
  yield ctx.createTimer(new Date(ctx.currentUtcDateTime.getTime() + 50));
  const second = yield ctx.callSubOrchestrator(tracedChild, name);
  return [first, second];
};
const tracedChild: Orchestrator = async function* (ctx, name: string) {
  return yield ctx.callActivity(greet, `${name} junior`);
};
const empty: Orchestrator = async function* () {
  return 'done';
};

describe('@microsoft/durabletask-js with a registered OpenTelemetry tracer', { timeout: 60_000 }, () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncHooksContextManager();
  let h: SidecarHarness;
  let client: TaskHubGrpcClient;
  let worker: TaskHubGrpcWorker;

  before(async () => {
    context.setGlobalContextManager(contextManager.enable());
    trace.setGlobalTracerProvider(provider);
    h = await startTestSidecar();
    client = new TaskHubGrpcClient({ hostAddress: h.sidecar.address, logger: silentSdkLogger });
    worker = new TaskHubGrpcWorker({ hostAddress: h.sidecar.address, logger: silentSdkLogger, shutdownTimeoutMs: 1000 });
    for (const o of [traced, tracedChild, empty]) worker.addOrchestrator(o);
    worker.addActivity(greet);
    await worker.start();
  });

  after(async () => {
    await worker.stop();
    await client.stop();
    await h.sidecar.close();
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  it('completes an empty orchestration', async () => {
    const id = await client.scheduleNewOrchestration(empty);
    const state = await client.waitForOrchestrationCompletion(id, true, 20);
    assert.equal(state?.runtimeStatus, OrchestrationStatus.COMPLETED);
    assert.equal(JSON.parse(state!.serializedOutput!), 'done');
  });

  it('completes activities, a timer and a sub-orchestration, and the SDK records real spans', async () => {
    const id = await client.scheduleNewOrchestration(traced, 'Ada');
    const state = await client.waitForOrchestrationCompletion(id, true, 20);
    assert.equal(state?.runtimeStatus, OrchestrationStatus.COMPLETED);
    assert.deepEqual(JSON.parse(state!.serializedOutput!), ['Hello Ada!', 'Hello Ada junior!']);
    const spans = exporter.getFinishedSpans();
    assert.ok(spans.length > 0, 'the tracer recorded spans');
    assert.ok(spans.some((s) => s.spanContext().spanId !== '0000000000000000'), 'with real (non-zero) span IDs');
    assert.equal(h.logger.entries.filter((e) => e.level === 'error').length, 0, 'the sidecar logged no error');
  });
});
