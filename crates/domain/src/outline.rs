//! An idea's outline: the H2 sections (each with its H3s) that content generation follows, persisted with the
//! idea (the original lost it: a known bug not to repeat).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Section {
    pub h2: String,
    #[serde(default)]
    pub h3: Vec<String>,
}

/// Sections in reading order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct Outline(pub Vec<Section>);

/// An outline the writer can follow: SPEC's 6–10 H2 sections, each titled, H3s titled.
pub const MIN_SECTIONS: usize = 6;
pub const MAX_SECTIONS: usize = 10;

impl Outline {
    /// Trims titles, drops empty H3s, and checks the section count.
    pub fn cleaned(self) -> Result<Self, String> {
        let sections: Vec<Section> = self
            .0
            .into_iter()
            .map(|s| Section {
                h2: s.h2.trim().to_owned(),
                h3: s.h3.into_iter().map(|h| h.trim().to_owned()).filter(|h| !h.is_empty()).collect(),
            })
            .collect();
        if sections.iter().any(|s| s.h2.is_empty()) {
            return Err("every section needs an H2 title".into());
        }
        if !(MIN_SECTIONS..=MAX_SECTIONS).contains(&sections.len()) {
            return Err(format!("an outline has {MIN_SECTIONS} to {MAX_SECTIONS} H2 sections, not {}", sections.len()));
        }
        Ok(Self(sections))
    }

    /// The outline as the prompt shows it: `## H2` lines with `- H3` lines under them.
    pub fn to_prompt_text(&self) -> String {
        let mut out = String::new();
        for section in &self.0 {
            out.push_str("## ");
            out.push_str(&section.h2);
            out.push('\n');
            for h3 in &section.h3 {
                out.push_str("   - ");
                out.push_str(h3);
                out.push('\n');
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(h2: &str, h3: &[&str]) -> Section {
        Section { h2: h2.into(), h3: h3.iter().map(|s| (*s).into()).collect() }
    }

    #[test]
    fn cleans_and_checks_the_section_count() {
        let mut sections: Vec<Section> = (1..=6).map(|i| section(&format!(" Part {i} "), &["a", " ", "b"])).collect();
        let outline = Outline(sections.clone()).cleaned().unwrap();
        assert_eq!(outline.0[0].h2, "Part 1");
        assert_eq!(outline.0[0].h3, vec!["a", "b"]);
        sections.truncate(5);
        assert!(Outline(sections.clone()).cleaned().unwrap_err().contains("not 5"));
        sections.push(section("", &[]));
        assert!(Outline(sections).cleaned().is_err());
    }

    #[test]
    fn reads_the_stored_json_shape() {
        let outline: Outline = serde_json::from_str(r#"[{"h2": "Intro", "h3": ["Why"]}, {"h2": "End"}]"#).unwrap();
        assert_eq!(outline.0[1].h3, Vec::<String>::new());
        assert_eq!(outline.to_prompt_text(), "## Intro\n   - Why\n## End\n");
    }
}
