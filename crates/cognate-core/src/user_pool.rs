//! User-pool operations: create with Cognito's defaults, describe, replace-style update,
//! delete (honouring deletion protection), list, custom attributes and tags.
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPool.html>

use crate::clock::epoch_secs;
use crate::error::{CoreError, CoreResult};
use crate::store::{StoreError, UserPoolRecord};
use crate::{Core, ids, paging, schema};
use cognate_proto::common::{
    ListTagsForResourceRequest, ListTagsForResourceResponse, TagResourceRequest,
    UntagResourceRequest,
};
use cognate_proto::user_pool::*;
use cognate_proto::validate::{self as v, Validator};

fn invalid(msg: impl Into<String>) -> CoreError {
    CoreError::InvalidParameter(msg.into())
}

/// Checks a `UserPoolId` member and returns it.
pub fn check_pool_id(id: &Option<String>) -> CoreResult<&str> {
    let mut val = Validator::new();
    val.required("userPoolId", id)
        .len("userPoolId", id.as_deref(), 1, 55)
        .pattern(
            "userPoolId",
            id.as_deref(),
            v::USER_POOL_ID_PATTERN,
            v::is_user_pool_id,
        );
    val.finish().map_err(CoreError::InvalidParameter)?;
    Ok(id.as_deref().unwrap_or_default())
}

fn validate_settings(s: &UserPoolSettings, val: &mut Validator) {
    if let Some(pp) = s.policies.as_ref().and_then(|p| p.password_policy.as_ref()) {
        val.range(
            "policies.passwordPolicy.minimumLength",
            pp.minimum_length,
            6,
            99,
        )
        .range(
            "policies.passwordPolicy.passwordHistorySize",
            pp.password_history_size,
            0,
            24,
        )
        .range(
            "policies.passwordPolicy.temporaryPasswordValidityDays",
            pp.temporary_password_validity_days,
            0,
            365,
        );
    }
    val.one_of(
        "deletionProtection",
        s.deletion_protection.as_deref(),
        &["ACTIVE", "INACTIVE"],
    )
    .one_of(
        "mfaConfiguration",
        s.mfa_configuration.as_deref(),
        &["OFF", "ON", "OPTIONAL"],
    )
    .one_of(
        "userPoolTier",
        s.user_pool_tier.as_deref(),
        &["LITE", "ESSENTIALS", "PLUS"],
    )
    .each_one_of(
        "autoVerifiedAttributes",
        s.auto_verified_attributes.as_deref(),
        &["phone_number", "email"],
    )
    .each_one_of(
        "aliasAttributes",
        s.alias_attributes.as_deref(),
        &["phone_number", "email", "preferred_username"],
    )
    .each_one_of(
        "usernameAttributes",
        s.username_attributes.as_deref(),
        &["phone_number", "email"],
    )
    .count(
        "userPoolTags",
        s.user_pool_tags.as_ref().map(|t| t.len()),
        0,
        50,
    );
    sms_message(val, "smsVerificationMessage", &s.sms_verification_message);
    sms_message(
        val,
        "smsAuthenticationMessage",
        &s.sms_authentication_message,
    );
    email_message(
        val,
        "emailVerificationMessage",
        &s.email_verification_message,
    );
    email_subject(
        val,
        "emailVerificationSubject",
        &s.email_verification_subject,
    );
    if let Some(t) = &s.verification_message_template {
        sms_message(
            val,
            "verificationMessageTemplate.smsMessage",
            &t.sms_message,
        );
        email_message(
            val,
            "verificationMessageTemplate.emailMessage",
            &t.email_message,
        );
        email_subject(
            val,
            "verificationMessageTemplate.emailSubject",
            &t.email_subject,
        );
        val.len(
            "verificationMessageTemplate.emailMessageByLink",
            t.email_message_by_link.as_deref(),
            6,
            20000,
        )
        .pattern(
            "verificationMessageTemplate.emailMessageByLink",
            t.email_message_by_link.as_deref(),
            LINK_MESSAGE_PATTERN,
            has_link_placeholder,
        );
        email_subject(
            val,
            "verificationMessageTemplate.emailSubjectByLink",
            &t.email_subject_by_link,
        );
        val.one_of(
            "verificationMessageTemplate.defaultEmailOption",
            t.default_email_option.as_deref(),
            &["CONFIRM_WITH_LINK", "CONFIRM_WITH_CODE"],
        );
    }
    if let Some(t) = s
        .admin_create_user_config
        .as_ref()
        .and_then(|c| c.invite_message_template.as_ref())
    {
        let f = "adminCreateUserConfig.inviteMessageTemplate";
        sms_message(val, &format!("{f}.sMSMessage"), &t.sms_message);
        email_message(val, &format!("{f}.emailMessage"), &t.email_message);
        email_subject(val, &format!("{f}.emailSubject"), &t.email_subject);
    }
    if let Some(r) = &s.account_recovery_setting {
        for m in r.recovery_mechanisms.as_deref().unwrap_or_default() {
            val.range(
                "accountRecoverySetting.recoveryMechanisms.priority",
                m.priority,
                1,
                2,
            )
            .one_of(
                "accountRecoverySetting.recoveryMechanisms.name",
                m.name.as_deref(),
                &["verified_email", "verified_phone_number", "admin_only"],
            );
        }
    }
}

/// Model pattern of SMS texts that carry a code (`SmsVerificationMessageType`).
const SMS_MESSAGE_PATTERN: &str = r".*\{####\}.*";
/// Model pattern of email bodies that carry a code (`EmailVerificationMessageType`).
const EMAIL_MESSAGE_PATTERN: &str =
    r"[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*\{####\}[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*";
/// Model pattern of link emails (`EmailVerificationMessageByLinkType`).
const LINK_MESSAGE_PATTERN: &str = r"[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*\{##[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*##\}[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*";
/// Model pattern of email subjects (`EmailVerificationSubjectType`).
const SUBJECT_PATTERN: &str = r"[\p{L}\p{M}\p{S}\p{N}\p{P}\s]+";

fn has_code_placeholder(text: &str) -> bool {
    text.contains("{####}")
}

fn has_link_placeholder(text: &str) -> bool {
    text.find("{##")
        .is_some_and(|i| text.get(i + 3..).is_some_and(|rest| rest.contains("##}")))
}

fn is_subject_text(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| !c.is_control() || c.is_whitespace())
}

/// `SmsVerificationMessageType`: 6–140 characters with the `{####}` placeholder.
fn sms_message(val: &mut Validator, field: &str, text: &Option<String>) {
    val.len(field, text.as_deref(), 6, 140).pattern(
        field,
        text.as_deref(),
        SMS_MESSAGE_PATTERN,
        has_code_placeholder,
    );
}

/// `EmailVerificationMessageType`: 6–20000 characters with the `{####}` placeholder.
fn email_message(val: &mut Validator, field: &str, text: &Option<String>) {
    val.len(field, text.as_deref(), 6, 20000).pattern(
        field,
        text.as_deref(),
        EMAIL_MESSAGE_PATTERN,
        has_code_placeholder,
    );
}

/// `EmailVerificationSubjectType`: 1–140 printable characters.
fn email_subject(val: &mut Validator, field: &str, text: &Option<String>) {
    val.len(field, text.as_deref(), 1, 140).pattern(
        field,
        text.as_deref(),
        SUBJECT_PATTERN,
        is_subject_text,
    );
}

/// Rules that span members, checked after the per-member constraints.
fn check_consistency(s: &UserPoolSettings) -> CoreResult<()> {
    if s.alias_attributes.as_ref().is_some_and(|a| !a.is_empty())
        && s.username_attributes
            .as_ref()
            .is_some_and(|a| !a.is_empty())
    {
        return Err(invalid(
            "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.",
        ));
    }
    if let Some(t) = s
        .admin_create_user_config
        .as_ref()
        .and_then(|c| c.invite_message_template.as_ref())
    {
        for (name, text) in [
            ("SMSMessage", &t.sms_message),
            ("EmailMessage", &t.email_message),
        ] {
            if text
                .as_deref()
                .is_some_and(|m| !m.contains("{####}") || !m.contains("{username}"))
            {
                return Err(invalid(format!(
                    "{name} of InviteMessageTemplate must contain the placeholders {{username}} and {{####}}."
                )));
            }
        }
    }
    Ok(())
}

/// Sign-in identifiers and case sensitivity are fixed at creation: an update may repeat
/// them (an empty list is the same as none, an absent `CaseSensitive` means true) but
/// not change them.
fn check_immutable(next: &UserPoolSettings, current: &UserPoolSettings) -> CoreResult<()> {
    let same_list = |a: &Option<Vec<String>>, b: &Option<Vec<String>>| {
        let mut a = a.clone().unwrap_or_default();
        let mut b = b.clone().unwrap_or_default();
        a.sort();
        b.sort();
        a == b
    };
    if next.alias_attributes.is_some()
        && !same_list(&next.alias_attributes, &current.alias_attributes)
    {
        return Err(invalid("AliasAttributes cannot be updated."));
    }
    if next.username_attributes.is_some()
        && !same_list(&next.username_attributes, &current.username_attributes)
    {
        return Err(invalid("UsernameAttributes cannot be updated."));
    }
    let case_sensitive = |s: &UserPoolSettings| {
        s.username_configuration
            .as_ref()
            .and_then(|c| c.case_sensitive)
            .unwrap_or(true)
    };
    if next.username_configuration.is_some() && case_sensitive(next) != case_sensitive(current) {
        return Err(invalid("UsernameConfiguration cannot be updated."));
    }
    Ok(())
}

/// `preferred_username` is set only after confirmation, so a pool cannot both require
/// it and offer it as an alias (Cognito refuses the combination).
fn check_schema_against_aliases(
    s: &UserPoolSettings,
    schema: &[cognate_proto::user_pool::SchemaAttribute],
) -> CoreResult<()> {
    let alias = s
        .alias_attributes
        .as_deref()
        .unwrap_or_default()
        .iter()
        .any(|a| a == "preferred_username");
    let required = schema
        .iter()
        .any(|a| a.name.as_deref() == Some("preferred_username") && a.required == Some(true));
    if alias && required {
        return Err(invalid(
            "preferred_username cannot be both a required attribute and an alias attribute.",
        ));
    }
    Ok(())
}

/// Fills the defaults Cognito applies to omitted settings (also on update, which
/// replaces the whole configuration).
fn with_defaults(mut s: UserPoolSettings) -> UserPoolSettings {
    let policies = s.policies.get_or_insert_with(Default::default);
    let pp = policies.password_policy.get_or_insert(PasswordPolicy {
        minimum_length: Some(8),
        require_uppercase: Some(true),
        require_lowercase: Some(true),
        require_numbers: Some(true),
        require_symbols: Some(true),
        password_history_size: None,
        temporary_password_validity_days: Some(7),
    });
    pp.minimum_length.get_or_insert(8);
    for flag in [
        &mut pp.require_uppercase,
        &mut pp.require_lowercase,
        &mut pp.require_numbers,
        &mut pp.require_symbols,
    ] {
        flag.get_or_insert(false);
    }
    if pp.temporary_password_validity_days.unwrap_or(0) == 0 {
        pp.temporary_password_validity_days = Some(7);
    }
    policies
        .sign_in_policy
        .get_or_insert_with(|| serde_json::json!({"AllowedFirstAuthFactors": ["PASSWORD"]}));
    s.deletion_protection
        .get_or_insert_with(|| "INACTIVE".into());
    s.mfa_configuration.get_or_insert_with(|| "OFF".into());
    s.lambda_config.get_or_insert_with(|| serde_json::json!({}));
    s.user_pool_tier.get_or_insert_with(|| "ESSENTIALS".into());
    s.email_configuration
        .get_or_insert_with(|| serde_json::json!({"EmailSendingAccount": "COGNITO_DEFAULT"}));
    s.user_pool_tags.get_or_insert_with(Default::default);
    let vmt = s
        .verification_message_template
        .get_or_insert_with(Default::default);
    vmt.default_email_option
        .get_or_insert_with(|| "CONFIRM_WITH_CODE".into());
    let acu = s
        .admin_create_user_config
        .get_or_insert_with(Default::default);
    acu.allow_admin_create_user_only.get_or_insert(false);
    acu.unused_account_validity_days.get_or_insert(7);
    s
}

impl Core {
    fn pool_arn(&self, id: &str) -> String {
        format!(
            "arn:aws:cognito-idp:{}:{}:userpool/{id}",
            self.settings.region, self.settings.account_id
        )
    }

    /// Loads a pool or answers `ResourceNotFoundException`.
    pub(crate) async fn load_pool(&self, id: &str) -> CoreResult<UserPoolRecord> {
        self.store
            .get_pool(id)
            .await?
            .ok_or_else(|| CoreError::pool_not_found(id))
    }

    async fn describe(&self, pool: UserPoolRecord) -> CoreResult<UserPoolType> {
        let users = self.store.count_users(&pool.id).await?;
        let (domain, custom_domain) = self.pool_domains(&pool.id).await?;
        Ok(UserPoolType {
            arn: self.pool_arn(&pool.id),
            id: pool.id,
            name: pool.name,
            creation_date: epoch_secs(pool.created_at),
            last_modified_date: epoch_secs(pool.updated_at),
            schema_attributes: pool.schema,
            estimated_number_of_users: users,
            domain,
            custom_domain,
            settings: pool.settings,
        })
    }

    /// `CreateUserPool`.
    pub async fn create_user_pool(
        &self,
        req: CreateUserPoolRequest,
    ) -> CoreResult<UserPoolResponse> {
        let mut val = Validator::new();
        val.required("poolName", &req.pool_name)
            .len("poolName", req.pool_name.as_deref(), 1, 128)
            .pattern(
                "poolName",
                req.pool_name.as_deref(),
                v::NAME_PATTERN,
                v::is_name_text,
            )
            .count("schema", req.schema.as_ref().map(Vec::len), 1, 50);
        validate_settings(&req.settings, &mut val);
        val.finish().map_err(CoreError::InvalidParameter)?;
        check_consistency(&req.settings)?;
        let schema = schema::build_schema(req.schema.as_deref().unwrap_or_default())?;
        check_schema_against_aliases(&req.settings, &schema)?;
        let now = self.now();
        let record = UserPoolRecord {
            id: ids::user_pool_id(&self.settings.region),
            name: req.pool_name.unwrap_or_default(),
            settings: with_defaults(req.settings),
            schema,
            created_at: now,
            updated_at: now,
            version: 0,
        };
        self.store.insert_pool(&record).await?;
        Ok(UserPoolResponse {
            user_pool: self.describe(record).await?,
        })
    }

    /// `DescribeUserPool`.
    pub async fn describe_user_pool(&self, req: UserPoolIdRequest) -> CoreResult<UserPoolResponse> {
        let id = check_pool_id(&req.user_pool_id)?;
        let pool = self.load_pool(id).await?;
        Ok(UserPoolResponse {
            user_pool: self.describe(pool).await?,
        })
    }

    /// `UpdateUserPool`: every omitted setting returns to its default; sign-in
    /// identifiers and case sensitivity cannot change.
    pub async fn update_user_pool(&self, req: UpdateUserPoolRequest) -> CoreResult<()> {
        let id = check_pool_id(&req.user_pool_id)?.to_owned();
        let mut val = Validator::new();
        val.len("poolName", req.pool_name.as_deref(), 1, 128)
            .pattern(
                "poolName",
                req.pool_name.as_deref(),
                v::NAME_PATTERN,
                v::is_name_text,
            );
        validate_settings(&req.settings, &mut val);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let mut pool = self.load_pool(&id).await?;
        let mut next = req.settings;
        check_immutable(&next, &pool.settings)?;
        next.alias_attributes = pool.settings.alias_attributes.clone();
        next.username_attributes = pool.settings.username_attributes.clone();
        next.username_configuration = pool.settings.username_configuration.clone();
        check_consistency(&next)?;
        pool.settings = with_defaults(next);
        if let Some(name) = req.pool_name {
            pool.name = name;
        }
        pool.updated_at = self.now();
        self.store.update_pool(&pool).await?;
        Ok(())
    }

    /// `DeleteUserPool`.
    pub async fn delete_user_pool(&self, req: UserPoolIdRequest) -> CoreResult<()> {
        let id = check_pool_id(&req.user_pool_id)?;
        let pool = self.load_pool(id).await?;
        if pool.settings.deletion_protection.as_deref() == Some("ACTIVE") {
            return Err(invalid(
                "The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.",
            ));
        }
        if !self.store.delete_pool(id).await? {
            return Err(CoreError::pool_not_found(id));
        }
        Ok(())
    }

    /// `ListUserPools`.
    pub async fn list_user_pools(
        &self,
        req: ListUserPoolsRequest,
    ) -> CoreResult<ListUserPoolsResponse> {
        let mut val = Validator::new();
        val.required("maxResults", &req.max_results)
            .range("maxResults", req.max_results, 1, 60);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let limit = paging::page_size(req.max_results, 60);
        let after = req
            .next_token
            .as_deref()
            .map(|t| paging::decode("pools", t))
            .transpose()?;
        let mut pools = self.store.list_pools(after.as_deref(), limit + 1).await?;
        let next_token = if pools.len() > limit {
            pools.truncate(limit);
            pools.last().map(|p| paging::encode("pools", &p.id))
        } else {
            None
        };
        Ok(ListUserPoolsResponse {
            user_pools: pools
                .into_iter()
                .map(|p| UserPoolDescription {
                    id: p.id,
                    name: p.name,
                    lambda_config: p.settings.lambda_config,
                    creation_date: epoch_secs(p.created_at),
                    last_modified_date: epoch_secs(p.updated_at),
                })
                .collect(),
            next_token,
        })
    }

    /// `AddCustomAttributes`.
    pub async fn add_custom_attributes(&self, req: AddCustomAttributesRequest) -> CoreResult<()> {
        let id = check_pool_id(&req.user_pool_id)?.to_owned();
        let mut val = Validator::new();
        val.required("customAttributes", &req.custom_attributes)
            .count(
                "customAttributes",
                req.custom_attributes.as_ref().map(Vec::len),
                1,
                25,
            );
        val.finish().map_err(CoreError::InvalidParameter)?;
        let mut pool = self.load_pool(&id).await?;
        schema::add_custom(
            &mut pool.schema,
            req.custom_attributes.as_deref().unwrap_or_default(),
        )?;
        pool.updated_at = self.now();
        self.store.update_pool(&pool).await?;
        Ok(())
    }

    async fn pool_for_arn(&self, arn: &Option<String>) -> CoreResult<UserPoolRecord> {
        let mut val = Validator::new();
        val.required("resourceArn", arn)
            .len("resourceArn", arn.as_deref(), 20, 2048);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let arn = arn.as_deref().unwrap_or_default();
        let id = arn
            .strip_prefix(&format!(
                "arn:aws:cognito-idp:{}:{}:userpool/",
                self.settings.region, self.settings.account_id
            ))
            .ok_or_else(|| {
                CoreError::ResourceNotFound(format!("Resource {arn} does not exist."))
            })?;
        self.store
            .get_pool(id)
            .await?
            .ok_or_else(|| CoreError::ResourceNotFound(format!("Resource {arn} does not exist.")))
    }

    async fn save_tags(
        &self,
        mut pool: UserPoolRecord,
        f: impl FnOnce(&mut cognate_proto::common::Tags),
    ) -> CoreResult<()> {
        let tags = pool
            .settings
            .user_pool_tags
            .get_or_insert_with(Default::default);
        f(tags);
        if tags.len() > 50 {
            return Err(CoreError::LimitExceeded(
                "A user pool can have at most 50 tags.".into(),
            ));
        }
        pool.updated_at = self.now();
        match self.store.update_pool(&pool).await {
            Err(StoreError::VersionConflict) => Err(CoreError::ConcurrentModification),
            other => Ok(other?),
        }
    }

    /// `TagResource`.
    pub async fn tag_resource(&self, req: TagResourceRequest) -> CoreResult<()> {
        let pool = self.pool_for_arn(&req.resource_arn).await?;
        let new_tags = req.tags.unwrap_or_default();
        for (k, val) in &new_tags {
            if k.is_empty() || k.chars().count() > 128 || val.chars().count() > 256 {
                return Err(invalid(
                    "Tag keys have 1 to 128 characters and values at most 256.",
                ));
            }
        }
        self.save_tags(pool, |t| t.extend(new_tags)).await
    }

    /// `UntagResource`.
    pub async fn untag_resource(&self, req: UntagResourceRequest) -> CoreResult<()> {
        let pool = self.pool_for_arn(&req.resource_arn).await?;
        let keys = req.tag_keys.unwrap_or_default();
        self.save_tags(pool, |t| t.retain(|k, _| !keys.contains(k)))
            .await
    }

    /// `ListTagsForResource`.
    pub async fn list_tags_for_resource(
        &self,
        req: ListTagsForResourceRequest,
    ) -> CoreResult<ListTagsForResourceResponse> {
        let pool = self.pool_for_arn(&req.resource_arn).await?;
        Ok(ListTagsForResourceResponse {
            tags: pool.settings.user_pool_tags.unwrap_or_default(),
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn link_placeholder_needs_opening_and_closing_marks() {
        assert!(has_link_placeholder("Click {##here##} please"));
        assert!(has_link_placeholder("{####}"));
        assert!(!has_link_placeholder("Click {##here please"));
        assert!(!has_link_placeholder("Click here##} {##"));
    }

    #[test]
    fn immutable_settings_compare_by_effective_value() {
        let current = UserPoolSettings {
            alias_attributes: Some(vec!["email".into(), "phone_number".into()]),
            ..Default::default()
        };
        let same = UserPoolSettings {
            alias_attributes: Some(vec!["phone_number".into(), "email".into()]),
            username_configuration: Some(UsernameConfiguration {
                case_sensitive: Some(true),
            }),
            ..Default::default()
        };
        assert!(check_immutable(&same, &current).is_ok());
        assert!(check_immutable(&UserPoolSettings::default(), &current).is_ok());
        let changed = UserPoolSettings {
            alias_attributes: Some(vec![]),
            ..Default::default()
        };
        assert!(check_immutable(&changed, &current).is_err());
        let insensitive = UserPoolSettings {
            username_configuration: Some(UsernameConfiguration {
                case_sensitive: Some(false),
            }),
            ..Default::default()
        };
        assert!(check_immutable(&insensitive, &current).is_err());
    }

    #[test]
    fn verification_texts_need_their_placeholders() {
        let mut val = Validator::new();
        let s = UserPoolSettings {
            verification_message_template: Some(VerificationMessageTemplate {
                email_message: Some("no code".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        validate_settings(&s, &mut val);
        let msg = val.finish().unwrap_err();
        assert!(
            msg.contains("'verificationMessageTemplate.emailMessage'"),
            "{msg}"
        );
    }
}
