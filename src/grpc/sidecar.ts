// The gRPC sidecar: serves TaskHubSidecarService (old and new RPC names) over a Backend so that existing
// Durable Task SDKs run their workflows on this engine. The engine side is two work loops that hand work
// items to connected SDK workers; the client side maps each RPC onto the backend and the runtime Client.
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import type { Backend } from '../backends/backend.js';
import { UnavailableError } from '../errors.js';
import { defaultLogger, type Logger } from '../runtime/logger.js';
import { Client } from '../runtime/client.js';
import { clientHandlers } from './client-rpcs.js';
import { EngineLoops } from './engine-loops.js';
import { queryHandlers } from './query-rpcs.js';
import { unimplementedUnary } from './rpc-handler.js';
import { taskHubSidecarServiceDefinition, type TaskHubSidecarHandlers } from './service-definition.js';
import { WorkItemDispatcher } from './work-item-dispatcher.js';
import { workerHandlers, type OpenStreams } from './worker-rpcs.js';

export interface SidecarOptions {
  backend: Backend;
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks any free port. @default 4001 */
  port?: number;
  logger?: Logger;
  /** Largest request accepted; larger ones fail with RESOURCE_EXHAUSTED. @default 16 MiB */
  maxMessageBytes?: number;
  /** Workflow turns dispatched to SDK workers at once. @default 128 */
  workflowConcurrency?: number;
  /** Activities dispatched to SDK workers at once. @default 512 */
  activityConcurrency?: number;
  /** Lease on a locked work item, renewed at half-time while a worker holds it. @default 60000 */
  leaseMs?: number;
  /**
   * Largest payload (input, output, event data, custom status, reason) accepted through any RPC; larger ones
   * fail with RESOURCE_EXHAUSTED naming the payload. @default 4 MiB
   */
  maxPayloadBytes?: number;
  /** A work item an SDK worker has not answered in this time is taken back and re-dispatched. @default 300000 */
  workItemTimeoutMs?: number;
}

export interface Sidecar {
  /** "host:port" as bound, e.g. "127.0.0.1:4001". */
  readonly address: string;
  readonly port: number;
  /** Stops taking work, gives back what workers still hold, ends their streams and stops the server. */
  close(): Promise<void>;
}

export const DEFAULT_SIDECAR_PORT = 4001;
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
const SHUTDOWN_GRACE_MS = 5_000;

export async function startSidecar(options: SidecarOptions): Promise<Sidecar> {
  const { backend } = options;
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? defaultLogger();
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const dispatcher = new WorkItemDispatcher({ timeoutMs: options.workItemTimeoutMs });
  const streams: OpenStreams = new Set();
  await backend.init(); // idempotent; a caller that already initialised it loses nothing
  let closing = false;
  const client = new Client({ backend, maxPayloadBytes: options.maxPayloadBytes });
  const handlers: TaskHubSidecarHandlers = {
    ...clientHandlers(client, logger),
    ...queryHandlers(client, logger),
    ...workerHandlers(dispatcher, streams, logger, () => closing, client.encoded.maxPayloadBytes),
    ...unimplementedHandlers(),
  };
  const server = new Server({ 'grpc.max_receive_message_length': maxBytes, 'grpc.max_send_message_length': -1 });
  server.addService(taskHubSidecarServiceDefinition(), handlers);
  const port = await bind(server, `${host.includes(':') ? `[${host}]` : host}:${options.port ?? DEFAULT_SIDECAR_PORT}`);
  const loops = new EngineLoops({ backend, dispatcher, logger, ...pick(options) });
  loops.start();
  logger.info({ host, port }, 'durabletask sidecar listening');
  let closed: Promise<void> | undefined;
  return {
    address: `${host}:${port}`,
    port,
    close: () =>
      (closed ??= (async () => {
        closing = true;
        // Dispatches still waiting are cancelled first, so their items are abandoned (redelivered) at once.
        const stopping = loops.stop(SHUTDOWN_GRACE_MS);
        dispatcher.close(new UnavailableError('the sidecar is shutting down'));
        await stopping;
        for (const end of [...streams]) end(status.CANCELLED, 'the sidecar is shutting down');
        await shutdown(server);
      })()),
  };
}

function pick(o: SidecarOptions) {
  return { workflowConcurrency: o.workflowConcurrency, activityConcurrency: o.activityConcurrency, leaseMs: o.leaseMs };
}

function bind(server: Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port)));
  });
}

function shutdown(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.forceShutdown(), SHUTDOWN_GRACE_MS);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}

type UnimplementedNames =
  | 'rerunWorkflowFromEvent' | 'rewindInstance' | 'createTaskHub' | 'deleteTaskHub' | 'completeEntityTask'
  | 'signalEntity' | 'getEntity' | 'queryEntities' | 'cleanEntityStorage';

function unimplementedHandlers(): Pick<TaskHubSidecarHandlers, UnimplementedNames> {
  const entities = 'entities (durable actors) are not supported';
  return {
    rerunWorkflowFromEvent: unimplementedUnary('RerunWorkflowFromEvent', 'rerunning from a history event is not supported yet'),
    rewindInstance: unimplementedUnary('RewindInstance', 'rewind was removed from the protocol; start a new instance instead'),
    createTaskHub: unimplementedUnary('CreateTaskHub', 'the backend creates its schema when the sidecar starts'),
    deleteTaskHub: unimplementedUnary('DeleteTaskHub', 'delete the backend store (file or schema) instead'),
    completeEntityTask: unimplementedUnary('CompleteEntityTask', entities),
    signalEntity: unimplementedUnary('SignalEntity', entities),
    getEntity: unimplementedUnary('GetEntity', entities),
    queryEntities: unimplementedUnary('QueryEntities', entities),
    cleanEntityStorage: unimplementedUnary('CleanEntityStorage', entities),
  };
}
