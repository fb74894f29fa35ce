//! Small request-field rules shared by the modules: a value from a fixed list, a list of keywords, a title.

use super::AppError;

/// `value` when it is one of `allowed`, else a 400 naming the field and the choices.
pub fn pick(field: &str, value: &str, allowed: &[&str]) -> Result<String, AppError> {
    if allowed.contains(&value) {
        Ok(value.to_owned())
    } else {
        Err(AppError::field(field, format!("Choose one of: {}.", allowed.join(", "))))
    }
}

/// Keywords as a JSON array: inner whitespace collapsed, empty ones dropped, 20 at most.
pub fn keyword_list(list: Vec<String>) -> serde_json::Value {
    let list: Vec<String> = list
        .into_iter()
        .map(|k| k.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|k| !k.is_empty())
        .take(20)
        .collect();
    serde_json::json!(list)
}

/// A one-line title of 1 to `max` characters (inner whitespace collapsed), else a 400 with `message`.
pub fn title(field: &str, raw: &str, max: usize, message: &str) -> Result<String, AppError> {
    let title = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() || title.chars().count() > max {
        return Err(AppError::field(field, message));
    }
    Ok(title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert_eq!(pick("t", "post", &["post", "page"]).unwrap(), "post");
        assert!(pick("t", "poem", &["post"]).is_err());
        assert_eq!(keyword_list(vec![" a  b ".into(), String::new()]), serde_json::json!(["a b"]));
        assert_eq!(title("title", "  My   idea ", 10, "x").unwrap(), "My idea");
        assert!(title("title", "   ", 10, "x").is_err());
        assert!(title("title", "abcdefghijk", 10, "x").is_err());
    }
}
