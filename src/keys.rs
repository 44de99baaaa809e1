//! Finding keys in YAML text (for positions) and suggesting the nearest known key.

/// 1-based line of a top-level `key:` in `text`, and the character column where its value starts.
pub fn locate_key(text: &str, key: &str) -> Option<(usize, usize)> {
    for (index, line) in text.lines().enumerate() {
        let Some(rest) = line.strip_prefix(key) else {
            continue;
        };
        let rest_trimmed = rest.trim_start();
        if !rest_trimmed.starts_with(':') {
            continue;
        }
        let after_colon = &rest_trimmed[1..];
        let value = after_colon.trim_start();
        let value_offset = line.len() - value.len();
        let column = line[..value_offset].chars().count() + 1;
        return Some((index + 1, column));
    }
    None
}

/// Characters from `column` to the end of `line` (the value as written), at least 1.
pub fn value_width(text: &str, line: usize, column: usize) -> usize {
    let line = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let value: String = line.chars().skip(column.saturating_sub(1)).collect();
    value.trim_end().chars().count().max(1)
}

/// The known key closest to `word`, if it is close enough to be a likely typo.
pub fn nearest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    let word = word.to_lowercase();
    known
        .iter()
        .map(|k| (edit_distance(&word, k), *k))
        .filter(|(d, k)| *d <= 2.min(k.chars().count() / 2).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// The known key exactly one edit (insertion, deletion, substitution, transposition) from `word`.
/// Case is ignored (`TAGS` → `tags`): keys are lower case, so another case is a typo too.
pub fn one_edit_away<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    let lower = word.to_lowercase();
    known
        .iter()
        .copied()
        .find(|k| *k != word && edit_distance(&lower, k) <= 1)
}

/// Damerau–Levenshtein distance (optimal string alignment), by characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_value_column_in_characters() {
        let text = "title: কিম\ndate:   2023-10-20\n";
        assert_eq!(locate_key(text, "date"), Some((2, 9)));
        assert_eq!(locate_key(text, "title"), Some((1, 8)));
        assert_eq!(locate_key(text, "tags"), None);
    }

    #[test]
    fn nested_keys_are_not_top_level() {
        assert_eq!(locate_key("image:\n  date: x\n", "date"), None);
    }

    #[test]
    fn one_edit_away_is_strict() {
        let known = ["tags", "authors", "date"];
        assert_eq!(one_edit_away("tgas", &known), Some("tags"));
        assert_eq!(one_edit_away("athors", &known), Some("authors"));
        assert_eq!(one_edit_away("data", &known), Some("date"));
        assert_eq!(one_edit_away("mood", &known), None);
        assert_eq!(one_edit_away("tags", &known), None);
        assert_eq!(one_edit_away("TAGS", &known), Some("tags"));
        assert_eq!(one_edit_away("Athors", &known), Some("authors"));
    }

    #[test]
    fn suggests_transposed_key() {
        let known = ["title", "tags", "date", "summary"];
        assert_eq!(nearest("tgas", &known), Some("tags"));
        assert_eq!(nearest("titel", &known), Some("title"));
        assert_eq!(nearest("colour", &known), None);
    }
}
