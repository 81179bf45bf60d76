// The actions of the API: raise event, suspend, resume, terminate, purge, rewind, restart. Each checks the instance with the
// CLI's rules (cli/instance-checks: it must exist, and be live where the engine would drop the event), then
// calls the Client, so a refusal carries the same message the CLI prints. Read-only mode refuses them all.
import type { Context, Hono } from 'hono';
import { InvalidArgumentError } from '../errors.js';
import type { Client } from '../runtime/client.js';
import { requireInstance, requireLive } from '../cli/instance-checks.js';
import { ReadOnlyError } from './http-errors.js';

type Body = Record<string, unknown>;

async function bodyOf(c: Context): Promise<Body> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError('body', `is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidArgumentError('body', 'must be a JSON object');
  return parsed as Body;
}

function optionalString(body: Body, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidArgumentError(field, `must be a string, got ${typeof value}`);
  return value;
}

function optionalBoolean(body: Body, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new InvalidArgumentError(field, `must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

export function addActionRoutes(app: Hono, client: Client, readOnly: boolean): void {
  const action = (verb: string, run: (id: string, body: Body) => Promise<object>) =>
    app.post(`/api/instances/:id/${verb}`, async (c) => {
      if (readOnly) throw new ReadOnlyError();
      const body = await bodyOf(c);
      return c.json(await run(c.req.param('id'), body));
    });

  action('raise', async (id, body) => {
    const name = optionalString(body, 'name');
    if (!name) throw new InvalidArgumentError('name', 'an event name is required');
    await requireLive(client, id, 'raise an event on');
    await client.raiseEvent(id, name, body['data']);
    return { ok: true, message: `raised event '${name}' on ${id}` };
  });

  action('suspend', async (id, body) => {
    const reason = optionalString(body, 'reason');
    await requireLive(client, id, 'suspend');
    await client.suspendWorkflow(id, reason);
    return { ok: true, message: `suspend requested for ${id}` };
  });

  action('resume', async (id, body) => {
    const reason = optionalString(body, 'reason');
    await requireLive(client, id, 'resume');
    await client.resumeWorkflow(id, reason);
    return { ok: true, message: `resume requested for ${id}` };
  });

  action('terminate', async (id, body) => {
    const recursive = optionalBoolean(body, 'recursive') ?? true;
    await requireLive(client, id, 'terminate');
    await client.terminateWorkflow(id, { output: body['output'], recursive });
    return { ok: true, message: `terminate requested for ${id}${recursive ? '' : ' (children left running)'}` };
  });

  // Rewind and restart refuse what the engine refuses (a live instance, a live ID without a new one): 409.
  action('rewind', async (id, body) => {
    const reason = optionalString(body, 'reason');
    await requireInstance(client, id);
    await client.rewindWorkflow(id, { reason });
    return { ok: true, message: `rewind requested for ${id}: its failed activities and children run again` };
  });

  action('restart', async (id, body) => {
    const newInstanceId = optionalString(body, 'newInstanceId') || undefined;
    await requireInstance(client, id);
    const started = await client.restartWorkflow(id, { newInstanceId });
    return { ok: true, instanceId: started, message: `restarted ${id} as ${started} from its original input` };
  });

  action('purge', async (id, body) => {
    const recursive = optionalBoolean(body, 'recursive') ?? true;
    await requireInstance(client, id);
    const purged = await client.purgeWorkflow(id, { recursive });
    return { ok: true, purged, message: `purged ${purged} instance${purged === 1 ? '' : 's'}` };
  });
}
