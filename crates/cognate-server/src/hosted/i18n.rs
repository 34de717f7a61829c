//! The hosted pages' translation tables: one `locales/<lang>.toml` per language,
//! embedded at build time; missing keys fall back to English.

use std::collections::BTreeMap;
use std::sync::LazyLock;

include!(concat!(env!("OUT_DIR"), "/locales.rs"));

/// The language every table falls back to.
pub(crate) const DEFAULT_LANG: &str = "en";

/// One language's strings, English filled in under any missing key.
pub(crate) type Table = BTreeMap<String, String>;

static TABLES: LazyLock<BTreeMap<String, Table>> = LazyLock::new(|| {
    let parse = |lang: &str, text: &str| -> Table {
        match toml::from_str::<Table>(text) {
            Ok(t) => t,
            Err(e) => {
                tracing::error!(lang, error = %e, "a translation table does not parse; ignoring it");
                Table::new()
            }
        }
    };
    let english = LOCALES
        .iter()
        .find(|(l, _)| *l == DEFAULT_LANG)
        .map(|(l, t)| parse(l, t))
        .unwrap_or_default();
    LOCALES
        .iter()
        .map(|(lang, text)| {
            let mut table = english.clone();
            table.extend(parse(lang, text));
            ((*lang).to_owned(), table)
        })
        .collect()
});

/// The table for `lang` (English when there is none).
pub(crate) fn table(lang: &str) -> &'static Table {
    TABLES
        .get(lang)
        .or_else(|| TABLES.get(DEFAULT_LANG))
        .unwrap_or_else(|| {
            static EMPTY: LazyLock<Table> = LazyLock::new(Table::new);
            &EMPTY
        })
}

/// One string, with `{name}` placeholders filled; an unknown key shows as itself.
pub(crate) fn text(lang: &str, key: &str, args: &[(&str, &str)]) -> String {
    let mut s = table(lang)
        .get(key)
        .cloned()
        .unwrap_or_else(|| key.to_owned());
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    s
}

/// Picks the language: `lang` from the request if there is a table for it (or for its
/// primary subtag), else the first such match in `Accept-Language`, else English.
pub(crate) fn negotiate(requested: Option<&str>, accept_language: Option<&str>) -> String {
    let known = |tag: &str| -> Option<String> {
        let tag = tag.trim();
        if tag.is_empty() {
            return None;
        }
        let exact = TABLES.keys().find(|k| k.eq_ignore_ascii_case(tag));
        let primary = tag.split('-').next().unwrap_or(tag);
        exact
            .or_else(|| TABLES.keys().find(|k| k.eq_ignore_ascii_case(primary)))
            .cloned()
    };
    if let Some(lang) = requested.and_then(known) {
        return lang;
    }
    accept_language
        .into_iter()
        .flat_map(|h| h.split(','))
        .filter_map(|part| part.split(';').next())
        .find_map(known)
        .unwrap_or_else(|| DEFAULT_LANG.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_is_complete_and_placeholders_fill() {
        assert_eq!(text("en", "signin_title", &[]), "Sign in");
        assert_eq!(
            text("en", "sign_in_to", &[("app", "Photos")]),
            "to continue to Photos"
        );
        assert_eq!(text("xx", "signin_title", &[]), "Sign in");
    }

    #[test]
    fn negotiation_prefers_the_parameter_then_the_header() {
        assert_eq!(negotiate(Some("EN"), None), "en");
        assert_eq!(negotiate(Some("en-GB"), None), "en");
        assert_eq!(negotiate(Some("zz"), Some("fr-CA, en;q=0.8")), "en");
        assert_eq!(negotiate(None, None), "en");
    }
}
