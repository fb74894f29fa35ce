//! The keyword clustering engine on small pinned cases and on the labelled fixture.

use std::collections::BTreeSet;

use ai::cluster::metrics::{adjusted_rand_index, normalized_mutual_info, score};
use ai::cluster::{
    ClusterError, ClusterInput, ClusterOptions, ClusterOutcome, Intent, cluster_keywords,
    cluster_keywords_with_embeddings,
};

#[path = "../support/intent_set.rs"]
mod intent_set;

const FIXTURE: &str = include_str!("../fixtures/cluster_topics.csv");

fn inputs(keywords: &[(&str, i64)]) -> Vec<ClusterInput> {
    keywords.iter().map(|&(text, volume)| ClusterInput::new(text, volume)).collect()
}

fn run(keywords: &[(&str, i64)]) -> (Vec<ClusterInput>, ClusterOutcome) {
    let input = inputs(keywords);
    let outcome = cluster_keywords(&input, &ClusterOptions::default());
    assert_partition(&outcome, input.len());
    (input, outcome)
}

/// Every input index exactly once: in one cluster or unclustered.
fn assert_partition(outcome: &ClusterOutcome, len: usize) {
    let mut seen = vec![0; len];
    for &index in outcome.clusters.iter().flat_map(|cluster| &cluster.members).chain(&outcome.unclustered) {
        seen[index] += 1;
    }
    assert!(seen.iter().all(|&count| count == 1), "not a partition: {seen:?}");
    for cluster in &outcome.clusters {
        assert_eq!(cluster.members.first(), Some(&cluster.pillar), "pillar first in {}", cluster.name);
    }
}

/// The grouping as sets of keyword texts, independent of order.
fn grouping(input: &[ClusterInput], outcome: &ClusterOutcome) -> BTreeSet<BTreeSet<String>> {
    outcome
        .clusters
        .iter()
        .map(|cluster| cluster.members.iter().map(|&index| input[index].text.clone()).collect())
        .collect()
}

fn cluster_of<'a>(input: &[ClusterInput], outcome: &'a ClusterOutcome, text: &str) -> Option<&'a ai::cluster::Cluster> {
    let index = input.iter().position(|keyword| keyword.text == text)?;
    outcome.clusters.iter().find(|cluster| cluster.members.contains(&index))
}

fn fixture() -> (Vec<ClusterInput>, Vec<usize>) {
    let mut topics: Vec<&str> = Vec::new();
    let mut input = Vec::new();
    let mut labels = Vec::new();
    for line in FIXTURE.lines().skip(1).filter(|line| !line.is_empty()) {
        let fields: Vec<&str> = line.split(',').collect();
        let [keyword, topic, volume] = fields[..] else { panic!("bad fixture line {line:?}") };
        if !topics.contains(&topic) {
            topics.push(topic);
        }
        labels.push(topics.iter().position(|known| *known == topic).unwrap());
        input.push(ClusterInput::new(keyword, volume.parse().unwrap()));
    }
    (input, labels)
}

const SHOES_AND_BEDS: &[(&str, i64)] = &[
    ("running shoes", 90_000),
    ("best running shoes", 40_000),
    ("running shoes for women", 20_000),
    ("nike running shoes", 12_000),
    ("adidas running shoes", 8_000),
    ("cushioned running shoes", 3_000),
    ("dog bed", 50_000),
    ("orthopedic dog bed", 9_000),
    ("large dog beds", 7_000),
    ("calming dog bed", 6_000),
    ("sourdough starter", 30_000),
];

#[test]
fn empty_input() {
    let (_, outcome) = run(&[]);
    assert_eq!(outcome, ClusterOutcome::default());
}

#[test]
fn one_keyword_is_unclustered() {
    let (_, outcome) = run(&[("running shoes", 10)]);
    assert!(outcome.clusters.is_empty());
    assert_eq!(outcome.unclustered, vec![0]);
}

#[test]
fn keywords_without_words_are_unclustered() {
    let (_, outcome) = run(&[("  ", 1), ("?!", 1), ("dog bed", 1), ("dog beds", 1)]);
    assert!(outcome.clusters.is_empty());
    assert_eq!(outcome.unclustered, vec![0, 1, 2, 3]);
}

#[test]
fn topics_separate_and_unrelated_keywords_stay_out() {
    let (input, outcome) = run(SHOES_AND_BEDS);
    let expected: BTreeSet<BTreeSet<String>> = [&SHOES_AND_BEDS[..6], &SHOES_AND_BEDS[6..10]]
        .iter()
        .map(|topic| topic.iter().map(|(text, _)| text.to_string()).collect())
        .collect();
    assert_eq!(grouping(&input, &outcome), expected);
    assert_eq!(outcome.unclustered, vec![10]);
    let names: Vec<&str> = outcome.clusters.iter().map(|cluster| cluster.name.as_str()).collect();
    assert_eq!(names, ["Running Shoes", "Dog Bed"]);
}

#[test]
fn brand_keywords_join_their_product_not_a_brand_cluster() {
    let (input, outcome) = run(SHOES_AND_BEDS);
    let running = cluster_of(&input, &outcome, "running shoes").expect("running shoes clustered");
    for branded in ["nike running shoes", "adidas running shoes"] {
        let cluster = cluster_of(&input, &outcome, branded).expect("branded keyword clustered");
        assert_eq!(cluster.pillar, running.pillar, "{branded}");
    }
    let with_brands = ClusterOptions { brand_terms: vec!["Nike".into(), "Adidas".into()], ..Default::default() };
    let branded = cluster_keywords(&input, &with_brands);
    assert_eq!(grouping(&input, &branded), grouping(&input, &outcome));
}

#[test]
fn plurals_word_order_stopwords_case_and_unicode_are_duplicates() {
    let (input, outcome) = run(&[
        ("dog bed", 500),
        ("dog beds", 900),
        ("Dog Beds", 10),
        ("running shoes for women", 300),
        ("women running shoe", 200),
        ("shoes running women", 100),
        ("ＷＯＭＥＮ’S RUNNING SHOES", 50),
        ("café near me", 40),
        ("CAFE\u{301}  NEAR ME", 30),
    ]);
    let groups: Vec<(usize, Vec<usize>)> =
        outcome.duplicates.iter().map(|group| (group.canonical, group.duplicates.clone())).collect();
    assert_eq!(groups, vec![(1, vec![0, 2]), (3, vec![4, 5, 6]), (7, vec![8])]);
    // Three distinct keywords, each below min_size on its own: nothing is forced into a cluster.
    assert!(outcome.clusters.is_empty(), "{:?}", grouping(&input, &outcome));
}

#[test]
fn duplicates_follow_their_canonical_keyword_into_a_cluster() {
    let (input, outcome) = run(&[
        ("dog bed", 500),
        ("dog beds", 900),
        ("orthopedic dog bed", 90),
        ("orthopaedic dog beds", 5),
        ("large dog bed", 80),
        ("calming dog bed", 70),
    ]);
    let cluster = cluster_of(&input, &outcome, "dog bed").expect("clustered");
    assert_eq!(cluster.members.len(), 6, "{:?}", grouping(&input, &outcome));
    assert_eq!(input[cluster.pillar].text, "dog beds");
    assert_eq!(cluster.name, "Dog Beds");
}

#[test]
fn pillar_is_highest_volume_then_shortest_then_alphabetical() {
    let (input, outcome) = run(&[
        ("best espresso machine", 5_000),
        ("espresso machine", 5_000),
        ("espresso machine with grinder", 9_000),
        ("cheap espresso machine", 9_000),
        ("espresso machine for home", 9_000),
        ("delonghi espresso machine", 100),
    ]);
    assert_eq!(outcome.clusters.len(), 1);
    let cluster = &outcome.clusters[0];
    let members: Vec<&str> = cluster.members.iter().map(|&index| input[index].text.as_str()).collect();
    assert_eq!(
        members,
        [
            "cheap espresso machine",
            "espresso machine for home",
            "espresso machine with grinder",
            "espresso machine",
            "best espresso machine",
            "delonghi espresso machine"
        ]
    );
    assert_eq!(cluster.name, "Cheap Espresso Machine");

    let unknown = cluster_keywords(
        &[
            ClusterInput::without_volume("solar panel cost"),
            ClusterInput::new("solar panels", 0),
            ClusterInput::without_volume("solar panel installation"),
        ],
        &ClusterOptions::default(),
    );
    assert_eq!(unknown.clusters[0].pillar, 1, "a known zero beats an unknown volume");
}

#[test]
fn intent_labels() {
    let (input, outcome) = run(&[
        ("buy solar panels", 100),
        ("solar panel price", 90),
        ("cheap solar panels", 80),
        ("solar panels near me", 70),
        ("how to train a puppy", 100),
        ("puppy training guide", 90),
        ("what age to start puppy training", 80),
        ("best trail running shoes", 100),
        ("trail running shoes review", 90),
        ("top trail running shoes", 80),
        ("chase bank login", 100),
        ("chase bank sign in", 90),
        ("chase bank customer service", 80),
    ]);
    let intent = |text: &str| cluster_of(&input, &outcome, text).map(|cluster| cluster.intent);
    assert_eq!(intent("buy solar panels"), Some(Intent::Transactional));
    assert_eq!(intent("how to train a puppy"), Some(Intent::Informational));
    assert_eq!(intent("best trail running shoes"), Some(Intent::Commercial));
    assert_eq!(intent("chase bank login"), Some(Intent::Navigational));
    assert_eq!(serde_json::to_value(Intent::Commercial).unwrap(), "commercial");
}

fn dog_bed_variants() -> Vec<ClusterInput> {
    let qualifiers = [
        "red", "blue", "green", "black", "white", "large", "small", "cheap", "soft", "hard", "round", "square", "long",
        "short", "wide", "narrow", "light", "heavy", "warm", "cool", "dark", "bright", "thin", "thick", "tall",
    ];
    qualifiers.iter().map(|qualifier| ClusterInput::new(format!("{qualifier} dog bed"), 10)).collect()
}

#[test]
fn a_big_intent_stays_one_cluster() {
    let input = dog_bed_variants();
    let outcome = cluster_keywords(&input, &ClusterOptions::default());
    assert_partition(&outcome, input.len());
    assert_eq!(outcome.clusters.len(), 1, "{:?}", grouping(&input, &outcome));
    assert_eq!(outcome.clusters[0].members.len(), input.len());
}

#[test]
fn an_explicit_cap_still_splits() {
    let input = dog_bed_variants();
    let options = ClusterOptions { max_size: 10, min_size: 3, ..ClusterOptions::default() };
    let outcome = cluster_keywords(&input, &options);
    assert_partition(&outcome, input.len());
    assert!(outcome.clusters.len() >= 3, "{} clusters", outcome.clusters.len());
    for cluster in &outcome.clusters {
        assert!((options.min_size..=options.max_size).contains(&cluster.members.len()), "{}", cluster.members.len());
    }
}

/// Look-alike intents that share a head term stay apart while modifiers do not split an intent (on the tuning half,
/// where the list is large enough to learn its modifiers). Known gap: "cat food" and "dog food" (same modifiers,
/// one shared word) still merge.
#[test]
fn shared_head_terms_do_not_merge_intents() {
    let set = intent_set::base().half(false);
    let outcome = cluster_keywords(&set.inputs, &ClusterOptions::default());
    let name = |text: &str| cluster_of(&set.inputs, &outcome, text).map(|cluster| cluster.name.clone());
    assert!(name("mortgage rates").is_some());
    assert_ne!(name("mortgage rates"), name("mortgage calculator"));
    assert_eq!(name("mortgage rates"), name("30 year fixed mortgage rates"));
    assert_eq!(name("mortgage rates"), name("current mortgage rates"));
    assert_ne!(name("mortgage rates"), name("refinance"));
    assert_eq!(name("cat food"), name("wet cat food"));
    assert_ne!(name("cat food"), name("cat food bowls"));
    assert_ne!(name("cat food"), name("kitten food"));
    assert_ne!(name("cat litter"), name("litter box"));
    assert_ne!(name("learn python"), name("vpn"));
}

#[test]
fn parents_are_pillars_of_related_clusters() {
    let set = intent_set::base().half(false);
    let outcome = cluster_keywords(&set.inputs, &ClusterOptions::default());
    assert_partition(&outcome, set.inputs.len());
    let children: Vec<&ai::cluster::Cluster> = outcome.clusters.iter().filter(|c| c.parent.is_some()).collect();
    assert!(!children.is_empty(), "some clusters sit under a pillar");
    for (index, cluster) in outcome.clusters.iter().enumerate() {
        if let Some(parent) = cluster.parent {
            assert!(parent < index, "a pillar comes before its children");
            assert_eq!(outcome.clusters[parent].parent, None, "one level: {}", cluster.name);
        }
    }
}

#[test]
fn shuffled_input_gives_the_same_clusters() {
    let (input, _) = fixture();
    let outcome = cluster_keywords(&input, &ClusterOptions::default());
    assert_partition(&outcome, input.len());
    let mut shuffled = input.clone();
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    for i in (1..shuffled.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        shuffled.swap(i, (state % (i as u64 + 1)) as usize);
    }
    assert_ne!(shuffled, input);
    let reshuffled = cluster_keywords(&shuffled, &ClusterOptions::default());
    assert_eq!(grouping(&shuffled, &reshuffled), grouping(&input, &outcome));
    let names = |outcome: &ClusterOutcome| outcome.clusters.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&reshuffled), names(&outcome));
    assert_eq!(cluster_keywords(&input, &ClusterOptions::default()), outcome, "same input, same outcome");
}

#[test]
fn cluster_names_are_unique() {
    let (input, _) = fixture();
    let outcome = cluster_keywords(&input, &ClusterOptions::default());
    let names: BTreeSet<String> = outcome.clusters.iter().map(|cluster| cluster.name.to_lowercase()).collect();
    assert_eq!(names.len(), outcome.clusters.len());
}

/// Regression guards a little below the measured figures (see `benches/cluster.rs` and the module docs).
#[test]
fn fixture_quality() {
    let (input, truth) = fixture();
    assert!(input.len() >= 600);
    let outcome = cluster_keywords(&input, &ClusterOptions::default());
    let predicted = outcome.labels(input.len());
    let ari = adjusted_rand_index(&truth, &predicted);
    let nmi = normalized_mutual_info(&truth, &predicted);
    assert!(ari >= ARI_FLOOR, "ARI {ari:.3}");
    assert!(nmi >= NMI_FLOOR, "NMI {nmi:.3}");
}

const ARI_FLOOR: f64 = 0.78;
const NMI_FLOOR: f64 = 0.91;

fn set_scores(set: &intent_set::LabelledSet) -> ai::cluster::metrics::Scores {
    let outcome = cluster_keywords(&set.inputs, &ClusterOptions::default());
    assert_partition(&outcome, set.inputs.len());
    let members: Vec<Vec<usize>> = outcome.clusters.iter().map(|cluster| cluster.members.clone()).collect();
    score(&set.labels, &members, &[])
}

#[test]
fn intent_set_is_as_described() {
    let base = intent_set::base();
    let (tuning, held) = (base.half(false), base.half(true));
    assert!(tuning.inputs.len() >= 1_500 && held.inputs.len() >= 1_500);
    assert!(base.intent_count() >= 80 && tuning.intent_count() >= 40 && held.intent_count() >= 40);
    let expanded = intent_set::expanded(10_000);
    assert_eq!(expanded.inputs.len(), 10_000);
    assert_eq!(expanded.intent_count(), base.intent_count());
    assert_eq!(intent_set::expanded(10_000).inputs, expanded.inputs, "deterministic");
}

/// The tuning half: the engine was tuned on it, so this is a floor a little below the measured figures.
#[test]
fn intent_set_tuning_half_quality() {
    let scores = set_scores(&intent_set::base().half(false));
    assert!(scores.ari >= TUNING_ARI_FLOOR, "{scores:?}");
    assert!(scores.split_intents <= TUNING_SPLIT_CEILING, "{scores:?}");
}

const TUNING_ARI_FLOOR: f64 = 0.78;
const TUNING_SPLIT_CEILING: f64 = 0.45;

/// The held-out half is never tuned on; this only guards against a collapse, far below the reported figure.
#[test]
fn intent_set_held_out_half_regression_guard() {
    let scores = set_scores(&intent_set::base().half(true));
    assert!(scores.ari >= HELD_OUT_ARI_GUARD, "{scores:?}");
}

const HELD_OUT_ARI_GUARD: f64 = 0.6;

#[test]
fn embeddings_group_synonyms_without_shared_words() {
    let texts = ["sneakers", "trainers", "running shoes", "athletic footwear", "mortgage", "home loan", "tax return"];
    let input: Vec<ClusterInput> = texts.iter().map(|text| ClusterInput::new(*text, 10)).collect();
    let lexical = cluster_keywords(&input, &ClusterOptions::default());
    assert!(lexical.clusters.is_empty());
    let shoe = vec![1.0, 0.1, 0.0];
    let loan = vec![0.0, 0.1, 1.0];
    let embeddings = vec![shoe.clone(), shoe.clone(), shoe.clone(), shoe, loan.clone(), loan, Vec::new()];
    let semantic = cluster_keywords_with_embeddings(&input, &embeddings, &ClusterOptions::default()).unwrap();
    assert_partition(&semantic, input.len());
    let groups: BTreeSet<BTreeSet<&str>> =
        semantic.clusters.iter().map(|cluster| cluster.members.iter().map(|&index| texts[index]).collect()).collect();
    let expected = [
        BTreeSet::from(["sneakers", "trainers", "running shoes", "athletic footwear"]),
        BTreeSet::from(["mortgage", "home loan"]),
    ];
    assert_eq!(groups, BTreeSet::from(expected));
    assert_eq!(semantic.unclustered, vec![6], "no vector means lexical only");
}

#[test]
fn embeddings_must_fit_the_input() {
    let input = inputs(&[("a b", 1), ("c d", 1)]);
    assert_eq!(
        cluster_keywords_with_embeddings(&input, &[vec![1.0]], &ClusterOptions::default()),
        Err(ClusterError::EmbeddingCount { keywords: 2, embeddings: 1 })
    );
    assert_eq!(
        cluster_keywords_with_embeddings(&input, &[vec![1.0, 0.0], vec![1.0]], &ClusterOptions::default()),
        Err(ClusterError::EmbeddingDimensions { index: 1, expected: 2, found: 1 })
    );
}

#[test]
fn out_of_range_options_are_clamped() {
    let options = ClusterOptions {
        threshold: f32::NAN,
        attach_threshold: 7.0,
        min_size: 0,
        max_size: 0,
        embedding_weight: -1.0,
        max_key_frequency: 0,
        max_neighbours: 0,
        ..ClusterOptions::default()
    };
    let input = inputs(SHOES_AND_BEDS);
    let outcome = cluster_keywords(&input, &options);
    assert_partition(&outcome, input.len());
}
