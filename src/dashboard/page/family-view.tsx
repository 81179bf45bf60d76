// The family tree, left to right: owned children on solid edges, detached spawns on dashed ones (spawned,
// not owned: no cascade follows them). Every node links to its page; the current instance is outlined.
import { useEffect, useState } from 'preact/hooks';
import type { FamilyJson, FamilyNode } from '../api-types.js';
import { api } from './api.js';
import { instanceHref } from './router.js';

const NODE_W = 220;
const NODE_H = 48;
const GAP_X = 70;
const GAP_Y = 16;

interface Placed {
  node: FamilyNode;
  x: number;
  y: number;
}

function layout(family: FamilyJson): { placed: Map<string, Placed>; width: number; height: number } {
  const byId = new Map(family.nodes.map((n) => [n.instanceId, n]));
  const children = new Map<string, string[]>();
  const placedOnce = new Set<string>([family.root]);
  for (const e of family.edges) {
    if (placedOnce.has(e.to)) continue; // a second link to a node is drawn, not laid out again
    placedOnce.add(e.to);
    children.set(e.from, [...(children.get(e.from) ?? []), e.to]);
  }
  const placed = new Map<string, Placed>();
  let nextRow = 0;
  let maxDepth = 0;
  const visit = (id: string, depth: number): number => {
    maxDepth = Math.max(maxDepth, depth);
    const kids = children.get(id) ?? [];
    let y: number;
    if (kids.length === 0) y = nextRow++;
    else {
      const ys = kids.map((k) => visit(k, depth + 1));
      y = (ys[0]! + ys[ys.length - 1]!) / 2;
    }
    placed.set(id, { node: byId.get(id) ?? { instanceId: id, exists: false }, x: depth * (NODE_W + GAP_X), y: y * (NODE_H + GAP_Y) });
    return y;
  };
  visit(family.root, 0);
  return { placed, width: (maxDepth + 1) * (NODE_W + GAP_X) - GAP_X, height: nextRow * (NODE_H + GAP_Y) - GAP_Y };
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function FamilyView({ id, version }: { id: string; version: number }) {
  const [family, setFamily] = useState<FamilyJson>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api.family(id).then(setFamily, (e: Error) => setError(e.message));
  }, [id, version]);
  if (error) return <p class="error">{error}</p>;
  if (!family) return <p class="muted">Loading…</p>;
  const { placed, width, height } = layout(family);
  const pad = 8;
  return (
    <div class="family">
      <p class="legend">
        <svg width="36" height="10" aria-hidden="true">
          <line x1="0" y1="5" x2="36" y2="5" class="edge edge-child" />
        </svg>
        child (owned: terminate and purge cascade)
        <svg width="36" height="10" aria-hidden="true">
          <line x1="0" y1="5" x2="36" y2="5" class="edge edge-detached" />
        </svg>
        detached (spawned, not owned)
        {family.truncated && <span class="warning"> · more than {family.nodes.length} instances; the rest are not shown</span>}
      </p>
      <svg class="tree" width={width + pad * 2} height={height + pad * 2} viewBox={`${-pad} ${-pad} ${width + pad * 2} ${height + pad * 2}`} role="img" aria-label="family tree">
        {family.edges.map((e) => {
          const a = placed.get(e.from);
          const b = placed.get(e.to);
          if (!a || !b) return null;
          const x1 = a.x + NODE_W;
          const y1 = a.y + NODE_H / 2;
          const x2 = b.x;
          const y2 = b.y + NODE_H / 2;
          const mid = (x1 + x2) / 2;
          return <path key={`${e.from}>${e.to}`} class={`edge edge-${e.kind}`} data-edge={e.kind} data-from={e.from} data-to={e.to} d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`} />;
        })}
        {[...placed.values()].map(({ node, x, y }) => (
          <a key={node.instanceId} href={instanceHref(node.instanceId, 'family')} data-node={node.instanceId}>
            <g class={`node s-${node.runtimeStatus ?? 'UNKNOWN'} ${node.instanceId === id ? 'current' : ''} ${node.exists ? '' : 'gone'}`} transform={`translate(${x},${y})`}>
              <rect width={NODE_W} height={NODE_H} rx="8" class="box" />
              <rect width="5" height={NODE_H} rx="2" class="stripe" />
              <text x="14" y="20" class="n-name">
                {clip(node.name ?? '(purged)', 26)}
              </text>
              <text x="14" y="37" class="n-id">
                {clip(node.instanceId, 30)} · {(node.runtimeStatus ?? 'gone').toLowerCase()}
              </text>
              <title>{`${node.instanceId} (${node.runtimeStatus ?? 'no longer exists'})`}</title>
            </g>
          </a>
        ))}
      </svg>
    </div>
  );
}
