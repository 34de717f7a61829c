//! `SetRiskConfiguration` / `DescribeRiskConfiguration`: the threat-protection settings
//! of a pool, optionally overridden per app client.
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetRiskConfiguration.html>
//!
//! A client's own configuration replaces the pool's entirely (no merging). Describing
//! a client without one answers the pool's configuration under that client id. Setting
//! all three parts to null deletes the configuration, as in Cognito. Both operations
//! need threat protection on (`UserPoolAddOnNotEnabledException` otherwise).

use crate::Core;
use crate::clock::epoch_secs;
use crate::error::{CoreError, CoreResult};
use crate::store::RiskConfigRecord;
use crate::threat::cidr::Cidr;
use crate::user_pool::check_pool_id;
use cognate_proto::threat::*;
use cognate_proto::validate::{self as v, Validator};

/// Model bound of both IP range lists.
const MAX_RANGES: usize = 200;

const TAKEOVER_ACTIONS: &[&str] = &["BLOCK", "MFA_IF_CONFIGURED", "MFA_REQUIRED", "NO_ACTION"];

/// `arn:partition:service:region:account:resource[:more[:more]]`, the model's pattern
/// for `SourceArn`.
fn is_arn(s: &str) -> bool {
    let allowed = |part: &str| {
        part.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || "+=/,.@-".contains(c))
    };
    let parts: Vec<&str> = s.split(':').collect();
    (6..=8).contains(&parts.len())
        && parts[0] == "arn"
        && parts.iter().all(|p| allowed(p))
        && parts
            .iter()
            .enumerate()
            .all(|(i, p)| i == 3 || !p.is_empty())
        && parts[4].chars().all(|c| c.is_ascii_digit())
}

const ARN_PATTERN: &str = r"arn:[\w+=/,.@-]+:[\w+=/,.@-]+:([\w+=/,.@-]*)?:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[\w+=/,.@-]+)?";

fn check_client_id(client_id: Option<&str>, val: &mut Validator) {
    val.len("clientId", client_id, 1, 128).pattern(
        "clientId",
        client_id,
        v::CLIENT_ID_PATTERN,
        v::is_word_plus,
    );
}

fn check_email(field: &str, email: Option<&NotifyEmailType>, val: &mut Validator) {
    let Some(e) = email else { return };
    val.required(&format!("{field}.subject"), &e.subject)
        .len(&format!("{field}.subject"), e.subject.as_deref(), 1, 140)
        .len(
            &format!("{field}.htmlBody"),
            e.html_body.as_deref(),
            6,
            20_000,
        )
        .len(
            &format!("{field}.textBody"),
            e.text_body.as_deref(),
            6,
            20_000,
        );
}

/// RFC 5322 specials: never in an address or an unquoted display name.
const SPECIALS: &str = "()<>[]:;@\\,\"";

/// A bare address: the core's email check, and none of the characters that would
/// start a display name, a group or a second address.
fn is_address(a: &str) -> bool {
    crate::schema::looks_like_email(a)
        && a.split_once('@')
            .is_some_and(|(l, d)| ![l, d].iter().any(|p| p.contains(|c| SPECIALS.contains(c))))
}

/// A display name: a quoted string (no `"` or `\` inside), or words without specials.
fn is_display_name(name: &str) -> bool {
    match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
        Some(inner) => !inner.contains(|c: char| c == '"' || c == '\\' || c.is_control()),
        None => !name.contains(|c: char| SPECIALS.contains(c) || c.is_control()),
    }
}

/// RFC 5322 §3.4 `mailbox`, as Cognito documents `From` / `ReplyTo`: an address, or
/// `Name <address>` (the name optional, possibly quoted); nothing after the `>`.
fn is_mailbox(v: &str) -> bool {
    match v.split_once('<') {
        None => is_address(v),
        Some((name, rest)) => rest
            .strip_suffix('>')
            .is_some_and(|addr| is_address(addr) && is_display_name(name.trim())),
    }
}

/// `NotifyConfiguration.From` / `ReplyTo` become mail headers: a line break would add
/// headers of the caller's choosing, and trailing text more recipients or junk the
/// mail server refuses when a notification is due, long after the setting was stored.
fn check_mailbox(field: &str, value: Option<&str>) -> CoreResult<()> {
    let Some(v) = value else { return Ok(()) };
    if v.contains(['\r', '\n']) {
        return Err(CoreError::InvalidParameter(format!(
            "{field} must not contain line breaks."
        )));
    }
    if !is_mailbox(v) {
        return Err(CoreError::InvalidParameter(format!(
            "{field} must be an email address or a name with an address in angle brackets, \
             such as Example Corp <no-reply@example.com>."
        )));
    }
    Ok(())
}

fn check_takeover(t: &AccountTakeoverRiskConfigurationType, val: &mut Validator) {
    const P: &str = "accountTakeoverRiskConfiguration";
    val.required(&format!("{P}.actions"), &t.actions);
    let actions = t.actions.clone().unwrap_or_default();
    for (name, action) in [
        ("lowAction", &actions.low_action),
        ("mediumAction", &actions.medium_action),
        ("highAction", &actions.high_action),
    ] {
        let Some(a) = action else { continue };
        let field = format!("{P}.actions.{name}");
        val.required(&format!("{field}.notify"), &a.notify)
            .required(&format!("{field}.eventAction"), &a.event_action)
            .one_of(
                &format!("{field}.eventAction"),
                a.event_action.as_deref(),
                TAKEOVER_ACTIONS,
            );
    }
    if let Some(n) = &t.notify_configuration {
        let field = format!("{P}.notifyConfiguration");
        let arn = n.source_arn.as_deref();
        val.required(&format!("{field}.sourceArn"), &n.source_arn)
            .len(&format!("{field}.sourceArn"), arn, 20, 2048)
            .pattern(&format!("{field}.sourceArn"), arn, ARN_PATTERN, is_arn);
        check_email(&format!("{field}.blockEmail"), n.block_email.as_ref(), val);
        check_email(
            &format!("{field}.noActionEmail"),
            n.no_action_email.as_ref(),
            val,
        );
        check_email(&format!("{field}.mfaEmail"), n.mfa_email.as_ref(), val);
    }
}

fn check_ranges(field: &str, ranges: Option<&[String]>, val: &mut Validator) -> CoreResult<()> {
    val.count(field, ranges.map(<[String]>::len), 0, MAX_RANGES);
    if let Some(bad) = ranges
        .unwrap_or_default()
        .iter()
        .find(|r| Cidr::parse(r).is_none())
    {
        return Err(CoreError::InvalidParameter(format!(
            "Invalid IP range {bad:?} in {field}: ranges must be in CIDR notation."
        )));
    }
    Ok(())
}

fn validate(req: &SetRiskConfigurationRequest) -> CoreResult<()> {
    let mut val = Validator::new();
    check_client_id(req.client_id.as_deref(), &mut val);
    if let Some(c) = &req.compromised_credentials_risk_configuration {
        const P: &str = "compromisedCredentialsRiskConfiguration";
        val.required(&format!("{P}.actions"), &c.actions)
            .each_one_of(
                &format!("{P}.eventFilter"),
                c.event_filter.as_deref(),
                &["SIGN_IN", "PASSWORD_CHANGE", "SIGN_UP"],
            );
        if let Some(a) = &c.actions {
            val.required(&format!("{P}.actions.eventAction"), &a.event_action)
                .one_of(
                    &format!("{P}.actions.eventAction"),
                    a.event_action.as_deref(),
                    &["BLOCK", "NO_ACTION"],
                );
        }
    }
    if let Some(t) = &req.account_takeover_risk_configuration {
        check_takeover(t, &mut val);
    }
    if let Some(e) = &req.risk_exception_configuration {
        check_ranges(
            "riskExceptionConfiguration.blockedIPRangeList",
            e.blocked_ip_range_list.as_deref(),
            &mut val,
        )?;
        check_ranges(
            "riskExceptionConfiguration.skippedIPRangeList",
            e.skipped_ip_range_list.as_deref(),
            &mut val,
        )?;
    }
    val.finish().map_err(CoreError::InvalidParameter)?;
    let notify = req
        .account_takeover_risk_configuration
        .as_ref()
        .and_then(|t| t.notify_configuration.as_ref());
    if let Some(n) = notify {
        check_mailbox("NotifyConfiguration.From", n.from.as_deref())?;
        check_mailbox("NotifyConfiguration.ReplyTo", n.reply_to.as_deref())?;
    }
    check_notify_needs_configuration(req.account_takeover_risk_configuration.as_ref())
}

/// A `Notify: true` action needs the sender and templates to notify with.
fn check_notify_needs_configuration(
    t: Option<&AccountTakeoverRiskConfigurationType>,
) -> CoreResult<()> {
    let Some(t) = t else { return Ok(()) };
    let actions = t.actions.clone().unwrap_or_default();
    let notifies = [
        actions.low_action,
        actions.medium_action,
        actions.high_action,
    ]
    .iter()
    .flatten()
    .any(|a| a.notify == Some(true));
    if notifies && t.notify_configuration.is_none() {
        return Err(CoreError::InvalidParameter(
            "NotifyConfiguration is required when an account takeover action has Notify set to true."
                .into(),
        ));
    }
    Ok(())
}

fn to_wire(
    pool_id: &str,
    client_id: Option<String>,
    record: Option<RiskConfigRecord>,
) -> RiskConfigurationType {
    let (config, date) = match record {
        Some(r) => (r.config, Some(epoch_secs(r.updated_at))),
        None => (RiskConfigurationType::default(), None),
    };
    RiskConfigurationType {
        user_pool_id: Some(pool_id.to_owned()),
        client_id,
        last_modified_date: date,
        ..config
    }
}

impl Core {
    /// `SetRiskConfiguration`.
    pub async fn set_risk_configuration(
        &self,
        req: SetRiskConfigurationRequest,
    ) -> CoreResult<RiskConfigurationResponse> {
        let pool_id = check_pool_id(&req.user_pool_id)?.to_owned();
        validate(&req)?;
        let pool = self.load_pool(&pool_id).await?;
        Self::require_threat_protection(&pool)?;
        if let Some(client_id) = &req.client_id {
            self.load_client(&pool_id, client_id).await?;
        }
        let config = RiskConfigurationType {
            compromised_credentials_risk_configuration: req
                .compromised_credentials_risk_configuration,
            account_takeover_risk_configuration: req.account_takeover_risk_configuration,
            risk_exception_configuration: req.risk_exception_configuration,
            ..RiskConfigurationType::default()
        };
        let client_id = req.client_id;
        if config == RiskConfigurationType::default() {
            self.store
                .delete_risk_config(&pool_id, client_id.as_deref())
                .await?;
            return Ok(RiskConfigurationResponse {
                risk_configuration: to_wire(&pool_id, client_id, None),
            });
        }
        let record = RiskConfigRecord {
            pool_id: pool_id.clone(),
            client_id: client_id.clone(),
            config,
            updated_at: self.now(),
        };
        self.store.put_risk_config(&record).await?;
        Ok(RiskConfigurationResponse {
            risk_configuration: to_wire(&pool_id, client_id, Some(record)),
        })
    }

    /// `DescribeRiskConfiguration`: the client's own configuration, else the pool's
    /// (answered under the client id asked about).
    pub async fn describe_risk_configuration(
        &self,
        req: DescribeRiskConfigurationRequest,
    ) -> CoreResult<RiskConfigurationResponse> {
        let pool_id = check_pool_id(&req.user_pool_id)?.to_owned();
        let mut val = Validator::new();
        check_client_id(req.client_id.as_deref(), &mut val);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let pool = self.load_pool(&pool_id).await?;
        Self::require_threat_protection(&pool)?;
        if let Some(client_id) = &req.client_id {
            self.load_client(&pool_id, client_id).await?;
        }
        let record = self
            .effective_risk_record(&pool_id, req.client_id.as_deref())
            .await?;
        Ok(RiskConfigurationResponse {
            risk_configuration: to_wire(&pool_id, req.client_id, record),
        })
    }

    async fn effective_risk_record(
        &self,
        pool_id: &str,
        client_id: Option<&str>,
    ) -> CoreResult<Option<RiskConfigRecord>> {
        if let Some(client_id) = client_id
            && let Some(r) = self.store.get_risk_config(pool_id, Some(client_id)).await?
        {
            return Ok(Some(r));
        }
        Ok(self.store.get_risk_config(pool_id, None).await?)
    }

    /// The configuration that applies to requests of `client_id` (empty when none is set).
    pub async fn effective_risk_configuration(
        &self,
        pool_id: &str,
        client_id: Option<&str>,
    ) -> CoreResult<RiskConfigurationType> {
        Ok(self
            .effective_risk_record(pool_id, client_id)
            .await?
            .map(|r| r.config)
            .unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn senders_are_one_mailbox() {
        for ok in [
            "security@example.com",
            "Example Security <security@example.com>",
            "\"Example, Inc.\" <security@example.com>",
            "<security@example.com>",
        ] {
            assert!(is_mailbox(ok), "{ok}");
            assert!(check_mailbox("From", Some(ok)).is_ok(), "{ok}");
        }
        for bad in [
            "security@example.com junk",
            "Example <security@example.com> junk",
            "Example <security@example.com",
            "a@example.com, b@example.com",
            "Ex, Ample <security@example.com>",
            "Example <security@example.com>>",
            "not an address",
            "\"Ex\"ample\" <security@example.com>",
        ] {
            assert!(!is_mailbox(bad), "{bad}");
        }
        let e = check_mailbox("From", Some("a@example.com\r\nBcc: x@evil.example"));
        assert!(matches!(e, Err(CoreError::InvalidParameter(m)) if m.contains("line breaks")));
    }

    #[test]
    fn source_arns_follow_the_model_pattern() {
        assert!(is_arn(
            "arn:aws:ses:us-east-1:123456789012:identity/no-reply@example.com"
        ));
        assert!(is_arn("arn:aws:ses::123456789012:identity/example.com"));
        assert!(!is_arn("arn:aws:ses:us-east-1:abc:identity/x"));
        assert!(!is_arn("not-an-arn"));
        assert!(!is_arn("arn:aws::us-east-1:1:x"));
    }

    #[test]
    fn notify_without_a_configuration_is_refused() {
        let t = AccountTakeoverRiskConfigurationType {
            notify_configuration: None,
            actions: Some(AccountTakeoverActionsType {
                high_action: Some(AccountTakeoverActionType {
                    notify: Some(true),
                    event_action: Some("BLOCK".into()),
                }),
                ..Default::default()
            }),
        };
        assert!(check_notify_needs_configuration(Some(&t)).is_err());
    }
}
