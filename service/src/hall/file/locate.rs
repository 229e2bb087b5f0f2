//! Best-effort line numbers for errors found after serde has finished (cross-references,
//! duplicates): the first line at or after a starting line that holds a value, optionally
//! beside a key (`prefix: A`, `prefix = "A"`).

/// The lines of a hall file, searched by key and value.
pub(super) struct Lines<'a> {
    lines: Vec<&'a str>,
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// Byte offsets where `token` stands alone (not inside a longer word).
fn token_at(line: &str, token: &str) -> Vec<usize> {
    if token.is_empty() {
        return Vec::new();
    }
    line.match_indices(token)
        .map(|(at, _)| at)
        .filter(|&at| {
            let before = line[..at].chars().next_back().is_none_or(|c| !is_word(c));
            let after = line[at + token.len()..]
                .chars()
                .next()
                .is_none_or(|c| !is_word(c));
            before && after
        })
        .collect()
}

/// True when `key` appears as a key: a word followed by `:` or `=` (quotes and spaces allowed).
fn has_key(line: &str, key: &str) -> bool {
    token_at(line, key).into_iter().any(|at| {
        line[at + key.len()..]
            .trim_start_matches(['"', '\''])
            .trim_start()
            .starts_with([':', '='])
    })
}

impl<'a> Lines<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Self {
            lines: text.lines().collect(),
        }
    }

    /// The 0-based index of the first line at or after `from` holding `value` (beside `key`
    /// when given; without comments).
    pub(super) fn find(&self, from: usize, key: Option<&str>, value: &str) -> Option<usize> {
        self.lines
            .iter()
            .enumerate()
            .skip(from)
            .find(|(_, line)| {
                let line = line.split('#').next().unwrap_or_default();
                let key_ok = key.is_none_or(|k| has_key(line, k));
                let value_ok = token_at(line, value)
                    .into_iter()
                    .any(|at| key.is_none_or(|k| line[..at].contains(k)));
                key_ok && value_ok
            })
            .map(|(index, _)| index)
    }

    /// The 0-based index of the first line at or after `from` holding `key` as a key.
    pub(super) fn find_key(&self, from: usize, key: &str) -> Option<usize> {
        self.lines
            .iter()
            .enumerate()
            .skip(from)
            .find(|(_, line)| has_key(line.split('#').next().unwrap_or_default(), key))
            .map(|(index, _)| index)
    }

    /// The line after the first match, for finding a second occurrence.
    pub(super) fn after(&self, from: usize, key: Option<&str>, value: &str) -> Option<usize> {
        self.find(from, key, value).map(|i| i + 1)
    }
}

/// " (line N)" for a 0-based index, or nothing when it was not found.
pub(super) fn line_note(index: Option<usize>) -> String {
    index.map_or_else(String::new, |i| format!(" (line {})", i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_values_beside_keys_and_alone() {
        let text = "branches:\n  - id: dc\n    services:\n      - id: tax\n        prefix: A\n      - id: tax-b\n        prefix = \"A\"\n    windows: [tax]\n";
        let lines = Lines::new(text);
        assert_eq!(lines.find(0, Some("id"), "dc"), Some(1));
        assert_eq!(lines.find(0, Some("prefix"), "A"), Some(4));
        assert_eq!(lines.find(5, Some("prefix"), "A"), Some(6));
        assert_eq!(lines.find(0, Some("id"), "tax"), Some(3));
        assert_eq!(lines.find(4, None, "tax"), Some(7));
        assert_eq!(lines.find(0, Some("prefix"), "B"), None);
        assert_eq!(line_note(Some(6)), " (line 7)");
    }
}
