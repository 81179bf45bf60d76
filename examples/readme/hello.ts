import { Client, SqliteBackend, Worker, type ActivityContext, type WorkflowContext } from 'durabletask-ts';

async function greet(_ctx: ActivityContext, name: string) { return `Hello, ${name}!`; }
async function report(ctx: WorkflowContext, text: string) { return ctx.callActivity(greet, `audit ${text}`); }

async function hello(ctx: WorkflowContext, cities: string[]) {
  const first = await ctx.callActivity(greet, cities[0]);                            // sequence
  const all = await ctx.whenAll(cities.map((c) => ctx.callActivity(greet, c)));       // fan-out/fan-in
  await ctx.createTimer(1000);                                                        // durable timer
  const auditId = ctx.scheduleNewWorkflow(report, { input: first });                  // detached, fire-and-forget
  return { first, all, auditId };
}

const backend = new SqliteBackend({ path: 'app.sqlite' });
await backend.init();
const worker = new Worker({ backend, workflows: [hello, report], activities: [greet] });
await worker.start();
const client = new Client({ backend });
const id = await client.scheduleNewWorkflow(hello, { input: ['Tokyo', 'Lima'] });
console.log(await client.waitForWorkflowCompletion(id));
await worker.stop();
await backend.close();
