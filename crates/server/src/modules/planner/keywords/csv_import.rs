//! Reading keyword CSV files as people export them from SEO tools: UTF-8 with or without a BOM; comma, semicolon
//! or tab separated; quoted fields; a header row whose column names vary (`Keyword`, `Query`, `Search Volume`,
//! `KD`…). Every row is checked; problems are reported with their line number, and nothing is written unless the
//! whole file is usable.

use std::collections::HashSet;

use serde::Serialize;
use utoipa::ToSchema;

/// One usable row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: usize,
    pub keyword: String,
    pub normalized: String,
    pub volume: Option<i64>,
    pub difficulty: Option<i32>,
    pub intent: Option<&'static str>,
    pub cpc: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RowError {
    /// 1-based line in the file (the header is line 1).
    pub line: usize,
    /// The column at fault, when one is.
    pub column: Option<&'static str>,
    pub message: String,
}

/// What a file holds.
#[derive(Debug, Default)]
pub struct Parsed {
    pub rows: Vec<Row>,
    pub errors: Vec<RowError>,
    /// Rows repeating a keyword seen earlier in the file (same normalised text): counted, not imported twice.
    pub duplicates: usize,
    /// Data rows read (blank lines excluded).
    pub total: usize,
}

/// Longest keyword accepted (the column is 255 characters).
const MAX_KEYWORD: usize = 255;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Keyword,
    Volume,
    Difficulty,
    Intent,
    Cpc,
}

fn column_of(header: &str) -> Option<Column> {
    let h: String = header
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Some(match h.as_str() {
        "keyword" | "keywords" | "query" | "queries" | "term" | "search term" | "search query" | "phrase"
        | "keyword phrase" | "top queries" => Column::Keyword,
        "volume"
        | "search volume"
        | "avg monthly searches"
        | "monthly searches"
        | "sv"
        | "searches"
        | "avg search volume"
        | "global volume" => Column::Volume,
        "difficulty" | "kd" | "keyword difficulty" | "kd %" | "seo difficulty" | "competition score" => {
            Column::Difficulty
        }
        "intent" | "search intent" | "intents" => Column::Intent,
        "cpc" | "cpc usd" | "cost per click" | "top of page bid" => Column::Cpc,
        _ => return None,
    })
}

/// The separator: whichever of `,`, `;` and tab appears most in the first line (outside quotes).
fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or_default();
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for c in first.bytes() {
        if c == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (d, n) in &mut counts {
                if c == *d {
                    *n += 1;
                }
            }
        }
    }
    counts.iter().max_by_key(|(_, n)| *n).filter(|(_, n)| *n > 0).map_or(b',', |(d, _)| *d)
}

/// Numbers as tools write them: `1,200`, `1 200`, `12.5`, `45%`, `$0.80`, `<10`.
fn number(raw: &str) -> Option<f64> {
    let cleaned: String =
        raw.trim().chars().filter(|c| !matches!(c, ',' | ' ' | '\u{a0}' | '%' | '$' | '€' | '£' | '<' | '>')).collect();
    if cleaned.is_empty() {
        return None;
    }
    cleaned.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Parses a whole file. A file without a recognisable header is read as one keyword per line.
pub fn parse(bytes: &[u8]) -> Result<Parsed, RowError> {
    let text = std::str::from_utf8(bytes).map_err(|e| RowError {
        line: 1 + bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count(),
        column: None,
        message: "The file is not UTF-8 text; save it as CSV UTF-8 and try again.".into(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let delimiter = sniff_delimiter(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let mut parsed = Parsed::default();
    let first = match records.next() {
        None => return Ok(parsed),
        Some(record) => record.map_err(|e| csv_error(&e))?,
    };
    let header: Vec<Option<Column>> = first.iter().map(column_of).collect();
    let keyword_at = header.iter().position(|c| *c == Some(Column::Keyword));
    let (columns, pending_first) = match keyword_at {
        Some(_) => (header, None),
        // No header: the first column is the keyword, and the first line is data.
        None => (vec![Some(Column::Keyword)], Some(first)),
    };
    let mut seen = HashSet::new();
    let mut handle = |record: csv::StringRecord, parsed: &mut Parsed| {
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(str::is_empty) {
            return;
        }
        parsed.total += 1;
        match row(&record, &columns, line) {
            Ok(row) => {
                if seen.insert(row.normalized.clone()) {
                    parsed.rows.push(row);
                } else {
                    parsed.duplicates += 1;
                }
            }
            Err(error) => parsed.errors.push(error),
        }
    };
    if let Some(record) = pending_first {
        handle(record, &mut parsed);
    }
    for record in records {
        match record {
            Ok(record) => handle(record, &mut parsed),
            Err(error) => parsed.errors.push(csv_error(&error)),
        }
    }
    Ok(parsed)
}

fn csv_error(error: &csv::Error) -> RowError {
    let line = error.position().map_or(0, |p| p.line() as usize);
    RowError { line, column: None, message: format!("This line cannot be read as CSV: {error}") }
}

fn row(record: &csv::StringRecord, columns: &[Option<Column>], line: usize) -> Result<Row, RowError> {
    let get = |wanted: Column| columns.iter().position(|c| *c == Some(wanted)).and_then(|i| record.get(i));
    let error = |column: &'static str, message: String| RowError { line, column: Some(column), message };
    let keyword = get(Column::Keyword).unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
    let normalized = ai::normalise::normalise_keyword(&keyword);
    if normalized.is_empty() {
        return Err(error("keyword", "The keyword is empty.".into()));
    }
    if keyword.chars().count() > MAX_KEYWORD {
        return Err(error("keyword", format!("The keyword is longer than {MAX_KEYWORD} characters.")));
    }
    let volume = match get(Column::Volume).filter(|v| !v.is_empty()) {
        None => None,
        Some(raw) => match number(raw) {
            Some(n) if (0.0..=1e12).contains(&n) => Some(n.round() as i64),
            _ => return Err(error("volume", format!("Volume {raw:?} is not a number ≥ 0."))),
        },
    };
    let difficulty = match get(Column::Difficulty).filter(|v| !v.is_empty()) {
        None => None,
        Some(raw) => match number(raw) {
            Some(n) if (0.0..=100.0).contains(&n) => Some(n.round() as i32),
            _ => return Err(error("difficulty", format!("Difficulty {raw:?} is not a number from 0 to 100."))),
        },
    };
    let intent = match get(Column::Intent).filter(|v| !v.is_empty()) {
        None => None,
        // Tools sometimes list several intents ("commercial, informational"): the first one counts.
        Some(raw) => match domain::planner::parse_intent(raw.split([',', '/', '|']).next().unwrap_or_default()) {
            Some(intent) => Some(intent),
            None => {
                return Err(error(
                    "intent",
                    format!("Intent {raw:?} is not informational, commercial, transactional or navigational."),
                ));
            }
        },
    };
    let cpc = match get(Column::Cpc).filter(|v| !v.is_empty()) {
        None => None,
        Some(raw) => match number(raw) {
            Some(n) if n >= 0.0 => Some(n),
            _ => return Err(error("cpc", format!("CPC {raw:?} is not a number ≥ 0."))),
        },
    };
    Ok(Row { line, keyword, normalized, volume, difficulty, intent, cpc })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_common_exports() {
        let file = "\u{feff}Keyword,Search Volume,KD,Intent,CPC\n\
                    running shoes,\"12,100\",67,Commercial,$1.20\n\
                    \"trail, running shoes\",880,45%,informational,0.5\n\
                    \n\
                    Running  Shoes,10,1,,\n";
        let parsed = parse(file.as_bytes()).unwrap();
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        assert_eq!(parsed.total, 3);
        assert_eq!(parsed.duplicates, 1);
        assert_eq!(parsed.rows.len(), 2);
        let first = &parsed.rows[0];
        assert_eq!((first.keyword.as_str(), first.volume, first.difficulty), ("running shoes", Some(12_100), Some(67)));
        assert_eq!((first.intent, first.cpc, first.line), (Some("commercial"), Some(1.2), 2));
        assert_eq!(parsed.rows[1].keyword, "trail, running shoes");
        assert_eq!(parsed.rows[1].difficulty, Some(45));
    }

    #[test]
    fn semicolons_tabs_and_other_header_names() {
        let semi = parse("Query;Volume\nred shoes;100\nblue shoes;1 200\n".as_bytes()).unwrap();
        assert_eq!(semi.rows.iter().map(|r| r.volume).collect::<Vec<_>>(), vec![Some(100), Some(1200)]);
        let tab = parse("term\tkeyword difficulty\nboots\t12\n".as_bytes()).unwrap();
        assert_eq!((tab.rows[0].keyword.as_str(), tab.rows[0].difficulty), ("boots", Some(12)));
    }

    #[test]
    fn a_plain_list_has_no_header() {
        let parsed = parse(b"dog beds\ncat trees\n").unwrap();
        assert_eq!(parsed.rows.iter().map(|r| r.keyword.as_str()).collect::<Vec<_>>(), vec!["dog beds", "cat trees"]);
        assert_eq!(parsed.rows[0].line, 1);
    }

    #[test]
    fn bad_rows_are_reported_with_lines() {
        let file = "keyword,volume,difficulty,intent\nok,1,2,\n,5,5,\nx,lots,1,\ny,1,101,\nz,1,1,curious\n";
        let parsed = parse(file.as_bytes()).unwrap();
        assert_eq!(parsed.rows.len(), 1);
        let errors: Vec<(usize, Option<&str>)> = parsed.errors.iter().map(|e| (e.line, e.column)).collect();
        assert_eq!(
            errors,
            vec![(3, Some("keyword")), (4, Some("volume")), (5, Some("difficulty")), (6, Some("intent"))]
        );
    }

    #[test]
    fn rejects_non_utf8() {
        let error = parse(b"keyword\ncaf\xe9\n").unwrap_err();
        assert_eq!(error.line, 2);
    }
}
