/**
 * A tidy layout of a voucher's split tree: one row per generation (the root in row 0, its splits in row 1, …),
 * leaves in consecutive columns from left to right in creation order, and each parent centred over its first
 * and last child. Subtrees take disjoint ranges of columns, so nodes never overlap and edges never cross.
 *
 * The row is the generation in the tree, not the piece's transfer depth: a whole transfer deepens a piece
 * without making a node, so depths can repeat down a branch. The depth is printed in the node instead.
 */

export interface PlacedNode {
  id: bigint;
  /** Generation: 0 for a root. */
  row: number;
  /** Horizontal position in column units (a parent may sit between two columns, e.g. 0.5). */
  column: number;
  parent: bigint | null;
}

export interface TreeLayout {
  /** In drawing order: parents before children, left to right. */
  nodes: PlacedNode[];
  /** parent → child pairs. */
  edges: Array<{ from: bigint; to: bigint }>;
  /** Number of rows and of leaf columns. */
  rows: number;
  columns: number;
}

/**
 * Lays out the forest under `roots` (normally the voucher's root piece; pieces whose parent is unknown become
 * extra roots). A node reached twice is drawn once, so a faulty model cannot loop.
 */
export function layoutTree(roots: readonly bigint[], childrenOf: (id: bigint) => readonly bigint[]): TreeLayout {
  const nodes: PlacedNode[] = [];
  const edges: TreeLayout["edges"] = [];
  const seen = new Set<bigint>();
  let nextLeaf = 0;
  let rows = 0;

  // Iterative post-order: a split chain may be as long as the voucher has pieces, deeper than a safe recursion.
  for (const root of roots) {
    if (seen.has(root)) continue;
    seen.add(root);
    const rootNode: PlacedNode = { id: root, row: 0, column: 0, parent: null };
    nodes.push(rootNode);
    const stack: Array<{ node: PlacedNode; kids: PlacedNode[]; next: number; children: readonly bigint[] }> = [
      { node: rootNode, kids: [], next: 0, children: childrenOf(root) },
    ];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      if (frame.next < frame.children.length) {
        const child = frame.children[frame.next++];
        if (seen.has(child)) continue;
        seen.add(child);
        const node: PlacedNode = { id: child, row: frame.node.row + 1, column: 0, parent: frame.node.id };
        nodes.push(node);
        edges.push({ from: frame.node.id, to: child });
        frame.kids.push(node);
        stack.push({ node, kids: [], next: 0, children: childrenOf(child) });
        continue;
      }
      stack.pop();
      const { node, kids } = frame;
      node.column = kids.length === 0 ? nextLeaf++ : (kids[0].column + kids[kids.length - 1].column) / 2;
      rows = Math.max(rows, node.row + 1);
    }
  }
  return { nodes, edges, rows, columns: nextLeaf };
}
