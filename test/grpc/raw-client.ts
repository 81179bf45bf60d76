// A bare grpc-js client of TaskHubSidecarService built from our own service definition: tests speak the
// protocol message by message, as an SDK would, without any SDK in between.
import { credentials, makeGenericClientConstructor, Metadata, type Client, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { taskHubSidecarServiceDefinition, type TaskHubSidecarServiceDefinition } from '../../src/grpc/service-definition.js';
import type { WorkItem } from '../../src/protocol/wire/gen/orchestrator_service_pb.js';

type Def = TaskHubSidecarServiceDefinition;
type Req<K extends keyof Def> = Def[K] extends { requestSerialize: (v: infer R) => Buffer } ? R : never;
type Res<K extends keyof Def> = Def[K] extends { responseDeserialize: (b: Buffer) => infer R } ? R : never;

export class RawClient {
  readonly client: Client & Record<string, Function>;

  constructor(address: string, options: Record<string, unknown> = {}) {
    const Ctor = makeGenericClientConstructor(taskHubSidecarServiceDefinition(), 'TaskHubSidecarService');
    this.client = new Ctor(address, credentials.createInsecure(), options) as unknown as Client & Record<string, Function>;
  }

  call<K extends keyof Def>(method: K, request: Req<K>, deadlineMs?: number, metadata = new Metadata()): Promise<Res<K>> {
    return new Promise((resolve, reject) => {
      const options = deadlineMs === undefined ? {} : { deadline: Date.now() + deadlineMs };
      this.client[method as string]!.call(this.client, request, metadata, options, (error: ServiceError | null, response: Res<K>) =>
        error ? reject(error) : resolve(response),
      );
    });
  }

  /** Opens GetWorkItems; items are queued for take(). */
  openWorkItems(request: Req<'getWorkItems'>, metadata = new Metadata()): WorkItemQueue {
    const stream = this.client['getWorkItems']!.call(this.client, request, metadata) as ClientReadableStream<WorkItem>;
    return new WorkItemQueue(stream);
  }

  /** Opens GetWorkItems with a request already encoded (any dialect); each item is handed over as its bytes. */
  openRawWorkItems(request: Uint8Array, metadata = new Metadata()): WorkItemQueue<Buffer> {
    const def = taskHubSidecarServiceDefinition().getWorkItems;
    const stream = this.client.makeServerStreamRequest(def.path, (b: Uint8Array) => Buffer.from(b), (b: Buffer) => b, request, metadata);
    return new WorkItemQueue<Buffer>(stream);
  }

  close(): void {
    this.client.close();
  }
}

export class WorkItemQueue<T = WorkItem> {
  readonly items: T[] = [];
  private waiters: Array<() => void> = [];
  ended: ServiceError | undefined;

  constructor(readonly stream: ClientReadableStream<T>) {
    stream.on('data', (item: T) => {
      this.items.push(item);
      this.wake();
    });
    stream.on('error', (error: ServiceError) => {
      this.ended = error;
      this.wake();
    });
  }

  /** The first queued item matching `match` (removed from the queue), waiting up to timeoutMs for one. */
  async take(match: (item: T) => boolean = () => true, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.items.findIndex(match);
      if (index >= 0) return this.items.splice(index, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching work item within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  cancel(): void {
    this.stream.cancel();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

export function workflowItemFor(instanceId: string) {
  return (item: WorkItem) => item.request.case === 'workflowRequest' && item.request.value.instanceId === instanceId;
}
