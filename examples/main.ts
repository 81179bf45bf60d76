// `npm start`: runs the example order app on a SQLite file, prints progress and a summary.
// Run it twice: the second run finds the first run's instances in the same file and adds new ones.
import { Client, Worker } from '../src/index.js';
import { SqliteBackend } from '../src/backends/sqlite/sqlite-backend.js';
import {
  auditOrder,
  chargeCard,
  makeShipActivity,
  priceItem,
  priceOrder,
  processOrder,
  reserveStock,
  writeAuditRecord,
  type Order,
} from './order-app.js';

const ORDERS = 20;
const path = process.env.DURABLETASK_DB ?? './durabletask.sqlite';

async function main(): Promise<void> {
  const started = Date.now();
  const backend = new SqliteBackend({ path });
  await backend.init();
  const worker = new Worker({
    backend,
    workflows: [processOrder, priceOrder, auditOrder],
    activities: { reserveStock, chargeCard, priceItem, ship: makeShipActivity(), writeAuditRecord },
  });
  const client = new Client({ backend });
  await worker.start();
  console.log(`durabletask-ts example on ${path}: starting ${ORDERS} orders`);

  const run = Date.now().toString(36);
  const ids: string[] = [];
  for (let i = 0; i < ORDERS; i++) {
    const order: Order = { id: `order-${run}-${i}`, items: Array.from({ length: 3 + (i % 5) }, (_, k) => `item-${k}`) };
    ids.push(await client.scheduleNewWorkflow(processOrder, { instanceId: order.id, input: order }));
  }

  let done = 0;
  const results = await Promise.all(
    ids.map(async (id) => {
      const state = await client.waitForWorkflowCompletion(id, { timeoutMs: 60_000 });
      done++;
      if (done % 5 === 0) console.log(`  ... ${done}/${ORDERS} orders complete (${Date.now() - started} ms)`);
      return state;
    }),
  );

  const first = results[0]!;
  console.log(`\nfirst order ${first.instanceId}: ${first.runtimeStatus}`);
  console.log(JSON.stringify(first.output, null, 2));
  for (const state of results) {
    const out = state.output as { auditId: string; total: number } | undefined;
    console.log(`  ${state.instanceId}: ${state.runtimeStatus}, total ${out?.total}, detached audit ${out?.auditId}`);
  }
  const audits = await Promise.all(
    results.map((s) => client.waitForWorkflowCompletion((s.output as { auditId: string }).auditId, { timeoutMs: 60_000 })),
  );
  console.log(`detached audit workflows: ${audits.filter((a) => a.runtimeStatus === 'COMPLETED').length}/${audits.length} completed, none with a parent: ${audits.every((a) => !a.parentInstanceId)}`);

  await worker.stop();
  const byStatus = new Map<string, number>();
  for (let token: string | undefined, first = true; first || token; first = false) {
    const page = await client.listWorkflows({ pageSize: 500, continuationToken: token });
    for (const s of page.instances) byStatus.set(s.runtimeStatus, (byStatus.get(s.runtimeStatus) ?? 0) + 1);
    token = page.continuationToken;
  }
  await backend.close();
  console.log(`\nsummary of ${path}: ${[...byStatus].map(([s, n]) => `${s} ${n}`).join(', ')}`);
  console.log(`elapsed ${Date.now() - started} ms`);
  const failed = results.filter((s) => s.runtimeStatus !== 'COMPLETED');
  if (failed.length > 0) {
    console.error(`${failed.length} order(s) did not complete`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
