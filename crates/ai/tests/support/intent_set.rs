//! The labelled intent set (`tests/fixtures/cluster_intents.txt`) and its long-tail expansions, generated
//! deterministically: the same call always returns the same keywords in the same order.
//!
//! Shared by the quality tests (`tests/providers/cluster.rs`) and the benchmark (`benches/cluster.rs`) through
//! `#[path]`, so both score exactly the same data.
//!
//! * [`base`]: every intent grown to its labelled size from its hand-written phrasings plus generic modifiers
//!   (about 3,200 keywords, 141 intents, 14 industries; half of the industries tuning, half held out).
//! * [`expanded`]: the base set grown to any size by adding one to three long-tail modifiers (places, years,
//!   audiences, qualifiers, question and comparison forms) to base keywords; each intent keeps its share.

#![allow(dead_code)]

use std::collections::HashSet;

use ai::cluster::ClusterInput;

const INTENTS: &str = include_str!("../fixtures/cluster_intents.txt");

/// One labelled keyword list.
pub struct LabelledSet {
    pub inputs: Vec<ClusterInput>,
    /// Intent id per keyword (an index into `intent_names`).
    pub labels: Vec<usize>,
    /// Whether each keyword belongs to a held-out intent.
    pub held_out: Vec<bool>,
    pub intent_names: Vec<String>,
}

impl LabelledSet {
    /// The keywords of one half (`held_out` true or false), with their labels.
    pub fn half(&self, held_out: bool) -> LabelledSet {
        let keep: Vec<usize> = (0..self.inputs.len()).filter(|&i| self.held_out[i] == held_out).collect();
        LabelledSet {
            inputs: keep.iter().map(|&i| self.inputs[i].clone()).collect(),
            labels: keep.iter().map(|&i| self.labels[i]).collect(),
            held_out: vec![held_out; keep.len()],
            intent_names: self.intent_names.clone(),
        }
    }

    pub fn intent_count(&self) -> usize {
        let distinct: HashSet<usize> = self.labels.iter().copied().collect();
        distinct.len()
    }
}

struct Intent {
    held_out: bool,
    name: String,
    size: usize,
    phrasings: Vec<String>,
}

fn intents() -> Vec<Intent> {
    INTENTS
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let fields: Vec<&str> = line.split('|').collect();
            let [half, industry, name, size, phrasings] = fields[..] else { panic!("bad intent line {line:?}") };
            assert!(half == "T" || half == "H", "bad half in {line:?}");
            Intent {
                held_out: half == "H",
                name: format!("{industry}/{name}"),
                size: size.parse().expect("size"),
                phrasings: phrasings.split(';').map(str::to_owned).collect(),
            }
        })
        .collect()
}

/// Generic modifiers used to grow each intent of the base set to its size.
const BASE_PREFIXES: &[&str] = &[
    "best",
    "top",
    "cheap",
    "affordable",
    "easy",
    "simple",
    "quick",
    "good",
    "free",
    "2025",
    "professional",
    "local",
    "top rated",
    "expert",
    "complete",
    "ultimate",
];
const BASE_SUFFIXES: &[&str] = &[
    "near me",
    "for beginners",
    "for seniors",
    "for women",
    "for men",
    "for students",
    "for families",
    "uk",
    "usa",
    "australia",
    "canada",
    "2025",
    "2026",
    "reviews",
    "guide",
    "tips",
    "online",
    "today",
    "at home",
    "reddit",
    "pros and cons",
    "explained",
    "in texas",
    "in london",
    "in florida",
    "in chicago",
    "checklist",
    "step by step",
    "for dummies",
    "on a budget",
    "youtube",
    "pdf",
    "faq",
    "mistakes to avoid",
];

/// Long-tail modifiers of the expansions: many more places (small towns included), years, audiences and forms.
const PLACES: &[&str] = &[
    "london",
    "manchester",
    "leeds",
    "bristol",
    "ipswich",
    "york",
    "glasgow",
    "cardiff",
    "dublin",
    "cork",
    "new york",
    "boston",
    "chicago",
    "houston",
    "dallas",
    "austin",
    "phoenix",
    "denver",
    "seattle",
    "portland",
    "boise",
    "tulsa",
    "omaha",
    "fresno",
    "tampa",
    "orlando",
    "miami",
    "atlanta",
    "raleigh",
    "nashville",
    "memphis",
    "detroit",
    "cleveland",
    "columbus",
    "toronto",
    "ottawa",
    "calgary",
    "vancouver",
    "halifax",
    "sydney",
    "melbourne",
    "perth",
    "adelaide",
    "brisbane",
    "auckland",
    "wellington",
    "texas",
    "ohio",
    "florida",
    "california",
    "arizona",
    "oregon",
    "georgia",
    "virginia",
    "nsw",
    "ontario",
    "scotland",
    "wales",
    "ireland",
    "india",
    "singapore",
    "dubai",
    "south africa",
    "nigeria",
    "kenya",
    "philippines",
    "malaysia",
];
const YEARS: &[&str] = &["2019", "2020", "2021", "2022", "2023", "2024", "2025", "2026", "2027"];
const QUALIFIERS_BEFORE: &[&str] = &[
    "best",
    "cheap",
    "cheapest",
    "top",
    "top 10",
    "affordable",
    "good",
    "great",
    "easy",
    "simple",
    "quick",
    "fast",
    "free",
    "new",
    "latest",
    "popular",
    "recommended",
    "trusted",
    "reliable",
    "professional",
    "expert",
    "local",
    "beginner",
    "advanced",
    "basic",
    "complete",
    "ultimate",
    "essential",
    "budget",
    "premium",
    "official",
];
const QUALIFIERS_AFTER: &[&str] = &[
    "near me",
    "for beginners",
    "for dummies",
    "for seniors",
    "for women",
    "for men",
    "for kids",
    "for teens",
    "for students",
    "for couples",
    "for families",
    "for busy people",
    "at home",
    "online",
    "today",
    "this year",
    "reviews",
    "review",
    "guide",
    "tips",
    "ideas",
    "explained",
    "checklist",
    "step by step",
    "reddit",
    "quora",
    "youtube",
    "pdf",
    "faq",
    "questions",
    "pros and cons",
    "mistakes",
    "on a budget",
    "uk",
    "usa",
    "us",
    "canada",
    "australia",
    "nz",
    "worldwide",
    "info",
    "information",
    "advice",
    "help",
    "options",
    "near my location",
];
const QUESTION_FORMS: &[&str] = &[
    "what is the best {}",
    "how to find {}",
    "where to find {}",
    "is {} worth it",
    "what to know about {}",
    "how much is {}",
    "why {}",
    "{} comparison",
    "compare {}",
    "{} vs alternatives",
    "{} or not",
    "{} pros and cons",
    "questions about {}",
    "{} explained simply",
    "everything about {}",
];

/// SplitMix64 with a fixed seed: the generator's only source of variety.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Volume of a keyword: the first phrasing of an intent is its head (highest), later ones and variants less.
fn volume(rng: &mut SplitMix, rank: usize) -> i64 {
    let base = 200_000 / (rank as i64 + 1).pow(2);
    base.max(10) + rng.below(100) as i64
}

/// The base set: both halves, intents in file order.
pub fn base() -> LabelledSet {
    let intents = intents();
    let mut rng = SplitMix(0x0001_DE57);
    let mut set = LabelledSet {
        inputs: Vec::new(),
        labels: Vec::new(),
        held_out: Vec::new(),
        intent_names: intents.iter().map(|intent| intent.name.clone()).collect(),
    };
    let mut seen: HashSet<String> = HashSet::new();
    for (label, intent) in intents.iter().enumerate() {
        let mut made = 0;
        let mut attempt = 0;
        while made < intent.size && attempt < 10_000 {
            let phrasing = &intent.phrasings[attempt % intent.phrasings.len()];
            let keyword = if attempt < intent.phrasings.len() {
                phrasing.clone()
            } else if rng.below(3) == 0 {
                format!("{} {phrasing}", rng.pick(BASE_PREFIXES))
            } else {
                format!("{phrasing} {}", rng.pick(BASE_SUFFIXES))
            };
            attempt += 1;
            if !seen.insert(keyword.clone()) {
                continue;
            }
            let rank = if attempt <= intent.phrasings.len() { attempt - 1 } else { intent.phrasings.len() + 2 };
            set.inputs.push(ClusterInput::new(keyword, volume(&mut rng, rank)));
            set.labels.push(label);
            set.held_out.push(intent.held_out);
            made += 1;
        }
        assert_eq!(made, intent.size, "intent {} cannot reach its size", intent.name);
    }
    set
}

/// The base set grown to `count` keywords (at least the base size): base keywords first, then long-tail variants of
/// base keywords chosen round-robin, each with one to three modifiers. Exact repeats are skipped.
pub fn expanded(count: usize) -> LabelledSet {
    let mut set = base();
    let mut rng = SplitMix(count as u64 ^ 0x00EA_9A4D);
    let mut seen: HashSet<String> = set.inputs.iter().map(|input| input.text.clone()).collect();
    let base_len = set.inputs.len();
    let mut next = 0usize;
    let mut attempts = 0usize;
    while set.inputs.len() < count && attempts < count * 20 {
        attempts += 1;
        let source = next % base_len;
        next += 1;
        let mut keyword = set.inputs[source].text.clone();
        let modifiers = 1 + rng.below(3);
        for _ in 0..modifiers {
            keyword = match rng.below(6) {
                0 => format!("{keyword} in {}", rng.pick(PLACES)),
                1 => format!("{keyword} {}", rng.pick(YEARS)),
                2 => format!("{} {keyword}", rng.pick(QUALIFIERS_BEFORE)),
                3 => rng.pick(QUESTION_FORMS).replace("{}", &keyword),
                _ => format!("{keyword} {}", rng.pick(QUALIFIERS_AFTER)),
            };
        }
        if !seen.insert(keyword.clone()) {
            continue;
        }
        let volume = (set.inputs[source].volume.unwrap_or(0) / 50).max(0) + rng.below(20) as i64;
        set.inputs.push(ClusterInput::new(keyword, volume));
        set.labels.push(set.labels[source]);
        set.held_out.push(set.held_out[source]);
    }
    set
}
