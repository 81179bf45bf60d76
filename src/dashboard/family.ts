// The family of an instance: up its parent links to the root, then down the links the engine recorded in
// each history (children it owns, detached workflows it spawned), with a visited set and a node limit.
// A detached workflow records no parent, so a walk that starts at one begins there.
import type { Client } from '../runtime/client.js';
import type { FamilyJson, FamilyNode } from './api-types.js';

const MAX_NODES = 200;
const MAX_DEPTH_UP = 50;

export async function buildFamily(client: Client, instanceId: string, maxNodes = MAX_NODES): Promise<FamilyJson | undefined> {
  const start = await client.getWorkflowState(instanceId, { includePayloads: false });
  if (!start) return undefined;
  let root = start;
  for (let depth = 0; root.parentInstanceId && depth < MAX_DEPTH_UP; depth++) {
    const parent = await client.getWorkflowState(root.parentInstanceId, { includePayloads: false });
    if (!parent || parent.instanceId === start.instanceId) break;
    root = parent;
  }
  const family: FamilyJson = { root: root.instanceId, nodes: [], edges: [], truncated: false };
  const seen = new Set<string>([root.instanceId]);
  const queue: string[] = [root.instanceId];
  family.nodes.push({ instanceId: root.instanceId, name: root.name, runtimeStatus: root.runtimeStatus, exists: true });
  while (queue.length > 0) {
    const id = queue.shift()!;
    const history = await client.getWorkflowHistory(id).catch(() => []);
    for (const event of history) {
      const kind = event.type === 'childWorkflowInstanceCreated' ? 'child' : event.type === 'detachedWorkflowInstanceCreated' ? 'detached' : undefined;
      if (!kind || !('instanceId' in event)) continue;
      const to = event.instanceId;
      if (family.edges.some((e) => e.from === id && e.to === to)) continue;
      if (seen.has(to)) {
        family.edges.push({ from: id, to, kind });
        continue;
      }
      if (family.nodes.length >= maxNodes) {
        family.truncated = true;
        continue;
      }
      seen.add(to);
      const state = await client.getWorkflowState(to, { includePayloads: false });
      const node: FamilyNode = state ? { instanceId: to, name: state.name, runtimeStatus: state.runtimeStatus, exists: true } : { instanceId: to, exists: false };
      family.nodes.push(node);
      family.edges.push({ from: id, to, kind });
      if (state) queue.push(to);
    }
  }
  return family;
}
