// An app written with @microsoft/durabletask-js, run against `npx durabletask serve` instead of another sidecar.
import { TaskHubGrpcClient, TaskHubGrpcWorker, type ActivityContext, type OrchestrationContext } from '@microsoft/durabletask-js';

const address = process.env.DURABLETASK_SIDECAR ?? 'localhost:4001';
const hello = async (_ctx: ActivityContext, name: string) => `Hello, ${name}!`;
const greetings = async function* (ctx: OrchestrationContext): AsyncGenerator<unknown, string[], string> {
  const out: string[] = [];
  for (const city of ['Tokyo', 'Lima']) out.push(yield ctx.callActivity(hello, city));
  return out;
};

const worker = new TaskHubGrpcWorker(address);
worker.addOrchestrator(greetings);
worker.addActivity(hello);
await worker.start();
const client = new TaskHubGrpcClient(address);
const id = await client.scheduleNewOrchestration(greetings);
const state = await client.waitForOrchestrationCompletion(id, true, 30);
console.log(state?.serializedOutput);   // ["Hello, Tokyo!","Hello, Lima!"]
await worker.stop();
await client.stop();
