//! The convergence property (ARCHITECTURE §6): replicas that apply random edits of every
//! record kind (patients, vitals, patient links, layout templates, encounters, handovers)
//! and exchange their changes in any order — duplicated, in random batches,
//! dependencies arriving late — end with identical documents (same heads) and identical
//! projections, conflicts and resolutions; applying any change twice equals applying it
//! once; and nothing added anywhere is lost. Failing cases are kept in
//! `convergence.regressions` next to this file and replayed first on every run.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use crate::replicas;

use outpost_domain::document::Document;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use replicas::ops::{self, Op, REPLICAS};
use replicas::Replica;

fn run(script: &[Op]) {
    let mut net: Vec<Replica> = (0..REPLICAS as u128).map(Replica::new).collect();
    let mut docs = ops::seed(&mut net);
    let (mut next_entry, mut added) = (0u128, Vec::new());
    for op in script {
        ops::apply(op, &mut net, &mut docs, &mut next_entry, &mut added);
    }
    exchange_all(&mut net);
    assert_converged(&net, &docs);
    for (doc, entry) in &added {
        let record = net[0].docs[doc].patient_record().unwrap();
        let kept = record.allergies.contains_key(entry)
            || record.medications.contains_key(entry)
            || record.problems.contains_key(entry);
        assert!(kept, "entry {entry} added on some replica was lost");
    }

    // One clinician settles every open conflict; once synced, none is left anywhere.
    let r = &mut net[0];
    for id in &docs {
        while let Some(c) = r.docs[id].conflicts().into_iter().next() {
            let meta = r.meta();
            let actor = r.id;
            let doc = r.docs.get_mut(id).unwrap();
            doc.resolve(actor, &meta, &c.path, &c.values[0].value, &meta.author)
                .unwrap();
        }
    }
    exchange_all(&mut net);
    assert_converged(&net, &docs);
    for r in &net {
        for id in &docs {
            assert!(r.docs[id].conflicts().is_empty());
        }
    }
}

/// Everyone hears everything: newest first (dependencies arrive last) and twice.
fn exchange_all(net: &mut [Replica]) {
    let everything: Vec<_> = net.iter().flat_map(Replica::held).collect();
    for r in net.iter_mut() {
        let mut inbound: Vec<_> = everything.iter().rev().cloned().collect();
        inbound.extend(everything.iter().cloned());
        r.receive(inbound, 3);
        assert!(r.waiting.is_empty(), "every dependency arrived");
    }
}

fn assert_converged(net: &[Replica], docs: &[outpost_domain::ids::DocId]) {
    for id in docs {
        let first = &net[0].docs[id];
        let expected = ops::snapshot(first);
        for r in &net[1..] {
            let doc = &r.docs[id];
            assert_eq!(doc.heads(), first.heads(), "same heads for {id}");
            assert_eq!(ops::snapshot(doc), expected, "same view of {id}");
        }
        // Applying every change again, each twice, changes nothing.
        let mut again = first.clone();
        for bytes in first.changes() {
            again
                .apply_remote([bytes.as_slice(), bytes.as_slice()])
                .unwrap();
        }
        assert_eq!(again.heads(), first.heads());
        assert_eq!(ops::snapshot(&again), expected);
        // A saved document reloads to the same state.
        let reloaded = Document::load(*id, first.kind, &first.save()).unwrap();
        assert_eq!(ops::snapshot(&reloaded), expected);
        for conflict in first.conflicts() {
            assert!(conflict.values.len() > 1);
            assert!(conflict.values.iter().all(|v| !v.author.is_empty()));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn replicas_converge_whatever_the_delivery_order(
        script in prop::collection::vec(ops::op(), 1..60)
    ) {
        run(&script);
    }
}
