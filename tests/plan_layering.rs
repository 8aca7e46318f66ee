//! Property tests of the deploy-plan graph algorithms: for random DAGs and graphs with cycles,
//! the stages are a valid topological layering of the condensation, the result does not depend
//! on edge order, and blocked propagation is exactly "depends on a broken file".

use proptest::prelude::*;
use treeaudit::graph::{Unit, blocked_by, layer_by_dependencies};

/// `reach[a][b]`: a path of one or more edges leads from `a` to `b` (only through `included`).
fn transitive_closure(n: usize, edges: &[(usize, usize)], included: &[bool]) -> Vec<Vec<bool>> {
    let mut reach = vec![vec![false; n]; n];
    for &(a, b) in edges {
        if included[a] && included[b] {
            reach[a][b] = true;
        }
    }
    // Floyd–Warshall: small graphs only.
    for k in 0..n {
        let through_k = reach[k].clone();
        for row in reach.iter_mut() {
            if row[k] {
                for (cell, &via) in row.iter_mut().zip(&through_k) {
                    *cell |= via;
                }
            }
        }
    }
    reach
}

fn graphs(acyclic: bool) -> impl Strategy<Value = (usize, Vec<(usize, usize)>, Vec<bool>)> {
    (1usize..14).prop_flat_map(move |n| {
        // DAG: every edge points from a higher to a lower node, so no cycle can form.
        let edge = (0..n, 0..n).prop_map(move |(a, b)| {
            if acyclic {
                (a.max(b), a.min(b))
            } else {
                (a, b)
            }
        });
        (
            Just(n),
            prop::collection::vec(edge, 0..n * 3).prop_map(move |edges| {
                edges
                    .into_iter()
                    .filter(|(a, b)| !acyclic || a != b)
                    .collect::<Vec<_>>()
            }),
            prop::collection::vec(prop::bool::weighted(0.85), n),
        )
    })
}

fn check_layering(n: usize, edges: &[(usize, usize)], included: &[bool], stages: &[Vec<Unit>]) {
    let mut stage_of = vec![usize::MAX; n];
    let mut unit_of = vec![usize::MAX; n];
    let mut unit_id = 0;
    for (s, units) in stages.iter().enumerate() {
        assert!(!units.is_empty(), "empty stage {s}");
        let firsts: Vec<usize> = units.iter().map(|u| u.nodes[0]).collect();
        assert!(
            firsts.windows(2).all(|w| w[0] < w[1]),
            "units sorted in stage {s}"
        );
        for unit in units {
            assert!(unit.nodes.windows(2).all(|w| w[0] < w[1]), "nodes sorted");
            assert_eq!(unit.cycle, unit.nodes.len() > 1);
            for &node in &unit.nodes {
                assert!(included[node], "excluded node {node} placed");
                assert_eq!(stage_of[node], usize::MAX, "node {node} placed twice");
                stage_of[node] = s;
                unit_of[node] = unit_id;
            }
            unit_id += 1;
        }
    }
    for node in 0..n {
        assert_eq!(
            included[node],
            stage_of[node] != usize::MAX,
            "node {node} placement"
        );
    }
    let reach = transitive_closure(n, edges, included);
    for a in (0..n).filter(|&a| included[a]) {
        for b in (0..n).filter(|&b| included[b] && b != a) {
            let same_scc = reach[a][b] && reach[b][a];
            assert_eq!(
                same_scc,
                unit_of[a] == unit_of[b],
                "units are the SCCs ({a},{b})"
            );
        }
    }
    for &(a, b) in edges {
        if included[a] && included[b] && unit_of[a] != unit_of[b] {
            assert!(
                stage_of[b] < stage_of[a],
                "dependency {b} of {a} ships earlier"
            );
        }
    }
    // Kahn layering is as early as possible: a unit after stage 1 waits for the stage before.
    for (s, units) in stages.iter().enumerate().skip(1) {
        for unit in units {
            let waits = unit.nodes.iter().any(|&a| {
                edges.iter().any(|&(x, b)| {
                    x == a && included[b] && unit_of[b] != unit_of[a] && stage_of[b] == s - 1
                })
            });
            assert!(
                waits,
                "unit {:?} in stage {} could ship earlier",
                unit.nodes,
                s + 1
            );
        }
    }
}

proptest! {
    #[test]
    fn random_dags_are_layered_topologically((n, edges, included) in graphs(true)) {
        let stages = layer_by_dependencies(n, &edges, &included);
        check_layering(n, &edges, &included, &stages);
        prop_assert!(stages.iter().flatten().all(|u| !u.cycle), "a DAG has no cycle units");
    }

    #[test]
    fn graphs_with_cycles_layer_their_condensation((n, edges, included) in graphs(false)) {
        let stages = layer_by_dependencies(n, &edges, &included);
        check_layering(n, &edges, &included, &stages);
    }

    #[test]
    fn layering_does_not_depend_on_edge_order(
        (n, edges, included, shuffled) in graphs(false).prop_flat_map(|(n, edges, included)| {
            let shuffled = Just(edges.clone()).prop_shuffle();
            (Just(n), Just(edges), Just(included), shuffled)
        })
    ) {
        prop_assert_eq!(
            layer_by_dependencies(n, &edges, &included),
            layer_by_dependencies(n, &shuffled, &included)
        );
    }

    #[test]
    fn blocked_propagation_is_exact(
        (n, edges, _) in graphs(false),
        broken_bits in prop::collection::vec(prop::bool::weighted(0.2), 14),
    ) {
        let broken = &broken_bits[..n];
        let everything = vec![true; n];
        let reach = transitive_closure(n, &edges, &everything);
        let result = blocked_by(n, &edges, broken);
        for node in 0..n {
            let expected: Vec<usize> = (0..n).filter(|&b| b != node && broken[b] && reach[node][b]).collect();
            prop_assert_eq!(&result[node], &expected, "node {}", node);
        }
    }
}
