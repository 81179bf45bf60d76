import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { InvalidArgumentError, UnavailableError } from '../errors.js';
import { WorkItemSchema, type WorkItem } from '../protocol/wire/gen/orchestrator_service_pb.js';
import type { Dialect } from '../protocol/wire/dialect-wire.js';
import { WorkItemDispatcher } from './work-item-dispatcher.js';

const item = (token: string) => toBinary(WorkItemSchema, create(WorkItemSchema, { completionToken: token }));
const plain = { statefulHistory: false, historyStreaming: false };
/** Attaches a stream that hands each written item, decoded, to `onItem`. */
const attach = (d: WorkItemDispatcher, onItem: (wi: WorkItem) => unknown = () => undefined, dialect: Dialect = 'dapr') =>
  d.attach((bytes) => void onItem(fromBinary(WorkItemSchema, bytes)), dialect, plain);

describe('WorkItemDispatcher', () => {
  it('registers a dispatch before writing it, so an answer given during write is accepted', async () => {
    const d = new WorkItemDispatcher();
    attach(d, (wi) => d.complete('workflow', 'i1', wi.completionToken, () => 'answer'));
    assert.equal(await d.dispatch('workflow', 'i1', 'w', item).answer, 'answer');
  });

  it('sends round robin over the connected streams', () => {
    const d = new WorkItemDispatcher();
    const seen: number[] = [];
    attach(d, () => seen.push(1));
    attach(d, () => seen.push(2));
    for (let i = 0; i < 4; i++) void d.dispatch('activity', `k${i}`, 'w', item).answer.catch(() => undefined);
    assert.deepEqual(seen, [1, 2, 1, 2]);
  });

  it('matches an empty token by key, refuses unknown tokens and tokens of another key', async () => {
    const d = new WorkItemDispatcher();
    const written: WorkItem[] = [];
    attach(d, (wi) => written.push(wi));
    const a = d.dispatch('workflow', 'a', 'w', item);
    const b = d.dispatch('workflow', 'b', 'w', item);
    assert.throws(() => d.complete('workflow', 'a', 'stale', () => 1), { code: 'NOT_FOUND' });
    assert.throws(() => d.complete('workflow', 'a', b.token, () => 1), { code: 'FAILED_PRECONDITION' });
    d.complete('workflow', 'a', '', () => 'a-answer');
    d.complete('workflow', 'b', b.token, () => 'b-answer');
    assert.deepEqual(await Promise.all([a.answer, b.answer]), ['a-answer', 'b-answer']);
    assert.throws(() => d.complete('workflow', 'b', b.token, () => 1), { code: 'NOT_FOUND' });
    assert.equal(d.pendingCount, 0);
  });

  it('rejects the dispatch when the answer is malformed', async () => {
    const d = new WorkItemDispatcher();
    attach(d);
    const a = d.dispatch('activity', 'i/0', 'w', item);
    assert.throws(() => d.complete('activity', 'i/0', a.token, () => { throw new InvalidArgumentError('result', 'bad'); }), InvalidArgumentError);
    await assert.rejects(a.answer, InvalidArgumentError);
  });

  it('cancels what a stream holds when it detaches, and refuses work with no stream', async () => {
    const d = new WorkItemDispatcher();
    const detach = attach(d);
    const a = d.dispatch('workflow', 'a', 'w', item);
    detach();
    await assert.rejects(a.answer, UnavailableError);
    await assert.rejects(d.dispatch('workflow', 'b', 'w', item).answer, UnavailableError);
  });

  it('cancels a dispatch that is not answered in time, so its item is re-dispatched', async () => {
    const d = new WorkItemDispatcher({ timeoutMs: 20 });
    attach(d);
    const a = d.dispatch('workflow', 'slow', 'w', item);
    const keepAlive = setTimeout(() => undefined, 2000); // the dispatcher's timeout timer is unref'd
    await assert.rejects(a.answer, { name: 'TimeoutError', message: /did not answer workflow work item 'slow' within 20 ms/ });
    assert.equal(d.pendingCount, 0);
    assert.throws(() => d.complete('workflow', 'slow', a.token, () => 1), { code: 'NOT_FOUND' });
    clearTimeout(keepAlive);
  });

  it('rejects a dispatch whose item cannot be built, without registering it', async () => {
    const d = new WorkItemDispatcher();
    attach(d);
    const a = d.dispatch('workflow', 'big', 'w', () => { throw new Error('too large'); });
    await assert.rejects(a.answer, /too large/);
    assert.equal(d.pendingCount, 0);
  });

  it("knows the dialect of the stream that holds each dispatch", () => {
    const d = new WorkItemDispatcher();
    attach(d, undefined, 'microsoft');
    attach(d, undefined, 'dapr');
    const a = d.dispatch('workflow', 'a', 'w', item);
    const b = d.dispatch('workflow', 'b', 'w', item);
    void a.answer.catch(() => undefined);
    void b.answer.catch(() => undefined);
    assert.equal(d.dialectOf(a.token), 'microsoft');
    assert.equal(d.dialectOf(b.token), 'dapr');
    assert.equal(d.dialectOf('unknown'), undefined);
  });

  it('cancels by token (abandon) and refuses everything after close', async () => {
    const d = new WorkItemDispatcher();
    attach(d);
    const a = d.dispatch('workflow', 'a', 'w', item);
    assert.equal(d.cancel(a.token, new Error('abandoned'), 'activity'), false);
    assert.equal(d.cancel(a.token, new Error('abandoned'), 'workflow'), true);
    await assert.rejects(a.answer, /abandoned/);
    const b = d.dispatch('workflow', 'b', 'w', item);
    d.close(new UnavailableError('closing'));
    await assert.rejects(b.answer, /closing/);
    await assert.rejects(d.dispatch('workflow', 'c', 'w', item).answer, /closing/);
  });
});
