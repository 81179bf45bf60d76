import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestWorkflowEnvironment, replayHistory } from 'durabletask-ts/testing';
import { sendReminder, trial } from './app-workflows.js';

const DAY = 24 * 60 * 60 * 1000;

describe('the trial workflow', () => {
  it('sends a reminder when nobody subscribes for 30 days', async () => {
    await using env = await TestWorkflowEnvironment.create({ workflows: [trial], activities: [sendReminder] });
    const mail = env.mockActivity(sendReminder, (_ctx, email: string) => `reminded ${email}`);
    const started = env.now().getTime();
    const state = await env.run(trial, 'ada@example.com'); // 30 virtual days, a few real milliseconds
    assert.equal(state.output, 'reminded ada@example.com');
    assert.deepEqual(mail.calls, ['ada@example.com']);
    assert.equal(env.now().getTime() - started, 30 * DAY);
  });

  it('stops waiting when the user subscribes on day 3', async () => {
    await using env = await TestWorkflowEnvironment.create({ workflows: [trial], activities: [sendReminder] });
    const id = await env.start(trial, 'bo@example.com');
    await env.sleep(3 * DAY);
    await env.client.raiseEvent(id, 'subscribed');
    await env.waitForCompletion(id);
    await env.assertOutput(id, 'subscribed');
    assert.deepEqual(await env.historyTypes(id), [
      'workflowStarted', 'executionStarted', 'timerCreated', 'workflowStarted', 'eventRaised', 'executionCompleted',
    ]);
    // The recorded history replays against the code: the check a deploy runs on live instances.
    await replayHistory(trial, await env.client.getWorkflowHistory(id));
  });
});
