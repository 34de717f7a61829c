//! Policy variables: `${key}`, `${key, 'default'}` and the literal escapes `${*}`, `${?}` and
//! `${$}` (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>).
//!
//! Invariants: variables are substituted only in policies with `Version` `2012-10-17` (older
//! documents keep `${...}` as literal text); only single-valued context keys resolve; the
//! substituted text is literal, so a value or escape never acts as a wildcard; substitution is
//! one pass (a default that looks like a variable is not expanded again). An unresolvable
//! variable (absent or multivalued key without a default, unterminated `${`, a default not in
//! single quotes) makes the whole string unresolvable, and the caller treats it as not matching.

use crate::context::Context;

/// One part of a string after substitution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    /// Text written in the policy; wildcards in it keep their meaning.
    Policy(&'a str),
    /// Text produced by a variable; always literal.
    Literal(String),
}

/// Splits `template` into policy text and substituted values, or `None` if a variable cannot
/// be resolved from `ctx`.
pub(crate) fn expand<'a>(
    template: &'a str,
    ctx: &Context,
    enabled: bool,
) -> Option<Vec<Piece<'a>>> {
    if !enabled {
        return Some(vec![Piece::Policy(template)]);
    }
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        if start > 0 {
            pieces.push(Piece::Policy(&rest[..start]));
        }
        let body = &rest[start + 2..];
        let end = closing_brace(body)?;
        pieces.push(Piece::Literal(resolve(&body[..end], ctx)?));
        rest = &body[end + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Policy(rest));
    }
    Some(pieces)
}

/// [`expand`] joined into one string, for operators without wildcards (`StringEquals`).
pub(crate) fn expand_text(template: &str, ctx: &Context, enabled: bool) -> Option<String> {
    let pieces = expand(template, ctx, enabled)?;
    Some(
        pieces
            .iter()
            .map(|piece| match piece {
                Piece::Policy(text) => *text,
                Piece::Literal(text) => text.as_str(),
            })
            .collect(),
    )
}

/// The `}` that closes a variable, skipping any inside a quoted default.
fn closing_brace(body: &str) -> Option<usize> {
    let mut quoted = false;
    for (at, c) in body.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '}' if !quoted => return Some(at),
            _ => {}
        }
    }
    None
}

fn resolve(body: &str, ctx: &Context) -> Option<String> {
    let body = body.trim();
    if matches!(body, "*" | "?" | "$") {
        return Some(body.to_owned());
    }
    let (key, default) = match body.split_once(',') {
        None => (body, None),
        Some((key, default)) => (key.trim(), Some(parse_default(default.trim())?)),
    };
    if key.is_empty() {
        return None;
    }
    ctx.single_value(key).map(str::to_owned).or(default)
}

/// `'text'`, where `''` stands for one quote.
fn parse_default(quoted: &str) -> Option<String> {
    let inner = quoted.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\'' && chars.next() != Some('\'') {
            return None;
        }
        out.push(c);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context {
        Context::new()
            .with("cognito-identity.amazonaws.com:sub", "us-east-1:1234")
            .with("aws:PrincipalTag/team", "blue")
            .with_multi("cognito-identity.amazonaws.com:amr", ["authenticated"])
    }

    #[test]
    fn substitutes_single_valued_keys_case_insensitively() {
        let cases = [
            (
                "private/${cognito-identity.amazonaws.com:sub}/*",
                Some("private/us-east-1:1234/*"),
            ),
            ("${AWS:principaltag/TEAM}-bucket", Some("blue-bucket")),
            ("${aws:username}", None),
            ("${aws:username, 'anonymous'}", Some("anonymous")),
            ("${aws:PrincipalTag/team, 'x'}", Some("blue")),
            ("${ aws:username ,  'it''s' }", Some("it's")),
            ("${aws:username, 'a}b'}", Some("a}b")),
            ("${cognito-identity.amazonaws.com:amr}", None),
            ("${*}${?}${$}", Some("*?$")),
            ("${aws:username, anonymous}", None),
            ("${aws:username, 'a'b'}", None),
            ("open ${ brace", None),
            ("${}", None),
            (
                "${aws:username, '${aws:PrincipalTag/team}'}",
                Some("${aws:PrincipalTag/team}"),
            ),
        ];
        for (template, expected) in cases {
            assert_eq!(
                expand_text(template, &ctx(), true).as_deref(),
                expected,
                "{template}"
            );
        }
    }

    #[test]
    fn version_2008_keeps_variables_as_text() {
        let text = expand_text("home/${aws:username}", &ctx(), false);
        assert_eq!(text.as_deref(), Some("home/${aws:username}"));
    }

    #[test]
    fn substituted_text_is_marked_literal() {
        let pieces = expand("a/${*}/*", &ctx(), true);
        let expected = vec![
            Piece::Policy("a/"),
            Piece::Literal("*".to_owned()),
            Piece::Policy("/*"),
        ];
        assert_eq!(pieces, Some(expected));
    }
}
