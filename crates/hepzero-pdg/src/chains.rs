//! The background finder's core query: every decay chain of a particle whose stable final state
//! contains a given multiset of particles, with at most `k` extra stable particles, and whose
//! product branching fraction is at least a floor.
//!
//! A chain decays each unstable particle through one of its modes until only particles stable for
//! detector purposes ([`crate::Stability`]) or particles without decay modes remain. The search is
//! a dynamic programme over particles: for each particle the finder keeps the list of its
//! sub-chains (final state, product BR, the mode and the sub-chain chosen for each daughter) that
//! can still be part of an answer, computed once and reused by every parent and every mother
//! queried with the same finder. Two prunings keep the lists short and are exact:
//!
//! * BR: a sub-chain's BR bounds every chain containing it (BRs are at most one), so sub-chains
//!   below the floor are dropped; lists are sorted by BR so a product stops at the first entry
//!   that falls below the floor.
//! * Extras: the excess of a final state F over the target T, sum over species of
//!   max(0, F_s - T_s), can only grow when final states are combined, so sub-chains with excess
//!   above `k` are dropped. At the top, a chain is an answer when T is contained in F; then
//!   |F| - |T| is exactly its excess.

use serde::{Deserialize, Serialize};
use smallvec::SmallVec;

use crate::decay_table::{DecayTable, NameId};
use crate::error::{Error, Result};

/// One node of a decay chain: a particle and, when it decays in the chain, the index of the mode
/// (into [`DecayTable::modes`] of that name) and one child per daughter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChainNode {
    /// Name as written in the decay file (aliases kept).
    pub particle: String,
    /// Mode index, `None` for a final-state particle.
    pub mode: Option<usize>,
    /// Daughters, in the mode's order.
    pub children: Vec<ChainNode>,
}

impl ChainNode {
    /// The chain in decay-descriptor notation, e.g. `B0 -> (K*0 -> K+ pi-) pi0`.
    pub fn descriptor(&self) -> String {
        fn inner(n: &ChainNode, out: &mut String, top: bool) {
            if n.mode.is_none() {
                out.push_str(&n.particle);
                return;
            }
            if !top {
                out.push('(');
            }
            out.push_str(&n.particle);
            out.push_str(" ->");
            for c in &n.children {
                out.push(' ');
                inner(c, out, false);
            }
            if !top {
                out.push(')');
            }
        }
        let mut s = String::new();
        inner(self, &mut s, true);
        s
    }
}

/// A chain found by [`ChainFinder::chains`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chain {
    /// Product of the normalised branching fractions along the chain.
    pub br: f64,
    /// The stable final state (particle names, aliases resolved), sorted.
    pub final_state: Vec<String>,
    /// The final-state particles beyond the requested ones, sorted.
    pub extras: Vec<String>,
    /// The chain itself.
    pub tree: ChainNode,
}

type Fs = SmallVec<[NameId; 8]>;

const LEAF: u32 = u32::MAX;

#[derive(Clone)]
struct Sub {
    fs: Fs,
    /// Particles of species absent from the target: each one is an extra whatever else joins.
    foreign: u8,
    br: f64,
    mode: u32,
    children: SmallVec<[u32; 4]>,
}

/// One daughter's sub-chain list as seen by `combine`.
struct Input<'l> {
    list: &'l [Sub],
    starts: &'l [u32],
    /// Position of the daughter in the mode.
    slot: usize,
    min_foreign: usize,
    min_len: usize,
    /// Sums of `min_foreign` / `min_len` over the daughters combined after this one.
    rest_foreign: usize,
    rest_len: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Todo,
    InProgress,
    Done,
}

/// Finds chains for one target final state, `k` and BR floor; keeps its memo across mothers.
#[derive(Debug)]
pub struct ChainFinder<'a> {
    table: &'a DecayTable,
    target: Fs,
    target_count: Vec<u8>,
    max_extra: usize,
    max_len: usize,
    min_br: f64,
    /// A requested particle never occurs in the table.
    impossible: bool,
    /// Per name: its sub-chains sorted by (`foreign`, BR descending).
    memo: Vec<Option<Vec<Sub>>>,
    /// Per name: where each `foreign` value starts in its memo list (length `max_extra + 2`).
    buckets: Vec<SmallVec<[u32; 4]>>,
    state: Vec<State>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = match self {
            State::Todo => "todo",
            State::InProgress => "in progress",
            State::Done => "done",
        };
        f.write_str(s)
    }
}

impl std::fmt::Debug for Sub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sub(br={}, n={})", self.br, self.fs.len())
    }
}

impl<'a> ChainFinder<'a> {
    /// A finder for chains ending in `final_state` (EvtGen names, aliases or PDG names of stable
    /// particles; repeated names mean repeated particles) plus at most `max_extra` other stable
    /// particles, with product BR at least `min_br`.
    pub fn new(table: &'a DecayTable, final_state: &[&str], max_extra: usize, min_br: f64) -> Result<Self> {
        if !(min_br.is_finite() && min_br >= 0.0) {
            return Err(Error::InvalidQuery(format!("BR floor {min_br} is not a non-negative number")));
        }
        if max_extra > 16 {
            return Err(Error::InvalidQuery(format!(
                "{max_extra} extra particles is more than the supported 16"
            )));
        }
        let n = table.name_count();
        let mut target_count = vec![0u8; n];
        let mut target = Fs::new();
        let mut impossible = false;
        for name in final_state {
            let Some(id) = table.lookup(name) else {
                // A real stable particle that no mode of this table produces: no chain can end in
                // it, which is an empty answer rather than an error.
                match table.particle_table().find(name) {
                    Some(p) if table.stability().is_stable(p.pdg_id) => {
                        impossible = true;
                        continue;
                    }
                    _ => return Err(Error::UnknownParticle(name.to_string())),
                }
            };
            if !table.is_stable_id(id) {
                return Err(Error::InvalidQuery(format!(
                    "`{name}` is not stable for detector purposes, so it cannot be part of a final state"
                )));
            }
            let c = table.canonical(id);
            target_count[c as usize] = target_count[c as usize].saturating_add(1);
            target.push(c);
        }
        target.sort_unstable();
        Ok(Self {
            table,
            max_len: target.len() + max_extra,
            target,
            target_count,
            max_extra,
            min_br,
            impossible,
            memo: vec![None; n],
            buckets: vec![SmallVec::new(); n],
            state: vec![State::Todo; n],
        })
    }

    fn excess(&self, fs: &Fs) -> usize {
        let mut ex = 0usize;
        let mut i = 0;
        while i < fs.len() {
            let s = fs[i];
            let mut j = i;
            while j < fs.len() && fs[j] == s {
                j += 1;
            }
            ex += (j - i).saturating_sub(self.target_count[s as usize] as usize);
            i = j;
        }
        ex
    }

    fn compute(&mut self, id: NameId) {
        let i = id as usize;
        if self.state[i] != State::Todo {
            return;
        }
        self.state[i] = State::InProgress;
        let table = self.table;
        let modes = table.modes_of(id);
        if table.is_stable_id(id) || modes.is_empty() {
            let mut fs = Fs::new();
            fs.push(table.canonical(id));
            let keep = self.excess(&fs) <= self.max_extra;
            let foreign = u8::from(self.target_count[table.canonical(id) as usize] == 0);
            let list = if keep {
                vec![Sub { fs, foreign, br: 1.0, mode: LEAF, children: SmallVec::new() }]
            } else {
                Vec::new()
            };
            self.store(i, list);
            return;
        }
        for m in modes {
            if m.br < self.min_br {
                continue;
            }
            for &d in &m.daughter_ids {
                self.compute(d);
            }
        }
        let mut out = Vec::new();
        for (mi, m) in modes.iter().enumerate() {
            // Partonic modes have no definite hadron final state (EvtGen hands them to Pythia).
            if m.br < self.min_br || m.br == 0.0 || table.is_partonic(m) {
                continue;
            }
            // A daughter still in progress means a cycle in the table: that mode cannot end.
            let mut lists: SmallVec<[Input<'_>; 6]> = SmallVec::new();
            let mut ok = true;
            for (k, &d) in m.daughter_ids.iter().enumerate() {
                match (&self.state[d as usize], &self.memo[d as usize]) {
                    (State::Done, Some(l)) if !l.is_empty() => {
                        let starts = self.buckets[d as usize].as_slice();
                        let min_foreign = l.iter().map(|s| s.foreign as usize).min().unwrap_or(0);
                        let min_len = l.iter().map(|s| s.fs.len()).min().unwrap_or(0);
                        lists.push(Input {
                            list: l.as_slice(),
                            starts,
                            slot: k,
                            min_foreign,
                            min_len,
                            rest_foreign: 0,
                            rest_len: 0,
                        });
                    }
                    _ => {
                        ok = false;
                        break;
                    }
                }
            }
            if !ok {
                continue;
            }
            // Shortest lists first, so dead ends show up early; and what the remaining daughters
            // must at least add, so a partial product that cannot fit stops at once.
            lists.sort_by_key(|x| x.list.len());
            let (mut rf, mut rl) = (0, 0);
            for x in lists.iter_mut().rev() {
                x.rest_foreign = rf;
                x.rest_len = rl;
                rf += x.min_foreign;
                rl += x.min_len;
            }
            if rf > self.max_extra || rl > self.max_len {
                continue;
            }
            let mut children: SmallVec<[u32; 4]> = SmallVec::from_elem(0, lists.len());
            self.combine(&lists, 0, &Fs::new(), 0, m.br, mi as u32, &mut children, &mut out);
        }
        self.store(i, out);
    }

    /// Sorts a finished list by (foreign, BR descending), records its buckets and marks it done.
    fn store(&mut self, i: usize, mut list: Vec<Sub>) {
        // Stable: equal keys keep the file's mode order.
        list.sort_by(|a, b| a.foreign.cmp(&b.foreign).then(b.br.total_cmp(&a.br)));
        let mut starts = SmallVec::with_capacity(self.max_extra + 2);
        for f in 0..=self.max_extra + 1 {
            starts.push(list.partition_point(|s| (s.foreign as usize) < f) as u32);
        }
        self.buckets[i] = starts;
        self.memo[i] = Some(list);
        self.state[i] = State::Done;
    }

    #[allow(clippy::too_many_arguments)]
    fn combine(
        &self,
        lists: &[Input<'_>],
        depth: usize,
        fs: &Fs,
        foreign: usize,
        br: f64,
        mode: u32,
        children: &mut SmallVec<[u32; 4]>,
        out: &mut Vec<Sub>,
    ) {
        let Some(x) = lists.get(depth) else {
            out.push(Sub { fs: fs.clone(), foreign: foreign as u8, br, mode, children: children.clone() });
            return;
        };
        // Only buckets whose foreign particles still fit in the extras budget, leaving room for
        // what the remaining daughters must add; within a bucket BRs decrease, so the first one
        // below the floor ends it.
        let Some(budget) = self.max_extra.checked_sub(foreign + x.rest_foreign) else { return };
        for f in 0..=budget {
            let (Some(&lo), Some(&hi)) = (x.starts.get(f), x.starts.get(f + 1)) else { break };
            for j in lo..hi {
                let s = &x.list[j as usize];
                let nb = br * s.br;
                if nb < self.min_br {
                    break;
                }
                if fs.len() + s.fs.len() + x.rest_len > self.max_len {
                    continue;
                }
                let merged = merge(fs, &s.fs);
                if self.excess(&merged) > self.max_extra {
                    continue;
                }
                children[x.slot] = j;
                self.combine(lists, depth + 1, &merged, foreign + f, nb, mode, children, out);
            }
        }
    }

    fn contains_target(&self, fs: &Fs) -> bool {
        // Both sorted: multiset inclusion by a merge walk.
        let mut j = 0;
        for &t in &self.target {
            while j < fs.len() && fs[j] < t {
                j += 1;
            }
            if j == fs.len() || fs[j] != t {
                return false;
            }
            j += 1;
        }
        true
    }

    fn build_node(&self, id: NameId, sub: &Sub) -> ChainNode {
        let particle = self.table.name_of(id).unwrap_or("?").to_string();
        if sub.mode == LEAF {
            return ChainNode { particle, mode: None, children: Vec::new() };
        }
        let modes = self.table.modes_of(id);
        let mut children = Vec::with_capacity(sub.children.len());
        if let Some(m) = modes.get(sub.mode as usize) {
            for (k, &d) in m.daughter_ids.iter().enumerate() {
                let child =
                    sub.children.get(k).and_then(|&j| self.memo.get(d as usize)?.as_ref()?.get(j as usize));
                match child {
                    Some(c) => children.push(self.build_node(d, c)),
                    None => children.push(ChainNode {
                        particle: self.table.name_of(d).unwrap_or("?").to_string(),
                        mode: None,
                        children: Vec::new(),
                    }),
                }
            }
        }
        ChainNode { particle, mode: Some(sub.mode as usize), children }
    }

    fn names(&self, fs: &[NameId]) -> Vec<String> {
        let mut v: Vec<String> =
            fs.iter().map(|&s| self.table.name_of(s).unwrap_or("?").to_string()).collect();
        v.sort();
        v
    }

    /// Number of memoised sub-chains (a measure of the work done so far).
    pub fn memo_size(&self) -> usize {
        self.memo.iter().flatten().map(Vec::len).sum()
    }

    /// Number of chains of `mother` that answer the query (no trees built).
    pub fn count(&mut self, mother: &str) -> Result<usize> {
        let id = self.table.lookup(mother).ok_or_else(|| Error::UnknownParticle(mother.to_string()))?;
        if self.impossible {
            return Ok(0);
        }
        self.compute(id);
        Ok(self.memo[id as usize]
            .as_ref()
            .map_or(0, |l| l.iter().filter(|s| self.contains_target(&s.fs)).count()))
    }

    /// All chains of `mother` that answer the query, highest BR first.
    pub fn chains(&mut self, mother: &str) -> Result<Vec<Chain>> {
        let id = self.table.lookup(mother).ok_or_else(|| Error::UnknownParticle(mother.to_string()))?;
        if self.impossible {
            return Ok(Vec::new());
        }
        self.compute(id);
        let Some(list) = self.memo[id as usize].as_ref() else { return Ok(Vec::new()) };
        let mut out = Vec::new();
        for s in list.iter().filter(|s| self.contains_target(&s.fs)) {
            let extras = diff(&s.fs, &self.target);
            out.push(Chain {
                br: s.br,
                final_state: self.names(&s.fs),
                extras: self.names(&extras),
                tree: self.build_node(id, s),
            });
        }
        // Highest BR first; the stable sort keeps the file's mode order for equal BRs.
        out.sort_by(|a, b| b.br.total_cmp(&a.br));
        Ok(out)
    }
}

fn merge(a: &Fs, b: &Fs) -> Fs {
    let mut out = Fs::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] <= b[j] {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// Multiset difference a - b of sorted lists (b contained in a).
fn diff(a: &Fs, b: &Fs) -> Fs {
    let mut out = Fs::new();
    let mut j = 0;
    for &x in a {
        if j < b.len() && b[j] == x {
            j += 1;
        } else {
            out.push(x);
        }
    }
    out
}

impl DecayTable {
    /// Convenience: the chains of one mother (see [`ChainFinder`]; reuse a finder for many
    /// mothers).
    pub fn find_chains(
        &self,
        mother: &str,
        final_state: &[&str],
        max_extra: usize,
        min_br: f64,
    ) -> Result<Vec<Chain>> {
        ChainFinder::new(self, final_state, max_extra, min_br)?.chains(mother)
    }
}
