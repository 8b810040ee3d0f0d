//! The search tree as an arena: nodes and edges in two `Vec`s, children of a node a contiguous range
//! of edges, so the hot path never allocates per node. With transpositions the "tree" is a DAG: a hash
//! map from canonical key to node lets two action orders share one node (Czech, Korus, Kersting,
//! "Monte-Carlo Graph Search for AlphaZero", arXiv:2012.11045).

use rustc_hash::FxHashMap;

/// Index meaning "no node".
pub(crate) const NONE: u32 = u32::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Created, not yet reached by a selection.
    Fresh,
    /// Sent to the evaluator; a second selection reaching it is a collision.
    Pending,
    /// Edges allocated.
    Expanded,
    /// Game over; `terminal_value` is backed up on every visit.
    Terminal,
}

#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub first_edge: u32,
    pub num_edges: u32,
    pub visits: u32,
    pub in_flight: u32,
    /// Mean backed-up value (kept as a running mean so selection needs no division per child).
    pub mean: f64,
    pub terminal_value: f64,
    pub key: Option<u64>,
    pub kind: Kind,
    /// The node's prefix in the search's [`crate::DrawTrie`] (`NONE` without one, or for a node
    /// reached by transposition from another prefix).
    pub draw: u32,
    /// Every sequence below was already drawn: selection and the move choice skip it (only with a
    /// draw trie).
    pub exhausted: bool,
}

/// 16 bytes: a node with a few hundred legal tokens costs a few kB of edges. Value sums and
/// in-flight counts live in the child node, where every path into a transposed position shares them.
#[derive(Clone, Debug)]
pub(crate) struct Edge {
    pub action: u32,
    pub prior: f32,
    pub visits: u32,
    pub child: u32,
}

#[derive(Debug, Default)]
pub(crate) struct Tree {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub table: FxHashMap<u64, u32>,
    // Second buffers for compaction, kept to reuse their allocations.
    spare_nodes: Vec<Node>,
    spare_edges: Vec<Edge>,
    order: Vec<u32>,
    remap: Vec<u32>,
}

impl Tree {
    pub fn clear(&mut self) {
        self.nodes.clear();
        self.edges.clear();
        self.table.clear();
    }

    /// Append a fresh node (registered under `key` when given) and return its index.
    pub fn add_node(&mut self, key: Option<u64>) -> u32 {
        let id = self.nodes.len() as u32;
        self.nodes.push(Node {
            first_edge: 0,
            num_edges: 0,
            visits: 0,
            in_flight: 0,
            mean: 0.0,
            terminal_value: 0.0,
            key,
            kind: Kind::Fresh,
            draw: NONE,
            exhausted: false,
        });
        if let Some(k) = key {
            self.table.insert(k, id);
        }
        id
    }

    #[inline]
    pub fn edge_range(&self, node: u32) -> std::ops::Range<usize> {
        let n = &self.nodes[node as usize];
        n.first_edge as usize..(n.first_edge + n.num_edges) as usize
    }

    /// Keep only what is reachable from `root`, renumbered from 0 (the new root). Tree reuse between
    /// moves: the statistics below the played action survive, the rest is dropped so memory stays
    /// bounded by one move's worth of search.
    pub fn compact(&mut self, root: u32) -> u32 {
        self.remap.clear();
        self.remap.resize(self.nodes.len(), NONE);
        self.order.clear();
        self.spare_nodes.clear();
        self.spare_edges.clear();
        self.remap[root as usize] = 0;
        self.order.push(root);
        self.spare_nodes.push(self.nodes[root as usize].clone());
        let mut i = 0;
        while i < self.order.len() {
            let old = self.order[i] as usize;
            let first = self.spare_edges.len() as u32;
            let range = self.edge_range(old as u32);
            for e in &self.edges[range] {
                let mut ne = e.clone();
                if e.child != NONE {
                    let c = e.child as usize;
                    if self.remap[c] == NONE {
                        self.remap[c] = self.spare_nodes.len() as u32;
                        self.spare_nodes.push(self.nodes[c].clone());
                        self.order.push(c as u32);
                    }
                    ne.child = self.remap[c];
                }
                self.spare_edges.push(ne);
            }
            self.spare_nodes[i].first_edge = first;
            i += 1;
        }
        std::mem::swap(&mut self.nodes, &mut self.spare_nodes);
        std::mem::swap(&mut self.edges, &mut self.spare_edges);
        self.table.clear();
        for (id, n) in self.nodes.iter().enumerate() {
            if let Some(k) = n.key {
                self.table.insert(k, id as u32);
            }
        }
        0
    }
}
