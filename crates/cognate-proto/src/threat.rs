//! Threat-protection shapes: `SetRiskConfiguration` / `DescribeRiskConfiguration`,
//! `AdminListUserAuthEvents`, `AdminUpdateAuthEventFeedback` and
//! `UpdateAuthEventFeedback`.
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetRiskConfiguration.html>
//!
//! The configuration types derive both directions: a risk configuration is stored as
//! the JSON document it arrives in (after validation) and echoed by `Describe`.

use serde::{Deserialize, Serialize};

/// `NotifyEmailType`: one notification template.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NotifyEmailType {
    /// 1–140 characters, required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// 6–20000 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub html_body: Option<String>,
    /// 6–20000 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_body: Option<String>,
}

/// `NotifyConfigurationType`: sender and templates of the risk notifications.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NotifyConfigurationType {
    /// Sender address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Reply-to address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    /// ARN of the sending identity, required (20–2048 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_arn: Option<String>,
    /// Sent when a sign-in was blocked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_email: Option<NotifyEmailType>,
    /// Sent when a risky sign-in was allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_action_email: Option<NotifyEmailType>,
    /// Sent when MFA was required because of the risk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa_email: Option<NotifyEmailType>,
}

/// `AccountTakeoverActionType`: what happens at one risk level.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountTakeoverActionType {
    /// Send the notification email; required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify: Option<bool>,
    /// `BLOCK | MFA_IF_CONFIGURED | MFA_REQUIRED | NO_ACTION`; required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_action: Option<String>,
}

/// `AccountTakeoverActionsType`: one action per risk level.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountTakeoverActionsType {
    /// Low risk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low_action: Option<AccountTakeoverActionType>,
    /// Medium risk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub medium_action: Option<AccountTakeoverActionType>,
    /// High risk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high_action: Option<AccountTakeoverActionType>,
}

/// `AccountTakeoverRiskConfigurationType`: adaptive authentication.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountTakeoverRiskConfigurationType {
    /// Notification sender and templates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify_configuration: Option<NotifyConfigurationType>,
    /// Actions per level; required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actions: Option<AccountTakeoverActionsType>,
}

/// `CompromisedCredentialsActionsType`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CompromisedCredentialsActionsType {
    /// `BLOCK | NO_ACTION`; required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_action: Option<String>,
}

/// `CompromisedCredentialsRiskConfigurationType`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CompromisedCredentialsRiskConfigurationType {
    /// `SIGN_IN | PASSWORD_CHANGE | SIGN_UP`; absent means all three.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_filter: Option<Vec<String>>,
    /// The action; required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actions: Option<CompromisedCredentialsActionsType>,
}

/// `RiskExceptionConfigurationType`: always-block and always-allow CIDR ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskExceptionConfigurationType {
    /// Sign-ins from these ranges are blocked without scoring (at most 200).
    #[serde(rename = "BlockedIPRangeList", skip_serializing_if = "Option::is_none")]
    pub blocked_ip_range_list: Option<Vec<String>>,
    /// Sign-ins from these ranges are not scored (at most 200).
    #[serde(rename = "SkippedIPRangeList", skip_serializing_if = "Option::is_none")]
    pub skipped_ip_range_list: Option<Vec<String>>,
}

/// `RiskConfigurationType`: what `DescribeRiskConfiguration` answers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RiskConfigurationType {
    /// The pool.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_pool_id: Option<String>,
    /// The client, for a client-specific configuration (or the one asked about).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Compromised-credentials settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compromised_credentials_risk_configuration:
        Option<CompromisedCredentialsRiskConfigurationType>,
    /// Adaptive-authentication settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_takeover_risk_configuration: Option<AccountTakeoverRiskConfigurationType>,
    /// IP exceptions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_exception_configuration: Option<RiskExceptionConfigurationType>,
    /// Last change, epoch seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified_date: Option<f64>,
}

/// `SetRiskConfiguration` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetRiskConfigurationRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
    /// A client whose configuration overrides the pool's; absent for the pool's own.
    pub client_id: Option<String>,
    /// Compromised-credentials settings.
    pub compromised_credentials_risk_configuration:
        Option<CompromisedCredentialsRiskConfigurationType>,
    /// Adaptive-authentication settings.
    pub account_takeover_risk_configuration: Option<AccountTakeoverRiskConfigurationType>,
    /// IP exceptions.
    pub risk_exception_configuration: Option<RiskExceptionConfigurationType>,
}

/// `DescribeRiskConfiguration` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeRiskConfigurationRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
    /// The client; absent for the pool-wide configuration.
    pub client_id: Option<String>,
}

/// `SetRiskConfiguration` and `DescribeRiskConfiguration` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RiskConfigurationResponse {
    /// The configuration.
    pub risk_configuration: RiskConfigurationType,
}

/// `EventRiskType`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventRiskType {
    /// `NoRisk | AccountTakeover | Block`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_decision: Option<String>,
    /// `Low | Medium | High`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_level: Option<String>,
    /// Whether the password was found in the breached-password set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compromised_credentials_detected: Option<bool>,
}

/// `ChallengeResponseType`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChallengeResponseType {
    /// `Password | Mfa`.
    pub challenge_name: String,
    /// `Success | Failure`.
    pub challenge_response: String,
}

/// `EventContextDataType`: where the request came from (unknown members omitted).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventContextDataType {
    /// Client address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    /// Device or browser name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_name: Option<String>,
    /// Client time zone offset, e.g. `+01:00`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// City.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Country.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// `EventFeedbackType`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventFeedbackType {
    /// `Valid | Invalid`.
    pub feedback_value: String,
    /// Who gave it: `Admin` or `User`.
    pub provider: String,
    /// When, epoch seconds.
    pub feedback_date: f64,
}

/// `AuthEventType`: one entry of a user's sign-in history.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthEventType {
    /// Event id (also the `event_id` claim of tokens it issued).
    pub event_id: String,
    /// `SignIn | SignUp | ForgotPassword | PasswordChange | ResendCode`.
    pub event_type: String,
    /// Epoch seconds.
    pub creation_date: f64,
    /// `Pass | Fail | InProgress`.
    pub event_response: String,
    /// Risk assessment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_risk: Option<EventRiskType>,
    /// Password and MFA steps with their outcome.
    pub challenge_responses: Vec<ChallengeResponseType>,
    /// Where the request came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_context_data: Option<EventContextDataType>,
    /// Feedback, once given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_feedback: Option<EventFeedbackType>,
}

/// `AdminListUserAuthEvents` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminListUserAuthEventsRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
    /// Username, alias or `sub`.
    pub username: Option<String>,
    /// 0–60.
    pub max_results: Option<i64>,
    /// From the previous page.
    pub next_token: Option<String>,
}

/// `AdminListUserAuthEvents` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminListUserAuthEventsResponse {
    /// Newest first.
    pub auth_events: Vec<AuthEventType>,
    /// Present when more events follow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// `AdminUpdateAuthEventFeedback` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminUpdateAuthEventFeedbackRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
    /// Username, alias or `sub`.
    pub username: Option<String>,
    /// The event.
    pub event_id: Option<String>,
    /// `Valid | Invalid`.
    pub feedback_value: Option<String>,
}

/// `UpdateAuthEventFeedback` request (public: the token comes from the notification).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateAuthEventFeedbackRequest {
    /// The pool.
    pub user_pool_id: Option<String>,
    /// Username, alias or `sub`.
    pub username: Option<String>,
    /// The event.
    pub event_id: Option<String>,
    /// The token of the notification email's links.
    pub feedback_token: Option<String>,
    /// `Valid | Invalid`.
    pub feedback_value: Option<String>,
}
