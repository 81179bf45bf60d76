import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newEvent } from '../protocol/history.js';
import { planEvent, planTurnDelivery, type TargetState } from './delivery.js';
import type { InstanceUpdate, OutboundMessage } from './turn-result.js';

const now = new Date('2026-01-01T00:00:00Z');
const later = new Date('2026-01-01T01:00:00Z');
const start = (id: string, fields: object = {}) =>
  newEvent('executionStarted', now, { name: 'W', workflowInstance: { instanceId: id, executionId: 'e' }, ...fields });
const raised = newEvent('eventRaised', now, { name: 'go' });
const terminate = newEvent('executionTerminated', now, { recurse: false });
const update = (runtimeStatus: InstanceUpdate['runtimeStatus']): InstanceUpdate => ({ runtimeStatus });

function plan(messages: OutboundMessage[], targets: Record<string, TargetState>, instance?: InstanceUpdate) {
  return planTurnDelivery({ senderId: 'me', result: { messages, instance }, targets: new Map(Object.entries(targets)), now });
}

describe('planTurnDelivery', () => {
  it('creates a free ID, replaces a terminal one, refuses a live one with a warning naming its status', () => {
    const p = plan(
      [
        { targetInstanceId: 'free', event: start('free') },
        { targetInstanceId: 'done', event: start('done') },
        { targetInstanceId: 'busy', event: start('busy') },
      ],
      { me: { runtimeStatus: 'RUNNING' }, done: { runtimeStatus: 'FAILED' }, busy: { runtimeStatus: 'SUSPENDED' } },
    );
    assert.deepEqual(p.steps.map((s) => [s.kind, s.kind === 'enqueue' ? s.targetInstanceId : s.start.workflowInstance.instanceId]), [
      ['create', 'free'],
      ['replace', 'done'],
    ]);
    assert.equal(p.warnings.length, 1);
    assert.match(p.warnings[0]!, /'busy'.*is SUSPENDED/);
  });

  it('refuses a start of the sender itself, naming the status the turn leaves it in, even when that is terminal', () => {
    const p = plan([{ targetInstanceId: 'me', event: start('me') }], { me: { runtimeStatus: 'PENDING' } }, update('COMPLETED'));
    assert.deepEqual(p.steps, []);
    assert.equal(p.warnings.length, 1);
    assert.match(p.warnings[0]!, /calling instance's own, which is COMPLETED/);
    assert.doesNotMatch(p.warnings[0]!, /PENDING/);
  });

  it('tells a refused child start to the parent, and sees its own earlier starts in the same turn', () => {
    const child = start('c', { parentInstance: { taskScheduledId: 4, workflowInstance: { instanceId: 'me' } } });
    const p = plan(
      [
        { targetInstanceId: 'c', event: child },
        { targetInstanceId: 'c', event: child },
      ],
      { me: { runtimeStatus: 'RUNNING' } },
    );
    assert.equal(p.steps.length, 2);
    assert.equal(p.steps[0]!.kind, 'create');
    const notify = p.steps[1]!;
    assert.ok(notify.kind === 'enqueue' && notify.targetInstanceId === 'me' && notify.event.type === 'childWorkflowInstanceFailed');
    assert.match(notify.event.failureDetails!.errorMessage, /'c' already exists and is PENDING/);
  });

  it('holds an event to an instance waiting for its scheduled start until then, whatever time it asked for', () => {
    const waiting = { runtimeStatus: 'PENDING', scheduledStartAt: later } as const;
    const soon = new Date(now.getTime() + 1000);
    const p = plan([{ targetInstanceId: 'w', event: raised, visibleAt: soon }], { w: waiting });
    assert.deepEqual(p.steps, [{ kind: 'enqueue', targetInstanceId: 'w', event: raised, visibleAt: later, revealsStart: false }]);
  });

  it('an event after a scheduled start message in the same turn waits for that start', () => {
    const p = plan(
      [
        { targetInstanceId: 'w', event: start('w', { scheduledStartTimestamp: later }), visibleAt: later },
        { targetInstanceId: 'w', event: raised },
      ],
      {},
    );
    assert.deepEqual(p.steps.map((s) => s.visibleAt), [later, later]);
  });

  it('a termination reveals a scheduled start at once; a message to a missing instance is dropped', () => {
    const p = plan(
      [
        { targetInstanceId: 'w', event: terminate },
        { targetInstanceId: 'ghost', event: raised },
      ],
      { w: { runtimeStatus: 'PENDING', scheduledStartAt: later } },
    );
    assert.deepEqual(p.steps, [{ kind: 'enqueue', targetInstanceId: 'w', event: terminate, visibleAt: now, revealsStart: true }]);
  });
});

describe('planEvent', () => {
  it('is undefined for a missing instance and otherwise visible now for a running one', () => {
    assert.equal(planEvent('x', raised, undefined, now), undefined);
    assert.deepEqual(planEvent('x', raised, { runtimeStatus: 'RUNNING', scheduledStartAt: later }, now)?.visibleAt, now);
  });
});
