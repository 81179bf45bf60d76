// The read side of the API: instance list and counts, one instance, its history, timeline and family.
import type { Hono } from 'hono';
import { WorkflowNotFoundError } from '../errors.js';
import type { Client } from '../runtime/client.js';
import type { CountsJson, InstancePageJson } from './api-types.js';
import { buildFamily } from './family.js';
import { historyJson, instanceJson } from './instance-json.js';
import { COUNT_PARAMETERS, parseCountQuery, parseListQuery } from './query-params.js';
import { buildTimeline } from './timeline.js';

export function addReadRoutes(app: Hono, client: Client): void {
  app.get('/api/instances', async (c) => {
    const query = parseListQuery(new URL(c.req.url).searchParams);
    const page = await client.listWorkflows(query);
    const body: InstancePageJson = { instances: page.instances.map(instanceJson), continuationToken: page.continuationToken };
    return c.json(body);
  });

  app.get('/api/counts', async (c) => {
    const counts = await client.countWorkflows(parseCountQuery(new URL(c.req.url).searchParams, COUNT_PARAMETERS));
    const body: CountsJson = { counts, total: Object.values(counts).reduce((a, b) => a + b, 0) };
    return c.json(body);
  });

  app.get('/api/instances/:id', async (c) => {
    const id = c.req.param('id');
    const state = await client.getWorkflowState(id, { includePayloads: true });
    if (!state) throw new WorkflowNotFoundError(id);
    return c.json(instanceJson(state));
  });

  app.get('/api/instances/:id/history', async (c) => c.json(historyJson(await client.getWorkflowHistory(c.req.param('id')))));

  app.get('/api/instances/:id/timeline', async (c) => {
    // getWorkflowHistory throws WorkflowNotFoundError (404) for an unknown instance
    const history = await client.getWorkflowHistory(c.req.param('id'));
    return c.json(buildTimeline(history, new Date()));
  });

  // The workers that announced themselves in the last 60 s, and what they serve.
  app.get('/api/workers', async (c) => c.json({ workers: await client.listWorkers() }));

  app.get('/api/instances/:id/family', async (c) => {
    const id = c.req.param('id');
    const family = await buildFamily(client, id);
    if (!family) throw new WorkflowNotFoundError(id);
    return c.json(family);
  });
}
