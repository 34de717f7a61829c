//! User administration: the `Admin*` operations that create, read, change, disable and
//! delete users, and the helpers every user-facing operation shares (lookup by
//! username, alias or sub; conversion to the wire shapes).
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html>

use crate::clock::epoch_secs;
use crate::error::{CoreError, CoreResult};
use crate::identifiers::SignInConfig;
use crate::messages::{fill, looks_html};
use crate::password::{Policy, check_shape};
use crate::schema::{self, Writer};
use crate::store::{OutboundMessage, StoreError, UserPoolRecord, UserRecord, UserWrite};
use crate::user_pool::check_pool_id;
use crate::{Core, ids, list_users};
use cognate_proto::common::AttributeType;
use cognate_proto::user::*;
use cognate_proto::validate::{self as v, Validator};
use std::collections::BTreeMap;

/// User statuses (Cognito's `UserStatusType`).
pub mod status {
    /// Signed up, not confirmed.
    pub const UNCONFIRMED: &str = "UNCONFIRMED";
    /// Normal.
    pub const CONFIRMED: &str = "CONFIRMED";
    /// Must set a new password at next sign-in.
    pub const FORCE_CHANGE_PASSWORD: &str = "FORCE_CHANGE_PASSWORD";
    /// Must reset the password with a code.
    pub const RESET_REQUIRED: &str = "RESET_REQUIRED";
}

const DEFAULT_INVITE_EMAIL: &str = "Your username is {username} and temporary password is {####}. ";
const DEFAULT_INVITE_SUBJECT: &str = "Your temporary password";

/// Validates a `Username` member.
pub fn check_username(username: &Option<String>) -> CoreResult<&str> {
    let mut val = Validator::new();
    val.required("username", username)
        .len("username", username.as_deref(), 1, 128)
        .pattern(
            "username",
            username.as_deref(),
            v::USERNAME_PATTERN,
            v::is_visible_text,
        );
    val.finish().map_err(CoreError::InvalidParameter)?;
    Ok(username.as_deref().unwrap_or_default())
}

/// `[{Name, Value}]` into a map, refusing missing names and duplicates.
pub fn attribute_map(attrs: &[AttributeType]) -> CoreResult<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for a in attrs {
        let name = a.name.clone().filter(|n| !n.is_empty() && n.chars().count() <= 32).ok_or_else(|| {
            CoreError::InvalidParameter("1 validation error detected: Value null at 'userAttributes.member.name' failed to satisfy constraint: Member must not be null".into())
        })?;
        if out
            .insert(name.clone(), a.value.clone().unwrap_or_default())
            .is_some()
        {
            return Err(CoreError::InvalidParameter(format!(
                "Duplicate attribute {name}."
            )));
        }
    }
    Ok(out)
}

/// A user's attributes in wire form: `sub` first, then the rest by name.
pub fn wire_attributes(user: &UserRecord, only: Option<&[String]>) -> Vec<AttributeType> {
    let wanted = |n: &str| only.is_none_or(|o| o.iter().any(|x| x == n));
    let mut out = Vec::with_capacity(user.attributes.len() + 1);
    if wanted("sub") {
        out.push(AttributeType::new("sub", user.sub.clone()));
    }
    out.extend(
        user.attributes
            .iter()
            .filter(|(n, _)| wanted(n))
            .map(|(n, val)| AttributeType::new(n.clone(), val.clone())),
    );
    out
}

/// The `UserType` of a user.
pub fn to_user_type(user: &UserRecord, only: Option<&[String]>) -> UserType {
    UserType {
        username: user.username.clone(),
        attributes: wire_attributes(user, only),
        user_create_date: epoch_secs(user.created_at),
        user_last_modified_date: epoch_secs(user.updated_at),
        enabled: user.enabled,
        user_status: user.status.clone(),
    }
}

impl Core {
    /// Finds a user by username, verified alias or `sub`; `UserNotFoundException` otherwise.
    pub(crate) async fn find_user(
        &self,
        pool: &UserPoolRecord,
        username: &str,
    ) -> CoreResult<UserRecord> {
        let cfg = SignInConfig::of(&pool.settings);
        if let Some(u) = self
            .store
            .find_user_by_login(&pool.id, &cfg.normalize(username))
            .await?
        {
            return Ok(u);
        }
        if uuid::Uuid::parse_str(username).is_ok()
            && let Some(u) = self
                .store
                .find_user_by_sub(&pool.id, &username.to_lowercase())
                .await?
        {
            return Ok(u);
        }
        Err(CoreError::UserNotFound)
    }

    /// Everything written for `user`, with its logins and search index derived here.
    pub(crate) fn user_write(
        &self,
        pool: &UserPoolRecord,
        user: UserRecord,
        outbox: Vec<OutboundMessage>,
    ) -> UserWrite {
        UserWrite {
            logins: SignInConfig::of(&pool.settings).logins(&user),
            index: list_users::index_entries(&user),
            user,
            outbox,
            srp: None,
        }
    }

    fn map_write_error(pool: &UserPoolRecord, e: StoreError) -> CoreError {
        match e {
            StoreError::Conflict { what } => SignInConfig::of(&pool.settings).conflict_error(&what),
            other => other.into(),
        }
    }

    /// Saves a changed user (version-checked), mapping taken logins to Cognito errors.
    pub(crate) async fn save_user(
        &self,
        pool: &UserPoolRecord,
        user: UserRecord,
        outbox: Vec<OutboundMessage>,
    ) -> CoreResult<UserRecord> {
        self.save_user_with_srp(pool, user, None, outbox).await
    }

    /// Like [`Core::save_user`], also replacing the SRP verifier in the same transaction.
    pub(crate) async fn save_user_with_srp(
        &self,
        pool: &UserPoolRecord,
        mut user: UserRecord,
        srp: Option<crate::store::SrpCredential>,
        outbox: Vec<OutboundMessage>,
    ) -> CoreResult<UserRecord> {
        user.updated_at = self.now();
        let mut write = self.user_write(pool, user, outbox);
        write.srp = srp;
        self.store.update_user(&write).await.map_err(|e| match e {
            StoreError::Conflict { what } => {
                SignInConfig::of(&pool.settings).update_conflict_error(&what)
            }
            other => other.into(),
        })?;
        let mut user = write.user;
        user.version += 1;
        Ok(user)
    }

    /// Reads the pool and user named by a request.
    async fn pool_and_user(
        &self,
        pool_id: &Option<String>,
        username: &Option<String>,
    ) -> CoreResult<(UserPoolRecord, UserRecord)> {
        let pool_id = check_pool_id(pool_id)?;
        let username = check_username(username)?;
        let pool = self.load_pool(pool_id).await?;
        let user = self.find_user(&pool, username).await?;
        Ok((pool, user))
    }

    /// Applies `change` to the named user and saves it, retrying if a concurrent write won.
    async fn change_user(
        &self,
        pool_id: &Option<String>,
        username: &Option<String>,
        change: impl Fn(&UserPoolRecord, &mut UserRecord) -> CoreResult<()>,
    ) -> CoreResult<UserRecord> {
        for _ in 0..3 {
            let (pool, mut user) = self.pool_and_user(pool_id, username).await?;
            change(&pool, &mut user)?;
            match self.save_user(&pool, user, Vec::new()).await {
                Err(CoreError::ConcurrentModification) => continue,
                other => return other,
            }
        }
        Err(CoreError::ConcurrentModification)
    }

    fn invitation(
        &self,
        pool: &UserPoolRecord,
        user: &UserRecord,
        password: &str,
        mediums: &[String],
    ) -> Vec<OutboundMessage> {
        let template = pool
            .settings
            .admin_create_user_config
            .as_ref()
            .and_then(|c| c.invite_message_template.clone())
            .unwrap_or_default();
        let now = self.now();
        let mut out = Vec::new();
        for medium in mediums {
            let (attr, body, subject) = if medium == "EMAIL" {
                (
                    "email",
                    template
                        .email_message
                        .as_deref()
                        .unwrap_or(DEFAULT_INVITE_EMAIL),
                    Some(
                        template
                            .email_subject
                            .clone()
                            .unwrap_or_else(|| DEFAULT_INVITE_SUBJECT.into()),
                    ),
                )
            } else {
                (
                    "phone_number",
                    template
                        .sms_message
                        .as_deref()
                        .unwrap_or(DEFAULT_INVITE_EMAIL),
                    None,
                )
            };
            if let Some(dest) = user.attributes.get(attr).filter(|d| !d.is_empty()) {
                let html = medium == "EMAIL" && looks_html(body);
                let values = [("{username}", user.username.as_str()), ("{####}", password)];
                out.push(OutboundMessage {
                    pool_id: pool.id.clone(),
                    channel: medium.clone(),
                    destination: dest.clone(),
                    subject,
                    body: fill(body, &values, html),
                    created_at: now,
                    html: Some(html),
                    ..Default::default()
                });
            }
        }
        out
    }

    /// `AdminCreateUser` (and `MessageAction=RESEND` for a pending invitation).
    pub async fn admin_create_user(
        &self,
        req: AdminCreateUserRequest,
    ) -> CoreResult<AdminCreateUserResponse> {
        let pool_id = check_pool_id(&req.user_pool_id)?.to_owned();
        let username = check_username(&req.username)?.to_owned();
        let mut val = Validator::new();
        val.one_of(
            "messageAction",
            req.message_action.as_deref(),
            &["RESEND", "SUPPRESS"],
        )
        .each_one_of(
            "desiredDeliveryMediums",
            req.desired_delivery_mediums.as_deref(),
            &["SMS", "EMAIL"],
        );
        val.finish().map_err(CoreError::InvalidParameter)?;
        if let Some(tp) = &req.temporary_password {
            check_shape("temporaryPassword", tp)?;
        }
        let pool = self.load_pool(&pool_id).await?;
        let policy = Policy::from_wire(
            pool.settings
                .policies
                .as_ref()
                .and_then(|p| p.password_policy.as_ref()),
        );
        let password = match &req.temporary_password {
            Some(p) => {
                policy.check(p)?;
                p.clone()
            }
            None => policy.generate_temporary(),
        };
        let mediums = req
            .desired_delivery_mediums
            .clone()
            .unwrap_or_else(|| vec!["SMS".into()]);
        let send = req.message_action.as_deref() != Some("SUPPRESS");
        if req.message_action.as_deref() == Some("RESEND") {
            return self
                .resend_invitation(&pool, &username, password, &mediums)
                .await;
        }
        let cfg = SignInConfig::of(&pool.settings);
        let mut attributes = attribute_map(req.user_attributes.as_deref().unwrap_or_default())?;
        schema::check_attributes(&pool.schema, &attributes, Writer::Create)?;
        let sub = ids::sub();
        let internal_username = if cfg.uses_attributes_as_username() {
            let attr = cfg.username_attribute_for(&username)?;
            match attributes.get(attr) {
                Some(existing) if existing != &username => {
                    return Err(CoreError::InvalidParameter(format!(
                        "The {attr} attribute must match the username."
                    )));
                }
                _ => {
                    attributes.insert(attr.to_owned(), username.clone());
                }
            }
            sub.clone()
        } else {
            cfg.check_plain_username(&username)?;
            username
        };
        let now = self.now();
        let user = UserRecord {
            id: 0,
            pool_id: pool.id.clone(),
            username: internal_username,
            sub,
            status: status::FORCE_CHANGE_PASSWORD.into(),
            enabled: true,
            attributes,
            password_hash: None,
            password_set_at: Some(now),
            created_at: now,
            updated_at: now,
            version: 0,
        };
        let mut user = user;
        let (hash, srp) = self
            .password_credentials(&pool.id, &user, &password)
            .await?;
        user.password_hash = Some(hash);
        let outbox = if send {
            self.invitation(&pool, &user, &password, &mediums)
        } else {
            Vec::new()
        };
        let force = req.force_alias_creation == Some(true);
        let user = self
            .insert_new_user(&pool, user, outbox, force, Some(srp))
            .await?;
        Ok(AdminCreateUserResponse {
            user: to_user_type(&user, None),
        })
    }

    /// Inserts a new user. With `ForceAliasCreation`, a verified email or phone alias
    /// held by another user moves to the new one: the previous holder's copy becomes
    /// unverified, so it no longer signs in with it (API_AdminCreateUser).
    pub(crate) async fn insert_new_user(
        &self,
        pool: &UserPoolRecord,
        user: UserRecord,
        outbox: Vec<OutboundMessage>,
        force_alias: bool,
        srp: Option<crate::store::SrpCredential>,
    ) -> CoreResult<UserRecord> {
        let mut write = self.user_write(pool, user, outbox);
        write.srp = srp;
        let cfg = SignInConfig::of(&pool.settings);
        let inserted = match self.store.insert_user(&write).await {
            Err(StoreError::Conflict { what }) if force_alias && cfg.is_verifiable_alias(&what) => {
                self.release_alias(pool, &write.user, &what).await?;
                self.store.insert_user(&write).await
            }
            other => other,
        };
        write.user.id = inserted.map_err(|e| Self::map_write_error(pool, e))?;
        Ok(write.user)
    }

    /// Marks the `kind` alias that `new_user` claims as unverified on its current holder.
    pub(crate) async fn release_alias(
        &self,
        pool: &UserPoolRecord,
        new_user: &UserRecord,
        kind: &str,
    ) -> CoreResult<()> {
        let cfg = SignInConfig::of(&pool.settings);
        let Some(value) = new_user.attributes.get(kind) else {
            return Ok(());
        };
        let login = cfg.normalize(value);
        for _ in 0..3 {
            let Some(mut holder) = self.store.find_user_by_login(&pool.id, &login).await? else {
                return Ok(());
            };
            holder
                .attributes
                .insert(format!("{kind}_verified"), "false".into());
            match self.save_user(pool, holder, Vec::new()).await {
                Err(CoreError::ConcurrentModification) => continue,
                other => return other.map(|_| ()),
            }
        }
        Err(CoreError::ConcurrentModification)
    }

    async fn resend_invitation(
        &self,
        pool: &UserPoolRecord,
        username: &str,
        password: String,
        mediums: &[String],
    ) -> CoreResult<AdminCreateUserResponse> {
        let mut user = self.find_user(pool, username).await?;
        if user.status != status::FORCE_CHANGE_PASSWORD {
            return Err(CoreError::UnsupportedOperation(
                "Resend is not allowed for a user that is not in FORCE_CHANGE_PASSWORD state."
                    .into(),
            ));
        }
        let (hash, srp) = self
            .password_credentials(&pool.id, &user, &password)
            .await?;
        user.password_hash = Some(hash);
        user.password_set_at = Some(self.now());
        let outbox = self.invitation(pool, &user, &password, mediums);
        let user = self
            .save_user_with_srp(pool, user, Some(srp), outbox)
            .await?;
        Ok(AdminCreateUserResponse {
            user: to_user_type(&user, None),
        })
    }

    /// `AdminGetUser`.
    pub async fn admin_get_user(&self, req: UserRequest) -> CoreResult<AdminGetUserResponse> {
        let (_, user) = self.pool_and_user(&req.user_pool_id, &req.username).await?;
        let (preferred_mfa_setting, user_mfa_setting_list) = self.mfa_settings_of(&user).await?;
        Ok(AdminGetUserResponse {
            user_attributes: wire_attributes(&user, None),
            username: user.username,
            user_create_date: epoch_secs(user.created_at),
            user_last_modified_date: epoch_secs(user.updated_at),
            enabled: user.enabled,
            user_status: user.status,
            preferred_mfa_setting,
            user_mfa_setting_list,
        })
    }

    /// `AdminUpdateUserAttributes`: an empty value removes the attribute; a changed
    /// email or phone number becomes unverified unless the call verifies it too.
    pub async fn admin_update_user_attributes(
        &self,
        req: AdminUpdateUserAttributesRequest,
    ) -> CoreResult<()> {
        let mut val = Validator::new();
        val.required("userAttributes", &req.user_attributes);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let changes = attribute_map(req.user_attributes.as_deref().unwrap_or_default())?;
        self.change_user(&req.user_pool_id, &req.username, |pool, user| {
            schema::check_attributes(&pool.schema, &changes, Writer::AdminUpdate)?;
            let cfg = SignInConfig::of(&pool.settings);
            for (name, value) in &changes {
                if value.is_empty() {
                    check_removable(pool, &cfg, name)?;
                    user.attributes.remove(name);
                    continue;
                }
                let flag = format!("{name}_verified");
                if (name == "email" || name == "phone_number")
                    && user.attributes.get(name) != Some(value)
                    && !changes.contains_key(&flag)
                {
                    user.attributes.insert(flag, "false".into());
                }
                user.attributes.insert(name.clone(), value.clone());
            }
            Ok(())
        })
        .await?;
        Ok(())
    }

    /// `AdminDeleteUserAttributes`.
    pub async fn admin_delete_user_attributes(
        &self,
        req: AdminDeleteUserAttributesRequest,
    ) -> CoreResult<()> {
        let mut val = Validator::new();
        val.required("userAttributeNames", &req.user_attribute_names);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let names = req.user_attribute_names.clone().unwrap_or_default();
        self.change_user(&req.user_pool_id, &req.username, |pool, user| {
            let cfg = SignInConfig::of(&pool.settings);
            for name in &names {
                if name == "sub" || schema::find(&pool.schema, name).is_none() {
                    return Err(CoreError::InvalidParameter(format!(
                        "Invalid attribute name {name}."
                    )));
                }
                check_removable(pool, &cfg, name)?;
                user.attributes.remove(name);
            }
            Ok(())
        })
        .await?;
        Ok(())
    }

    /// `AdminDisableUser`.
    pub async fn admin_disable_user(&self, req: UserRequest) -> CoreResult<()> {
        let user = self
            .change_user(&req.user_pool_id, &req.username, |_, u| {
                u.enabled = false;
                Ok(())
            })
            .await?;
        // Disabling revokes every token the user holds (re-enabling does not restore them).
        self.sign_out_everywhere(user.id).await
    }

    /// `AdminEnableUser`.
    pub async fn admin_enable_user(&self, req: UserRequest) -> CoreResult<()> {
        self.change_user(&req.user_pool_id, &req.username, |_, u| {
            u.enabled = true;
            Ok(())
        })
        .await?;
        Ok(())
    }

    /// `AdminDeleteUser`.
    pub async fn admin_delete_user(&self, req: UserRequest) -> CoreResult<()> {
        let (pool, user) = self.pool_and_user(&req.user_pool_id, &req.username).await?;
        if !self.store.delete_user(&pool.id, user.id).await? {
            return Err(CoreError::UserNotFound);
        }
        Ok(())
    }

    /// `AdminSetUserPassword`: `Permanent` confirms the user; otherwise the password
    /// is temporary and must be changed at the next sign-in.
    pub async fn admin_set_user_password(
        &self,
        req: AdminSetUserPasswordRequest,
    ) -> CoreResult<()> {
        let mut val = Validator::new();
        val.required("password", &req.password);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let password = req.password.clone().unwrap_or_default();
        check_shape("password", &password)?;
        let (pool, _) = self.pool_and_user(&req.user_pool_id, &req.username).await?;
        Policy::from_wire(
            pool.settings
                .policies
                .as_ref()
                .and_then(|p| p.password_policy.as_ref()),
        )
        .check(&password)?;
        let permanent = req.permanent.unwrap_or(false);
        for _ in 0..3 {
            let (pool, mut user) = self.pool_and_user(&req.user_pool_id, &req.username).await?;
            user.status = if permanent {
                status::CONFIRMED
            } else {
                status::FORCE_CHANGE_PASSWORD
            }
            .into();
            match self.set_password_and_save(&pool, user, &password).await {
                Err(CoreError::ConcurrentModification) => continue,
                other => return other.map(|_| ()),
            }
        }
        Err(CoreError::ConcurrentModification)
    }

    /// `AdminResetUserPassword`: the user must reset with a code at next sign-in, and
    /// one is sent (as by `ForgotPassword`) when the user has a verified recovery
    /// channel; otherwise an administrator sets the next password.
    /// Cognito refuses it for users who never set a password of their own (an invited
    /// user still in FORCE_CHANGE_PASSWORD is re-invited with `MessageAction=RESEND`).
    pub async fn admin_reset_user_password(&self, req: UserRequest) -> CoreResult<()> {
        let user = self
            .change_user(&req.user_pool_id, &req.username, |_, u| {
                if u.status == status::UNCONFIRMED || u.status == status::FORCE_CHANGE_PASSWORD {
                    return Err(CoreError::NotAuthorized(
                        "User password cannot be reset in the current state.".into(),
                    ));
                }
                u.status = status::RESET_REQUIRED.into();
                Ok(())
            })
            .await?;
        let pool = self.load_pool(&user.pool_id).await?;
        if let Ok(delivery) = crate::messages::recovery_delivery(&pool, &user) {
            self.send_code(&user, crate::codes::Purpose::ForgotPassword, &delivery)
                .await?;
        }
        Ok(())
    }

    /// `AdminConfirmSignUp`.
    pub async fn admin_confirm_sign_up(&self, req: UserRequest) -> CoreResult<()> {
        self.change_user(&req.user_pool_id, &req.username, |_, u| {
            if u.status != status::UNCONFIRMED {
                return Err(CoreError::NotAuthorized(format!(
                    "User cannot be confirmed. Current status is {}",
                    u.status
                )));
            }
            u.status = status::CONFIRMED.into();
            Ok(())
        })
        .await?;
        Ok(())
    }
}

fn check_removable(pool: &UserPoolRecord, cfg: &SignInConfig, name: &str) -> CoreResult<()> {
    if schema::required_names(&pool.schema)
        .iter()
        .any(|r| r == name)
    {
        return Err(CoreError::InvalidParameter(format!(
            "{name} is a required attribute and cannot be removed."
        )));
    }
    if cfg.username_attributes.iter().any(|a| a == name) {
        return Err(CoreError::InvalidParameter(format!(
            "{name} is used as the username and cannot be removed."
        )));
    }
    Ok(())
}
