//! Serde helpers that accept numbers models send as strings.
//!
//! Models asked for `{"volume": 1200}` regularly answer `{"volume": "1200"}` or `"1,200"`. Design choice: the
//! leniency is opt-in per field with `#[serde(deserialize_with = …)]`, because the Rust type is the one place that
//! knows a field is numeric, whatever the JSON schema sent to the model said; [`crate::parse::parse_as`] goes
//! through serde, so marked fields are lenient there automatically.
//!
//! ```
//! #[derive(serde::Deserialize)]
//! struct Keyword {
//!     #[serde(deserialize_with = "ai::lenient::number")]
//!     volume: u64,
//!     #[serde(default, deserialize_with = "ai::lenient::option_number")]
//!     difficulty: Option<u8>,
//! }
//! let keyword: Keyword = ai::parse::parse_as(r#"{"volume": "1,200", "difficulty": "42"}"#).unwrap();
//! assert_eq!((keyword.volume, keyword.difficulty), (1200, Some(42)));
//! ```
//!
//! Accepted: JSON numbers (integral floats like `1200.0` for integer fields), and strings holding a number with
//! optional surrounding whitespace, `_` or space separators, or comma thousands separators in groups of three
//! (`"1,200,000"`). Rejected, as an error rather than a guess: decimal commas (`"1,5"`), fractions for integer
//! fields, out-of-range values, words (`"n/a"`). [`option_number`] also maps `null` and `""` to `None`; pair it
//! with `#[serde(default)]` so a missing field is `None` too.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

/// A number type [`number`] and [`option_number`] can produce.
pub trait LenientNumber: Sized {
    /// Converts an integer, if it fits.
    fn from_integer(value: i128) -> Option<Self>;
    /// Converts a finite float, if it fits (integer types accept integral values only).
    fn from_float(value: f64) -> Option<Self>;
}

macro_rules! integer_types {
    ($($ty:ty),*) => {$(
        impl LenientNumber for $ty {
            fn from_integer(value: i128) -> Option<Self> {
                Self::try_from(value).ok()
            }

            fn from_float(value: f64) -> Option<Self> {
                if !value.is_finite() || value.fract() != 0.0 {
                    return None;
                }
                // `as` saturates at the i128 bounds; `from_integer` then rejects what does not fit.
                Self::from_integer(value as i128)
            }
        }
    )*};
}

integer_types!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

impl LenientNumber for f64 {
    fn from_integer(value: i128) -> Option<Self> {
        Some(value as f64)
    }

    fn from_float(value: f64) -> Option<Self> {
        Some(value)
    }
}

impl LenientNumber for f32 {
    fn from_integer(value: i128) -> Option<Self> {
        Some(value as f32)
    }

    fn from_float(value: f64) -> Option<Self> {
        let narrowed = value as f32;
        narrowed.is_finite().then_some(narrowed)
    }
}

/// What the model sent in place of a number.
#[derive(Deserialize)]
#[serde(untagged)]
enum Raw {
    Number(serde_json::Number),
    Text(String),
}

/// `deserialize_with` helper for a numeric field that may arrive as a string.
pub fn number<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: LenientNumber,
{
    let raw = Raw::deserialize(deserializer).map_err(|_| D::Error::custom("expected a number"))?;
    convert(&raw).map_err(D::Error::custom)
}

/// `deserialize_with` helper for an optional numeric field; `null` and `""` are `None`.
pub fn option_number<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: LenientNumber,
{
    let raw = Option::<Raw>::deserialize(deserializer).map_err(|_| D::Error::custom("expected a number or null"))?;
    match raw {
        None => Ok(None),
        Some(Raw::Text(text)) if text.trim().is_empty() => Ok(None),
        Some(raw) => convert(&raw).map(Some).map_err(D::Error::custom),
    }
}

fn convert<T: LenientNumber>(raw: &Raw) -> Result<T, String> {
    let converted = match raw {
        Raw::Number(number) => match (number.as_i64(), number.as_u64(), number.as_f64()) {
            (Some(value), _, _) => T::from_integer(value.into()),
            (None, Some(value), _) => T::from_integer(value.into()),
            (None, None, Some(value)) => T::from_float(value),
            (None, None, None) => None,
        },
        Raw::Text(text) => {
            let cleaned = without_separators(text.trim()).ok_or_else(|| format!("`{text}` is not a number"))?;
            if let Ok(value) = cleaned.parse::<i128>() {
                T::from_integer(value)
            } else {
                let value = cleaned.parse::<f64>().map_err(|_| format!("`{text}` is not a number"))?;
                if value.is_finite() { T::from_float(value) } else { None }
            }
        }
    };
    converted.ok_or_else(|| format!("{} is out of range for this field", describe(raw)))
}

fn describe(raw: &Raw) -> String {
    match raw {
        Raw::Number(number) => number.to_string(),
        Raw::Text(text) => format!("`{text}`"),
    }
}

/// Removes digit-group separators: `_` and spaces anywhere, commas only when every group after the first comma has
/// exactly three digits (so `1,5` is not silently read as 15). `None` for a malformed grouping.
pub(crate) fn without_separators(text: &str) -> Option<String> {
    let compact: String = text.chars().filter(|c| !matches!(c, '_' | ' ' | '\u{a0}' | '\u{202f}')).collect();
    if !compact.contains(',') {
        return Some(compact);
    }
    let (integer_part, fraction) = match compact.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (compact.as_str(), None),
    };
    let mut groups = integer_part.split(',');
    let first = groups.next()?;
    let lead_digits = first.trim_start_matches(['-', '+']);
    if lead_digits.is_empty() || lead_digits.len() > 3 {
        return None;
    }
    let mut joined = first.to_owned();
    for group in groups {
        if group.len() != 3 || !group.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        joined.push_str(group);
    }
    if let Some(fraction) = fraction {
        joined.push('.');
        joined.push_str(fraction);
    }
    Some(joined)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Row {
        #[serde(deserialize_with = "number")]
        volume: u64,
        #[serde(deserialize_with = "number")]
        cpc: f64,
        #[serde(default, deserialize_with = "option_number")]
        difficulty: Option<u8>,
    }

    fn row(value: serde_json::Value) -> Result<Row, String> {
        serde_json::from_value(value).map_err(|err| err.to_string())
    }

    #[test]
    fn accepts_numbers_and_numeric_strings() {
        let expected = Row { volume: 1200, cpc: 1.5, difficulty: Some(40) };
        assert_eq!(row(json!({"volume": 1200, "cpc": 1.5, "difficulty": 40})), Ok(expected));
        let expected = Row { volume: 1_200_000, cpc: 1234.5, difficulty: None };
        assert_eq!(row(json!({"volume": " 1,200,000 ", "cpc": "1,234.5", "difficulty": ""})), Ok(expected));
        let expected = Row { volume: 1200, cpc: 2.0, difficulty: None };
        assert_eq!(row(json!({"volume": 1200.0, "cpc": 2, "difficulty": null})), Ok(expected));
        assert_eq!(row(json!({"volume": "1 200", "cpc": "0", })).map(|r| r.volume), Ok(1200));
    }

    #[test]
    fn rejects_guesses() {
        for volume in [json!("1,5"), json!("12,34"), json!(",123"), json!("n/a"), json!(-1), json!(1.5), json!(true)] {
            assert!(row(json!({"volume": volume, "cpc": 1})).is_err(), "{volume}");
        }
        assert!(row(json!({"volume": 1, "cpc": 1, "difficulty": 300})).is_err());
        assert!(row(json!({"volume": 1, "cpc": "NaN"})).is_err());
        assert!(row(json!({"volume": "99999999999999999999999999", "cpc": 1})).is_err());
    }

    #[test]
    fn parse_as_uses_the_helpers() {
        let parsed: Row = crate::parse::parse_as("```json\n{\"volume\": \"3,400\", \"cpc\": \"0.75\",}\n```").unwrap();
        assert_eq!(parsed, Row { volume: 3400, cpc: 0.75, difficulty: None });
    }
}
