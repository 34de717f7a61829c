//! `PolicyError`: why a policy document was refused.
//!
//! Messages copy IAM's `MalformedPolicyDocument` / `LimitExceeded` texts where IAM's are known
//! (see the crate docs for which ones are observed and which are Cognate's own wording), so the
//! edge can hand them to clients unchanged.

/// A policy document that IAM would refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The document breaks the policy grammar (IAM's `MalformedPolicyDocument`).
    #[error("{0}")]
    Malformed(String),
    /// The document is longer than the caller's size limit (IAM's `LimitExceeded`).
    #[error("Cannot exceed quota for PolicySize: {limit}")]
    LimitExceeded {
        /// The limit, in characters, that was exceeded.
        limit: usize,
    },
}

impl PolicyError {
    /// IAM's answer to anything that is not a JSON object of the policy grammar.
    pub(crate) fn syntax() -> Self {
        PolicyError::Malformed("Syntax errors in policy.".to_owned())
    }

    pub(crate) fn malformed(message: impl Into<String>) -> Self {
        PolicyError::Malformed(message.into())
    }
}
