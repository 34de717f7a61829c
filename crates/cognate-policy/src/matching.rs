//! Wildcard matching for actions, resources and the `...Like` condition operators.
//!
//! `*` matches any run of characters and `?` any one character. Actions compare
//! case-insensitively and everything else case-sensitively
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html>).
//! In a `Resource` ARN a wildcard stays inside its colon-separated segment, except that a `*`
//! that is the last character of a segment "can expand to match beyond the colon boundaries"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>);
//! `ArnLike` compares the six ARN segments separately.

use crate::variables::Piece;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Char(char),
    /// `*`
    Many,
    /// `?`
    One,
}

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    tokens: Vec<Token>,
    ignore_case: bool,
}

impl Pattern {
    /// Compiles substituted pieces; only [`Piece::Policy`] text has wildcards.
    pub(crate) fn new(pieces: &[Piece<'_>], ignore_case: bool) -> Self {
        let mut tokens = Vec::new();
        for piece in pieces {
            match piece {
                Piece::Policy(text) => tokens.extend(text.chars().map(|c| match c {
                    '*' => Token::Many,
                    '?' => Token::One,
                    c => Token::Char(c),
                })),
                Piece::Literal(text) => tokens.extend(text.chars().map(Token::Char)),
            }
        }
        if ignore_case {
            tokens = tokens.into_iter().flat_map(lowercase).collect();
        }
        Self {
            tokens,
            ignore_case,
        }
    }

    /// A pattern written directly in the policy (no variables).
    pub(crate) fn policy(text: &str, ignore_case: bool) -> Self {
        Self::new(&[Piece::Policy(text)], ignore_case)
    }

    /// Whole-string match where wildcards span any character (actions, `StringLike`).
    pub(crate) fn matches(&self, text: &str) -> bool {
        glob(&self.tokens, &self.prepare(text), false)
    }

    /// `Resource`/`NotResource` match: wildcards stay in their ARN segment unless a `*` ends it.
    pub(crate) fn matches_resource(&self, resource: &str) -> bool {
        glob(&self.tokens, &self.prepare(resource), true)
    }

    /// `ArnEquals`/`ArnLike`: each of the six colon-delimited segments is matched separately;
    /// a pattern or value with fewer segments falls back to the `Resource` rule.
    pub(crate) fn matches_arn(&self, arn: &str) -> bool {
        let text = self.prepare(arn);
        let segments: Vec<&[char]> = text.splitn(6, |c| *c == ':').collect();
        let patterns: Vec<&[Token]> = self.tokens.splitn(6, |t| *t == Token::Char(':')).collect();
        if segments.len() < 6 || patterns.len() < 6 {
            return glob(&self.tokens, &text, true);
        }
        patterns
            .iter()
            .zip(&segments)
            .all(|(pattern, segment)| glob(pattern, segment, false))
    }

    fn prepare(&self, text: &str) -> Vec<char> {
        if self.ignore_case {
            text.chars().flat_map(char::to_lowercase).collect()
        } else {
            text.chars().collect()
        }
    }
}

fn lowercase(token: Token) -> Vec<Token> {
    match token {
        Token::Char(c) => c.to_lowercase().map(Token::Char).collect(),
        other => vec![other],
    }
}

/// Dynamic-programming glob (no exponential backtracking on hostile patterns). With
/// `segmented`, `?` and a `*` followed by more of its segment do not match `:`.
fn glob(tokens: &[Token], text: &[char], segmented: bool) -> bool {
    // row[j]: the tokens seen so far match text[..j].
    let mut row = vec![false; text.len() + 1];
    row[0] = true;
    for (i, token) in tokens.iter().enumerate() {
        let mut next = vec![false; text.len() + 1];
        match token {
            Token::Many => {
                let spans_colon =
                    !segmented || matches!(tokens.get(i + 1), None | Some(Token::Char(':')));
                next[0] = row[0];
                for j in 1..=text.len() {
                    next[j] = row[j] || (next[j - 1] && (spans_colon || text[j - 1] != ':'));
                }
            }
            Token::One => {
                for j in 1..=text.len() {
                    next[j] = row[j - 1] && !(segmented && text[j - 1] == ':');
                }
            }
            Token::Char(c) => {
                for j in 1..=text.len() {
                    next[j] = row[j - 1] && text[j - 1] == *c;
                }
            }
        }
        row = next;
    }
    row[text.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_match_case_insensitively_with_wildcards() {
        let cases = [
            ("s3:GetObject", "s3:GetObject", true),
            ("s3:getobject", "S3:GETOBJECT", true),
            ("s3:Get*", "s3:GetObjectAcl", true),
            ("s3:Get*", "s3:PutObject", false),
            ("s3:*", "s3:ListBucket", true),
            ("s3:*", "s3express:CreateSession", false),
            ("*", "iam:CreateUser", true),
            ("s3:?etObject", "s3:GetObject", true),
            ("s3:?etObject", "s3:GGetObject", false),
            ("iam:*AccessKey*", "iam:UpdateAccessKey", true),
            ("s3:GetObject", "s3:GetObjectAcl", false),
        ];
        for (pattern, action, expected) in cases {
            assert_eq!(
                Pattern::policy(pattern, true).matches(action),
                expected,
                "{pattern} ~ {action}"
            );
        }
    }

    #[test]
    fn resources_match_case_sensitively_by_segment() {
        let cases = [
            (
                "arn:aws:s3:::bucket/*",
                "arn:aws:s3:::bucket/a/b/c.txt",
                true,
            ),
            ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", false),
            ("arn:aws:s3:::bucket*", "arn:aws:s3:::bucket", true),
            ("arn:aws:s3:::bucket/*", "arn:aws:s3:::Bucket/a", false),
            ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b", true),
            ("*", "arn:aws:s3:::anything/at:all", true),
            ("arn:aws:s3:::*", "arn:aws:s3:::b/k", true),
            (
                "arn:aws:iam::*:user/*",
                "arn:aws:iam::123456789012:user/bob",
                true,
            ),
            (
                "arn:aws:ec2:*",
                "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
                true,
            ),
            (
                "arn:aws:logs:*:*:log-group:a*b",
                "arn:aws:logs:r:1:log-group:a:x:b",
                false,
            ),
            (
                "arn:aws:logs:*:*:log-group:a*b",
                "arn:aws:logs:r:1:log-group:axxb",
                true,
            ),
            ("arn:aws:s3:::b?", "arn:aws:s3:::b:", false),
            (
                "arn:aws:dynamodb:us-east-?:*:table/t",
                "arn:aws:dynamodb:us-east-2:1:table/t",
                true,
            ),
        ];
        for (pattern, resource, expected) in cases {
            let compiled = Pattern::policy(pattern, false);
            assert_eq!(
                compiled.matches_resource(resource),
                expected,
                "{pattern} ~ {resource}"
            );
        }
    }

    #[test]
    fn arn_like_compares_segments() {
        let cases = [
            (
                "arn:aws:sns:*:123456789012:topic",
                "arn:aws:sns:us-east-1:123456789012:topic",
                true,
            ),
            (
                "arn:aws:sns:*:123456789012:topic",
                "arn:aws:sns:us-east-1:999999999999:topic",
                false,
            ),
            ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/k", true),
            ("arn:aws:*:*:*:*", "arn:aws:iam::1:role/x", true),
            ("arn:aws:iam::1:role/*", "arn:aws:iam::1:role/a:b", true),
            ("arn:aws:iam::*", "arn:aws:iam::1:role/x", true),
        ];
        for (pattern, arn, expected) in cases {
            assert_eq!(
                Pattern::policy(pattern, false).matches_arn(arn),
                expected,
                "{pattern} ~ {arn}"
            );
        }
    }

    #[test]
    fn substituted_wildcard_characters_are_literal() {
        let pattern = Pattern::new(
            &[Piece::Policy("a/"), Piece::Literal("*".to_owned())],
            false,
        );
        assert!(pattern.matches("a/*"));
        assert!(!pattern.matches("a/b"));
    }

    #[test]
    fn many_stars_do_not_blow_up() {
        let pattern = Pattern::policy(&"*a".repeat(50), false);
        assert!(!pattern.matches(&"a".repeat(49)));
        assert!(pattern.matches(&"a".repeat(60)));
    }
}
