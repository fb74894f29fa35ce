//! Clustering quality, speed and memory figures (not a test): `cargo bench -p ai --bench cluster` (part of
//! `make bench`).
//!
//! Sets, all labelled with one intent per keyword:
//! * the intent set (`tests/fixtures/cluster_intents.txt`, expanded by `tests/support/intent_set.rs`): its tuning
//!   half, its held-out half (never tuned on), both together, and 10k and 100k long-tail expansions (scored as a
//!   whole and per half);
//! * the older topic fixture (`tests/fixtures/cluster_topics.csv`).
//!
//! For each: ARI, NMI, pair precision and recall, the share of intents split over more than one cluster, the share
//! of clusters mixing intents, the unclustered share, the number of clusters and of parent (pillar) links, time
//! and peak memory. Single-threaded. Peak memory is the process's VmHWM, reset before each set through
//! `/proc/self/clear_refs` where the kernel allows it (otherwise it covers everything run before).

#[path = "../tests/support/intent_set.rs"]
mod intent_set;

use std::time::Instant;

use ai::cluster::metrics::{Scores, score};
use ai::cluster::{ClusterInput, ClusterOptions, ClusterOutcome, cluster_keywords};

const TOPICS: &str = include_str!("../tests/fixtures/cluster_topics.csv");

fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_memory_mib() -> f64 {
    let read = || -> Option<f64> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
        let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib / 1024.0)
    };
    read().unwrap_or(f64::NAN)
}

fn topics_fixture() -> (Vec<ClusterInput>, Vec<usize>) {
    let mut topics: Vec<&str> = Vec::new();
    let mut inputs = Vec::new();
    let mut labels = Vec::new();
    for line in TOPICS.lines().skip(1).filter(|line| !line.trim().is_empty()) {
        let fields: Vec<&str> = line.split(',').collect();
        let [keyword, topic, volume] = fields[..] else { panic!("bad fixture line {line:?}") };
        let label = topics.iter().position(|t| *t == topic).unwrap_or_else(|| {
            topics.push(topic);
            topics.len() - 1
        });
        inputs.push(ClusterInput::new(keyword, volume.parse().expect("volume")));
        labels.push(label);
    }
    (inputs, labels)
}

fn line(name: &str, scores: &Scores) -> String {
    format!(
        "{name:<28} ARI {:.3}  NMI {:.3}  pairP {:.3}  pairR {:.3}  split {:>5.1} %  mixed {:>5.1} %  \
         unclustered {:>5.1} %  {} clusters",
        scores.ari,
        scores.nmi,
        scores.pair_precision,
        scores.pair_recall,
        100.0 * scores.split_intents,
        100.0 * scores.mixed_clusters,
        100.0 * scores.unclustered,
        scores.clusters,
    )
}

/// Clusters one set and prints its figures; `halves` also scores the tuning and held-out keywords separately.
fn run(name: &str, inputs: &[ClusterInput], truth: &[usize], held_out: Option<&[bool]>) {
    reset_peak_memory();
    let start = Instant::now();
    let outcome = cluster_keywords(inputs, &ClusterOptions::default());
    let elapsed = start.elapsed().as_secs_f64();
    let peak = peak_memory_mib();
    let members: Vec<Vec<usize>> = outcome.clusters.iter().map(|cluster| cluster.members.clone()).collect();
    let intents = truth.iter().collect::<std::collections::BTreeSet<_>>().len();
    println!(
        "{name}: {} keywords, {intents} intents; {elapsed:.3} s, peak memory {peak:.0} MiB; {}",
        inputs.len(),
        summary(&outcome)
    );
    if held_out.is_none() || !tuning_only() {
        println!("  {}", line("all", &score(truth, &members, &[])));
    }
    if let Some(held_out) = held_out {
        let tuning: Vec<bool> = held_out.iter().map(|held| !held).collect();
        println!("  {}", line("tuning half", &score(truth, &members, &tuning)));
        if !tuning_only() {
            println!("  {}", line("held-out half", &score(truth, &members, held_out)));
        }
    }
}

/// `CLUSTER_BENCH_DIAG=1` (or `=<count>` for an expansion) prints, for the tuning half only, every split intent,
/// every cluster with its intents and every unclustered keyword: what tuning may look at (never the held-out half).
fn diagnose(set: &intent_set::LabelledSet) {
    let outcome = cluster_keywords(&set.inputs, &ClusterOptions::default());
    let mut per_intent: std::collections::BTreeMap<usize, Vec<(String, usize)>> = Default::default();
    for cluster in &outcome.clusters {
        let mut counts: std::collections::BTreeMap<usize, usize> = Default::default();
        for &m in &cluster.members {
            *counts.entry(set.labels[m]).or_insert(0) += 1;
        }
        for (intent, count) in counts {
            per_intent.entry(intent).or_default().push((cluster.name.clone(), count));
        }
    }
    for (intent, list) in per_intent {
        if list.len() > 1 {
            println!("SPLIT {}: {:?}", set.intent_names[intent], list);
        }
    }
    for cluster in &outcome.clusters {
        let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
        for &m in &cluster.members {
            *counts.entry(set.intent_names[set.labels[m]].as_str()).or_insert(0) += 1;
        }
        let parent = cluster.parent.map(|p| outcome.clusters[p].name.clone()).unwrap_or_default();
        println!("CLUSTER {} (parent {parent}): {counts:?}", cluster.name);
    }
    for &u in &outcome.unclustered {
        println!("UNCLUSTERED {} ({})", set.inputs[u].text, set.intent_names[set.labels[u]]);
    }
}

fn summary(outcome: &ClusterOutcome) -> String {
    let children = outcome.clusters.iter().filter(|cluster| cluster.parent.is_some()).count();
    format!(
        "{} clusters ({} under a pillar), {} unclustered, {} duplicate groups",
        outcome.clusters.len(),
        children,
        outcome.unclustered.len(),
        outcome.duplicates.len()
    )
}

/// `CLUSTER_BENCH_TUNING_ONLY=1` hides every held-out figure (for tuning runs: the held-out half is never tuned on).
fn tuning_only() -> bool {
    std::env::var_os("CLUSTER_BENCH_TUNING_ONLY").is_some()
}

fn main() {
    let base = intent_set::base();
    let tuning = base.half(false);
    let held = base.half(true);
    if let Ok(size) = std::env::var("CLUSTER_BENCH_DIAG") {
        match size.parse::<usize>() {
            Ok(count) => diagnose(&intent_set::expanded(count).half(false)),
            Err(_) => diagnose(&tuning),
        }
        return;
    }
    run("intent set, tuning half", &tuning.inputs, &tuning.labels, None);
    if !tuning_only() {
        run("intent set, held-out half", &held.inputs, &held.labels, None);
        run("intent set, both halves", &base.inputs, &base.labels, Some(&base.held_out));
    }
    let (inputs, truth) = topics_fixture();
    run("topic fixture (old)", &inputs, &truth, None);

    // `CLUSTER_BENCH_QUICK=1` stops here (quick quality checks in a debug build).
    if std::env::var_os("CLUSTER_BENCH_QUICK").is_some() {
        return;
    }
    for count in [10_000, 100_000] {
        let set = intent_set::expanded(count);
        run(&format!("intent set, {count} keywords"), &set.inputs, &set.labels, Some(&set.held_out));
    }
}
