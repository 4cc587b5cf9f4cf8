// What a V8 heap snapshot holds, by constructor: the self sizes of every node grouped by type and name, largest
// first. `npm run bench:memory -- --heap-snapshot` takes one of the worker's main thread (activities, the SDK's
// activity machinery, pools; the workflows live in the workflow thread's isolate and are not in it).
import fs from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] }; node_count: number };
  nodes: number[];
  strings: string[];
}

export interface HeapGroup {
  type: string;
  name: string;
  count: number;
  selfMb: number;
}

export function summarizeHeapSnapshot(file: string, top = 20): { totalMb: number; nodes: number; groups: HeapGroup[] } {
  const snap = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const groups = new Map<string, { type: string; name: string; count: number; self: number }>();
  let total = 0;
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + iType]!]!;
    // Strings and code are many different names: one group each.
    const name = type === 'object' || type === 'closure' ? snap.strings[snap.nodes[i + iName]!]! : `(${type})`;
    const self = snap.nodes[i + iSize]!;
    total += self;
    const key = `${type}\u0000${name}`;
    const g = groups.get(key) ?? { type, name, count: 0, self: 0 };
    g.count++;
    g.self += self;
    groups.set(key, g);
  }
  const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
  return {
    totalMb: mb(total),
    nodes: snap.nodes.length / width,
    groups: [...groups.values()]
      .sort((a, b) => b.self - a.self)
      .slice(0, top)
      .map((g) => ({ type: g.type, name: g.name.slice(0, 60), count: g.count, selfMb: mb(g.self) })),
  };
}
