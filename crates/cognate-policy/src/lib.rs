//! Evaluation of AWS IAM identity-based policies and role trust policies, for requests made
//! with Cognate-issued temporary credentials (an S3-compatible gateway, or any Rust service
//! that embeds this crate).
//!
//! It follows IAM's documented evaluation logic for a single account without permissions
//! boundaries, SCPs or resource-based policies
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>):
//! an explicit `Deny` in any policy wins, otherwise any `Allow` allows, otherwise the request is
//! implicitly denied. Session policies narrow a session with [`evaluate_with_session`].
//!
//! ```
//! use cognate_policy::{evaluate, Context, Decision, Policy, Request};
//!
//! let policy = Policy::parse(r#"{
//!   "Version": "2012-10-17",
//!   "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
//!     "Resource": "arn:aws:s3:::bucket/private/${cognito-identity.amazonaws.com:sub}/*"}]
//! }"#)?;
//! let ctx = Context::new().with("cognito-identity.amazonaws.com:sub", "us-east-1:1111");
//! let req = Request { action: "s3:GetObject", resource: "arn:aws:s3:::bucket/private/us-east-1:1111/a.txt", context: &ctx };
//! assert_eq!(evaluate(&[policy], &req), Decision::Allow);
//! # Ok::<(), cognate_policy::PolicyError>(())
//! ```
//!
//! `MalformedPolicyDocument` messages copied from IAM: "Syntax errors in policy.", "The policy
//! failed legacy parsing" (bad `Version`, bad `Effect` value), "Policy document should not
//! specify a principal.", "Policy statement must contain actions." / "... resources.",
//! "Statement IDs (SID) in a single policy must be unique.", "Actions/Conditions must be
//! prefaced by a vendor, ...", "Has prohibited field Resource", "Missing required field ...",
//! "Invalid Condition type : `<op>`" and "Cannot exceed quota for PolicySize: `<n>`".
#![warn(missing_docs)]

mod condition;
mod context;
mod document;
mod error;
mod evaluate;
mod matching;
mod principal;
mod values;
mod variables;

pub use context::Context;
pub use document::{Effect, Policy, PolicyVersion, SizeLimit};
pub use error::PolicyError;
pub use evaluate::{
    Decision, MatchedStatement, Request, SimulationResult, evaluate, evaluate_trust,
    evaluate_with_session, simulate,
};
