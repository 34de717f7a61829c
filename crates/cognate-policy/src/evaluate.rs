//! Evaluation: explicit `Deny` beats `Allow`, and anything not allowed is implicitly denied
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>).
//!
//! A statement applies when its principal (trust policies only), action, resource and every
//! condition match. Resource entries whose policy variables cannot be resolved never match; a
//! `NotResource` statement with such an entry does not apply at all (IAM: the unresolvable
//! variable "causes the statement to be invalid").

use crate::context::Context;
use crate::document::{Effect, Names, Policy, Statement};
use crate::matching::Pattern;
use crate::variables::expand;

/// The outcome of evaluating a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Decision {
    /// Some statement allows the request and none denies it.
    Allow,
    /// A `Deny` statement applies; nothing can override it.
    ExplicitDeny,
    /// No statement applies (the default).
    ImplicitDeny,
}

impl Decision {
    /// True only for [`Decision::Allow`].
    pub fn is_allowed(self) -> bool {
        self == Decision::Allow
    }
}

/// One request to authorize with identity-based policies.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// `service:Action`, e.g. `s3:GetObject`.
    pub action: &'a str,
    /// The resource ARN, e.g. `arn:aws:s3:::bucket/key`.
    pub resource: &'a str,
    /// Condition keys of the request.
    pub context: &'a Context,
}

/// A statement that applied during [`simulate`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MatchedStatement {
    /// Index of the policy in the slice passed in.
    pub policy_index: usize,
    /// Index of the statement within its policy.
    pub statement_index: usize,
    /// The statement's `Sid`, if it has one.
    pub sid: Option<String>,
    /// The statement's effect.
    pub effect: Effect,
}

/// The answer for one action and resource in a [`simulate`] run.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SimulationResult {
    /// The simulated action.
    pub action: String,
    /// The simulated resource.
    pub resource: String,
    /// What [`evaluate`] decides.
    pub decision: Decision,
    /// Every statement that applied, allowing or denying.
    pub matched_statements: Vec<MatchedStatement>,
}

/// Evaluates `req` against identity-based policies (any number, e.g. a role's inline and
/// managed policies): explicit deny, else allow, else implicit deny.
pub fn evaluate(policies: &[Policy], req: &Request<'_>) -> Decision {
    let target = Target {
        action: req.action,
        resource: Some(req.resource),
        principal: None,
        context: req.context,
    };
    decide(policies, &target, |_, _, _| {})
}

/// Evaluates a session created with session policies (the STS `Policy`/`PolicyArns`
/// parameters): the session may do only what both the role's policies and the session
/// policies allow, and an explicit deny in either wins. An empty `session` slice means the
/// session has no session policy, so the role's decision stands.
pub fn evaluate_with_session(
    identity: &[Policy],
    session: &[Policy],
    req: &Request<'_>,
) -> Decision {
    let role = evaluate(identity, req);
    if session.is_empty() {
        return role;
    }
    match (role, evaluate(session, req)) {
        (Decision::ExplicitDeny, _) | (_, Decision::ExplicitDeny) => Decision::ExplicitDeny,
        (Decision::Allow, Decision::Allow) => Decision::Allow,
        _ => Decision::ImplicitDeny,
    }
}

/// Evaluates a role trust policy for a federated caller, e.g. `principal_federated` =
/// `cognito-identity.amazonaws.com` and `action` = `sts:AssumeRoleWithWebIdentity`, with the
/// token's `cognito-identity.amazonaws.com:aud`/`:amr`/`:sub` keys in `context`.
pub fn evaluate_trust(
    policy: &Policy,
    principal_federated: &str,
    action: &str,
    context: &Context,
) -> Decision {
    let target = Target {
        action,
        resource: None,
        principal: Some(principal_federated),
        context,
    };
    decide(std::slice::from_ref(policy), &target, |_, _, _| {})
}

/// A SimulatePrincipalPolicy-style dry run: every action against every resource, with the
/// statements that applied.
pub fn simulate(
    policies: &[Policy],
    actions: &[&str],
    resources: &[&str],
    context: &Context,
) -> Vec<SimulationResult> {
    let mut results = Vec::with_capacity(actions.len() * resources.len());
    for &action in actions {
        for &resource in resources {
            let target = Target {
                action,
                resource: Some(resource),
                principal: None,
                context,
            };
            let mut matched_statements = Vec::new();
            let decision = decide(
                policies,
                &target,
                |policy_index, statement_index, statement| {
                    matched_statements.push(MatchedStatement {
                        policy_index,
                        statement_index,
                        sid: statement.sid.clone(),
                        effect: statement.effect,
                    });
                },
            );
            results.push(SimulationResult {
                action: action.to_owned(),
                resource: resource.to_owned(),
                decision,
                matched_statements,
            });
        }
    }
    results
}

/// What a statement is matched against.
struct Target<'a> {
    action: &'a str,
    /// `None` for trust policies.
    resource: Option<&'a str>,
    /// The federated principal; `None` for identity-based evaluation.
    principal: Option<&'a str>,
    context: &'a Context,
}

fn decide(
    policies: &[Policy],
    target: &Target<'_>,
    mut on_match: impl FnMut(usize, usize, &Statement),
) -> Decision {
    let (mut allowed, mut denied) = (false, false);
    for (policy_index, policy) in policies.iter().enumerate() {
        let variables = policy.variables_enabled();
        for (statement_index, statement) in policy.statements.iter().enumerate() {
            if applies(statement, variables, target) {
                on_match(policy_index, statement_index, statement);
                match statement.effect {
                    Effect::Allow => allowed = true,
                    Effect::Deny => denied = true,
                }
            }
        }
    }
    if denied {
        Decision::ExplicitDeny
    } else if allowed {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    }
}

fn applies(statement: &Statement, variables: bool, target: &Target<'_>) -> bool {
    let principal_matches = match (&statement.principal, target.principal) {
        (None, None) => true,
        (Some(principals), Some(caller)) => principals.admit(caller),
        // Trust statements never apply to identity requests, and the reverse.
        _ => false,
    };
    let resource_matches = match (&statement.resources, target.resource) {
        (None, None) => true,
        (Some(resources), Some(resource)) => {
            resources_match(resources, resource, target.context, variables)
        }
        _ => false,
    };
    principal_matches
        && action_matches(&statement.actions, target.action)
        && resource_matches
        && statement
            .conditions
            .iter()
            .all(|condition| condition.holds(target.context, variables))
}

fn action_matches(actions: &Names, action: &str) -> bool {
    let listed = |list: &[String]| {
        list.iter()
            .any(|p| Pattern::policy(p, true).matches(action))
    };
    match actions {
        Names::Listed(list) => listed(list),
        Names::AllExcept(list) => !listed(list),
    }
}

fn resources_match(resources: &Names, resource: &str, ctx: &Context, variables: bool) -> bool {
    let entry_matches = |entry: &String| {
        expand(entry, ctx, variables)
            .map(|pieces| Pattern::new(&pieces, false).matches_resource(resource))
    };
    match resources {
        Names::Listed(list) => list.iter().any(|entry| entry_matches(entry) == Some(true)),
        Names::AllExcept(list) => list.iter().all(|entry| entry_matches(entry) == Some(false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(json: &str) -> Policy {
        Policy::parse(json).unwrap()
    }

    #[test]
    fn deny_beats_allow_and_silence_denies() {
        let allow = policy(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
        );
        let deny = policy(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}}"#,
        );
        let ctx = Context::new();
        let req = |action| Request {
            action,
            resource: "arn:aws:s3:::b/k",
            context: &ctx,
        };
        let both = [allow.clone(), deny];
        assert_eq!(evaluate(&both, &req("s3:GetObject")), Decision::Allow);
        assert_eq!(
            evaluate(&both, &req("s3:DeleteObject")),
            Decision::ExplicitDeny
        );
        assert_eq!(
            evaluate(&both, &req("dynamodb:GetItem")),
            Decision::ImplicitDeny
        );
        assert_eq!(evaluate(&[], &req("s3:GetObject")), Decision::ImplicitDeny);
    }

    #[test]
    fn session_policies_intersect() {
        let role = policy(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
        );
        let session = policy(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}"#,
        );
        let ctx = Context::new();
        let req = |action| Request {
            action,
            resource: "arn:aws:s3:::b/k",
            context: &ctx,
        };
        let (role, session) = (std::slice::from_ref(&role), std::slice::from_ref(&session));
        assert_eq!(
            evaluate_with_session(role, session, &req("s3:GetObject")),
            Decision::Allow
        );
        assert_eq!(
            evaluate_with_session(role, session, &req("s3:PutObject")),
            Decision::ImplicitDeny
        );
        assert_eq!(
            evaluate_with_session(role, &[], &req("s3:PutObject")),
            Decision::Allow
        );
        assert_eq!(
            evaluate_with_session(session, role, &req("s3:PutObject")),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn not_resource_with_an_unresolvable_variable_does_not_apply() {
        let deny = policy(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::home/${aws:username}/*"}}"#,
        );
        let anonymous = Context::new();
        let req = Request {
            action: "s3:GetObject",
            resource: "arn:aws:s3:::home/x/k",
            context: &anonymous,
        };
        assert_eq!(
            evaluate(std::slice::from_ref(&deny), &req),
            Decision::ImplicitDeny
        );
        let bob = Context::new().with("aws:username", "bob");
        let req = Request {
            context: &bob,
            ..req
        };
        assert_eq!(evaluate(&[deny], &req), Decision::ExplicitDeny);
    }

    #[test]
    fn trust_and_identity_statements_do_not_mix() {
        let trust = Policy::parse_trust(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"*"}}"#).unwrap();
        let ctx = Context::new();
        let req = Request {
            action: "s3:GetObject",
            resource: "arn:aws:s3:::b/k",
            context: &ctx,
        };
        assert_eq!(
            evaluate(std::slice::from_ref(&trust), &req),
            Decision::ImplicitDeny
        );
        let identity = policy(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
        );
        assert_eq!(
            evaluate_trust(
                &identity,
                "cognito-identity.amazonaws.com",
                "sts:AssumeRoleWithWebIdentity",
                &ctx
            ),
            Decision::ImplicitDeny
        );
        assert_eq!(
            evaluate_trust(
                &trust,
                "cognito-identity.amazonaws.com",
                "sts:AssumeRoleWithWebIdentity",
                &ctx
            ),
            Decision::Allow
        );
    }

    #[test]
    fn not_principal_excludes_the_listed_provider() {
        let trust = Policy::parse_trust(r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotPrincipal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:*"}}"#).unwrap();
        let ctx = Context::new();
        assert_eq!(
            evaluate_trust(
                &trust,
                "Cognito-Identity.amazonaws.com",
                "sts:AssumeRoleWithWebIdentity",
                &ctx
            ),
            Decision::ImplicitDeny
        );
        assert_eq!(
            evaluate_trust(
                &trust,
                "accounts.google.com",
                "sts:AssumeRoleWithWebIdentity",
                &ctx
            ),
            Decision::ExplicitDeny
        );
    }

    #[test]
    fn simulate_reports_every_matching_statement() {
        let p = policy(
            r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"Read","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"},
            {"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/secret/*"}]}"#,
        );
        let results = simulate(
            &[p],
            &["s3:GetObject", "s3:PutObject"],
            &["arn:aws:s3:::b/a", "arn:aws:s3:::b/secret/x"],
            &Context::new(),
        );
        let summary: Vec<_> = results
            .iter()
            .map(|r| {
                (
                    r.action.as_str(),
                    r.resource.as_str(),
                    r.decision,
                    r.matched_statements
                        .iter()
                        .map(|m| (m.statement_index, m.sid.clone()))
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    "s3:GetObject",
                    "arn:aws:s3:::b/a",
                    Decision::Allow,
                    vec![(0, Some("Read".to_owned()))]
                ),
                (
                    "s3:GetObject",
                    "arn:aws:s3:::b/secret/x",
                    Decision::ExplicitDeny,
                    vec![(0, Some("Read".to_owned())), (1, None)]
                ),
                (
                    "s3:PutObject",
                    "arn:aws:s3:::b/a",
                    Decision::ImplicitDeny,
                    vec![]
                ),
                (
                    "s3:PutObject",
                    "arn:aws:s3:::b/secret/x",
                    Decision::ImplicitDeny,
                    vec![]
                ),
            ]
        );
    }
}
