import { Client, PostgresBackend, Worker, type ActivityContext, type WorkflowContext } from 'durabletask-ts';

async function ship(_ctx: ActivityContext, orderId: string) { return `shipped ${orderId}`; }
async function fulfil(ctx: WorkflowContext, orderId: string) { return ctx.callActivity(ship, orderId); }

const backend = new PostgresBackend({
  connectionString: process.env.DATABASE_URL ?? 'postgres://app@db-host/app',
  schema: process.env.DURABLETASK_SCHEMA ?? 'durabletask',   // one schema is one task hub
  poolSize: 10,
});
await backend.init();            // creates or migrates the schema (safe when many processes start at once)
const worker = new Worker({ backend, workflows: [fulfil], activities: [ship], leaseMs: 60_000 });
await worker.start();            // run the same code in N processes on any number of hosts
const client = new Client({ backend });
const id = await client.scheduleNewWorkflow(fulfil, { input: 'order-7' });
console.log((await client.waitForWorkflowCompletion(id)).output);   // shipped order-7
await worker.stop();
await backend.close();
