//! Clustering speed and quality figures (not a test): `cargo bench -p ai --bench cluster`.
//!
//! Times `cluster_keywords` on synthetic keyword lists of 10k and 100k keywords (head terms × qualifiers ×
//! modifiers × places, drawn with a fixed seed) and scores the labelled fixture with ARI and NMI. Single-threaded;
//! peak memory is the process's VmHWM, so it covers everything run up to that point.

use std::time::Instant;

use ai::cluster::metrics::{adjusted_rand_index, normalized_mutual_info};
use ai::cluster::{ClusterInput, ClusterOptions, ClusterOutcome, cluster_keywords};

const FIXTURE: &str = include_str!("../tests/fixtures/cluster_topics.csv");

const PRODUCTS: &[&str] = &[
    "shoes",
    "boots",
    "jacket",
    "backpack",
    "tent",
    "laptop",
    "headphones",
    "keyboard",
    "monitor",
    "office chair",
    "standing desk",
    "sofa",
    "mattress",
    "pillow",
    "blender",
    "coffee maker",
    "espresso machine",
    "air fryer",
    "vacuum cleaner",
    "lawn mower",
    "bicycle",
    "scooter",
    "stroller",
    "car seat",
    "dog bed",
    "cat tree",
    "aquarium",
    "guitar",
    "piano",
    "camera",
    "drone",
    "watch",
    "sunglasses",
    "perfume",
    "shampoo",
    "sunscreen",
    "protein powder",
    "yoga mat",
    "treadmill",
    "kayak",
];
const QUALIFIERS: &[&str] = &[
    "running",
    "hiking",
    "waterproof",
    "wireless",
    "electric",
    "portable",
    "ergonomic",
    "leather",
    "wooden",
    "organic",
    "vegan",
    "kids",
    "womens",
    "mens",
    "travel",
    "gaming",
    "outdoor",
    "indoor",
    "smart",
    "vintage",
    "compact",
    "heavy duty",
    "budget",
    "luxury",
    "foldable",
];
const PREFIXES: &[&str] = &[
    "best",
    "cheap",
    "buy",
    "top 10",
    "affordable",
    "how to clean",
    "how to choose",
    "used",
    "new",
    "discount",
    "custom",
    "professional",
    "handmade",
    "lightweight",
    "eco friendly",
    "2025",
    "top rated",
    "replacement",
    "refurbished",
    "what is the best",
];
const SUFFIXES: &[&str] = &[
    "for beginners",
    "for women",
    "for men",
    "for kids",
    "under 100",
    "under 500",
    "reviews",
    "sale",
    "deals",
    "near me",
    "online",
    "alternatives",
    "guide",
    "parts",
    "accessories",
    "repair",
    "brands",
    "size chart",
    "price",
    "with warranty",
];
const PLACES: &[&str] = &[
    "london",
    "new york",
    "chicago",
    "texas",
    "california",
    "toronto",
    "sydney",
    "dublin",
    "uk",
    "usa",
    "canada",
    "australia",
    "berlin",
    "paris",
    "madrid",
    "seattle",
    "boston",
    "denver",
    "miami",
    "austin",
    "dallas",
    "houston",
    "phoenix",
    "atlanta",
    "melbourne",
    "auckland",
    "manchester",
    "glasgow",
    "vancouver",
    "montreal",
];

/// SplitMix64: a tiny fixed-seed generator, so every run benchmarks the same keywords.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn synthetic(count: usize, seed: u64) -> Vec<ClusterInput> {
    let mut rng = SplitMix(seed);
    (0..count)
        .map(|_| {
            let mut words = Vec::new();
            if rng.chance(50) {
                words.push(rng.pick(PREFIXES));
            }
            if rng.chance(70) {
                words.push(rng.pick(QUALIFIERS));
            }
            words.push(rng.pick(PRODUCTS));
            if rng.chance(50) {
                words.push(rng.pick(SUFFIXES));
            }
            if rng.chance(30) {
                words.push("in");
                words.push(rng.pick(PLACES));
            }
            let volume = (rng.next() % 50_000) as i64;
            ClusterInput::new(words.join(" "), volume)
        })
        .collect()
}

fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn fixture() -> (Vec<ClusterInput>, Vec<usize>) {
    let mut topics: Vec<&str> = Vec::new();
    let mut inputs = Vec::new();
    let mut labels = Vec::new();
    for line in FIXTURE.lines().skip(1).filter(|line| !line.trim().is_empty()) {
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

fn summary(outcome: &ClusterOutcome, keywords: usize) -> String {
    let clustered: usize = outcome.clusters.iter().map(|cluster| cluster.members.len()).sum();
    format!(
        "{} clusters, {} keywords clustered ({:.1} %), {} unclustered, {} duplicate groups",
        outcome.clusters.len(),
        clustered,
        100.0 * clustered as f64 / keywords.max(1) as f64,
        outcome.unclustered.len(),
        outcome.duplicates.len()
    )
}

fn main() {
    let (inputs, truth) = fixture();
    let topics = truth.iter().max().map_or(0, |max| max + 1);
    println!("fixture: {} keywords, {} topics", inputs.len(), topics);
    let variants = [
        ("defaults (3-10 per cluster)", ClusterOptions::default()),
        ("no size cap (min 2)", ClusterOptions { min_size: 2, max_size: usize::MAX, ..ClusterOptions::default() }),
    ];
    for (name, options) in variants {
        let outcome = cluster_keywords(&inputs, &options);
        let predicted = outcome.labels(inputs.len());
        println!(
            "  {name}: ARI {:.3}, NMI {:.3}; {}",
            adjusted_rand_index(&truth, &predicted),
            normalized_mutual_info(&truth, &predicted),
            summary(&outcome, inputs.len())
        );
    }

    // `CLUSTER_BENCH_FIXTURE_ONLY=1` stops here (quick quality checks in a debug build).
    if std::env::var_os("CLUSTER_BENCH_FIXTURE_ONLY").is_some() {
        return;
    }
    for (count, seed) in [(10_000, 10), (100_000, 100)] {
        let keywords = synthetic(count, seed);
        let start = Instant::now();
        let outcome = cluster_keywords(&keywords, &ClusterOptions::default());
        let elapsed = start.elapsed().as_secs_f64();
        println!(
            "synthetic {count}: {elapsed:.3} s, {:.0} keywords/s, peak memory {:.0} MiB; {}",
            count as f64 / elapsed,
            peak_memory_mib().unwrap_or(f64::NAN),
            summary(&outcome, count)
        );
    }
}
