//! `StartWebAuthnRegistration` and `CompleteWebAuthnRegistration`: a signed-in user adds
//! a passkey. Start stores the registration state (sealed, bound to the user, the app
//! client and the relying party) under its challenge; Complete finds it again by the
//! challenge the authenticator signed, deletes it (single use), verifies the response
//! and stores the passkey.
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_StartWebAuthnRegistration.html>

use super::{MAX_PASSKEYS, REGISTRATION_TTL_MS, WebAuthnFault, b64url, fault, from_b64url};
use crate::Core;
use crate::auth::access::AccessContext;
use crate::error::{CoreError, CoreResult};
use crate::store::{StoreError, UserRecord, WebAuthnCredentialRecord, WebAuthnRegistrationRecord};
use cognate_proto::webauthn::{
    CompleteWebAuthnRegistrationRequest, StartWebAuthnRegistrationRequest,
    StartWebAuthnRegistrationResponse,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use webauthn_rs_core::error::WebauthnError;
use webauthn_rs_core::proto::{
    AttestationConveyancePreference, COSEAlgorithm, RegisterPublicKeyCredential, RegistrationState,
    RequestRegistrationExtensions,
};

/// What Start leaves for Complete.
#[derive(Serialize, Deserialize)]
struct PendingRegistration {
    client_id: String,
    rp_id: String,
    state: RegistrationState,
}

fn sealing_context(pool_id: &str, user: &UserRecord) -> String {
    format!("cognate webauthn registration v1:{pool_id}:{}", user.sub)
}

/// The WebAuthn user handle of a user: the bytes of its `sub`.
pub(crate) fn user_handle(user: &UserRecord) -> Vec<u8> {
    user.sub.as_bytes().to_vec()
}

/// The account name and display name authenticators show.
fn user_names(user: &UserRecord) -> (String, String) {
    let attr = |k: &str| user.attributes.get(k).filter(|v| !v.is_empty()).cloned();
    let name = attr("email")
        .or_else(|| attr("phone_number"))
        .or_else(|| attr("preferred_username"))
        .unwrap_or_else(|| user.username.clone());
    let display = attr("name").unwrap_or_else(|| name.clone());
    (name, display)
}

fn limit_exceeded() -> CoreError {
    CoreError::LimitExceeded(format!(
        "A user can register at most {MAX_PASSKEYS} passkeys."
    ))
}

fn challenge_not_found() -> CoreError {
    fault(
        WebAuthnFault::ChallengeNotFound,
        "The passkey registration challenge was not found or has expired.",
    )
}

/// The `challenge` member of a response's client data.
fn signed_challenge(client_data_json: &[u8]) -> Option<String> {
    let data: Value = serde_json::from_slice(client_data_json).ok()?;
    let challenge = data["challenge"].as_str()?;
    from_b64url(challenge).map(|bytes| b64url(&bytes))
}

/// A registration failure in Cognito's terms.
fn registration_error(e: WebauthnError) -> CoreError {
    match e {
        WebauthnError::InvalidRPOrigin | WebauthnError::CredentialCrossOrigin => fault(
            WebAuthnFault::OriginNotAllowed,
            "The passkey was registered from an origin this user pool does not allow.",
        ),
        WebauthnError::InvalidRPIDHash => fault(
            WebAuthnFault::RelyingPartyMismatch,
            "The passkey was created for another relying party.",
        ),
        WebauthnError::MismatchedChallenge => challenge_not_found(),
        WebauthnError::InvalidClientDataType
        | WebauthnError::ParseBase64Failure(_)
        | WebauthnError::ParseCBORFailure(_)
        | WebauthnError::ParseJSONFailure(_) => {
            CoreError::InvalidParameter("The passkey credential is malformed.".into())
        }
        _ => fault(
            WebAuthnFault::CredentialNotSupported,
            "This passkey credential is not supported.",
        ),
    }
}

/// A generated display name (Cognito generates one; it cannot be set).
fn friendly_name(attachment: Option<&str>) -> String {
    match attachment {
        Some("platform") => "Platform passkey".into(),
        Some("cross-platform") => "Security key".into(),
        _ => "Passkey".into(),
    }
}

/// `authenticatorAttachment` and `response.transports` as the client reported them.
fn reported_details(credential: &Value) -> (Option<String>, Vec<String>) {
    const ATTACHMENTS: &[&str] = &["platform", "cross-platform"];
    const TRANSPORTS: &[&str] = &["usb", "nfc", "ble", "smart-card", "hybrid", "internal"];
    let attachment = credential["authenticatorAttachment"]
        .as_str()
        .filter(|a| ATTACHMENTS.contains(a))
        .map(str::to_owned);
    let mut transports: Vec<String> = Vec::new();
    for t in credential["response"]["transports"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if TRANSPORTS.contains(&t) && !transports.iter().any(|x| x == t) {
            transports.push(t.to_owned());
        }
    }
    (attachment, transports)
}

impl Core {
    /// `StartWebAuthnRegistration`.
    pub async fn start_web_authn_registration(
        &self,
        req: StartWebAuthnRegistrationRequest,
    ) -> CoreResult<StartWebAuthnRegistrationResponse> {
        let ctx = self.check_access_token(&req.access_token).await?;
        self.passkey_creation_options(&ctx).await
    }

    /// Creation options for a new passkey of the signed-in user (`ctx`), with the
    /// pending state stored for [`Core::register_passkey`].
    pub async fn passkey_creation_options(
        &self,
        ctx: &AccessContext,
    ) -> CoreResult<StartWebAuthnRegistrationResponse> {
        let settings = self.passkey_settings(&ctx.pool, true).await?;
        let existing = self
            .store
            .list_webauthn_credentials(ctx.user.id, None, MAX_PASSKEYS as usize)
            .await?;
        if existing.len() as i64 >= MAX_PASSKEYS {
            return Err(limit_exceeded());
        }
        let exclude = existing
            .iter()
            .filter(|c| c.relying_party_id == settings.rp_id)
            .filter_map(|c| from_b64url(&c.credential_id))
            .collect();
        let (name, display) = user_names(&ctx.user);
        let verifier = settings.verifier(REGISTRATION_TTL_MS);
        let internal = |e: WebauthnError| CoreError::Internal(Box::new(e));
        let builder = verifier
            .new_challenge_register_builder(&user_handle(&ctx.user), &name, &display)
            .map_err(internal)?
            .attestation(AttestationConveyancePreference::None)
            .credential_algorithms(COSEAlgorithm::secure_algs())
            .require_resident_key(true)
            .user_verification_policy(settings.user_verification)
            .exclude_credentials(Some(exclude))
            .extensions(Some(RequestRegistrationExtensions {
                cred_props: Some(true),
                uvm: None,
                ..Default::default()
            }));
        let (options, state) = verifier
            .generate_challenge_register(builder)
            .map_err(internal)?;
        let options = serde_json::to_value(&options.public_key)
            .map_err(|e| CoreError::Internal(Box::new(e)))?;
        let challenge = options["challenge"].as_str().unwrap_or_default().to_owned();
        let pending = PendingRegistration {
            client_id: ctx.client_id.clone(),
            rp_id: settings.rp_id.clone(),
            state,
        };
        let plain = serde_json::to_vec(&pending).map_err(|e| CoreError::Internal(Box::new(e)))?;
        let now = self.now();
        let record = WebAuthnRegistrationRecord {
            user_id: ctx.user.id,
            challenge,
            state: self
                .server_key
                .seal(&sealing_context(&ctx.pool.id, &ctx.user), &plain),
            expires_at: now + REGISTRATION_TTL_MS,
        };
        self.store
            .insert_webauthn_registration(&record, now)
            .await?;
        Ok(StartWebAuthnRegistrationResponse {
            credential_creation_options: options,
        })
    }

    /// `CompleteWebAuthnRegistration`.
    pub async fn complete_web_authn_registration(
        &self,
        req: CompleteWebAuthnRegistrationRequest,
    ) -> CoreResult<()> {
        let ctx = self.check_access_token(&req.access_token).await?;
        self.register_passkey(&ctx, req.credential).await
    }

    /// Checks the authenticator's answer to [`Core::passkey_creation_options`] and
    /// stores the new passkey.
    pub async fn register_passkey(
        &self,
        ctx: &AccessContext,
        credential: Option<serde_json::Value>,
    ) -> CoreResult<()> {
        let raw = credential.filter(|c| !c.is_null()).ok_or_else(|| {
            CoreError::InvalidParameter(
                "1 validation error detected: Value null at 'credential' failed to satisfy constraint: Member must not be null".into(),
            )
        })?;
        let settings = self.passkey_settings(&ctx.pool, true).await?;
        let response: RegisterPublicKeyCredential =
            serde_json::from_value(raw.clone()).map_err(|_| {
                CoreError::InvalidParameter("The passkey credential is malformed.".into())
            })?;
        let challenge = signed_challenge(&response.response.client_data_json)
            .ok_or_else(challenge_not_found)?;
        let now = self.now();
        let record = self
            .store
            .take_webauthn_registration(ctx.user.id, &challenge, now)
            .await?
            .ok_or_else(challenge_not_found)?;
        let pending: PendingRegistration = self
            .server_key
            .open(&sealing_context(&ctx.pool.id, &ctx.user), &record.state)
            .and_then(|plain| serde_json::from_slice(&plain).ok())
            .ok_or_else(challenge_not_found)?;
        if pending.client_id != ctx.client_id {
            return Err(fault(
                WebAuthnFault::ClientMismatch,
                "The access token is for another app client than the one that started this registration.",
            ));
        }
        if pending.rp_id != settings.rp_id {
            return Err(fault(
                WebAuthnFault::RelyingPartyMismatch,
                "The user pool's relying party id changed during this registration.",
            ));
        }
        let credential = settings
            .verifier(REGISTRATION_TTL_MS)
            .register_credential(&response, &pending.state, None)
            .map_err(registration_error)?;
        let public_key =
            serde_json::to_string(&credential).map_err(|e| CoreError::Internal(Box::new(e)))?;
        let (attachment, transports) = reported_details(&raw);
        let record = WebAuthnCredentialRecord {
            id: 0,
            pool_id: ctx.pool.id.clone(),
            user_id: ctx.user.id,
            credential_id: b64url(&credential.cred_id),
            public_key,
            sign_count: i64::from(credential.counter),
            friendly_name: Some(friendly_name(attachment.as_deref())),
            relying_party_id: settings.rp_id,
            authenticator_attachment: attachment,
            transports,
            created_at: now,
            last_used_at: None,
        };
        match self
            .store
            .insert_webauthn_credential(&record, MAX_PASSKEYS)
            .await
        {
            Ok(Some(_)) => Ok(()),
            Ok(None) => Err(limit_exceeded()),
            Err(StoreError::Conflict { .. }) => Err(CoreError::InvalidParameter(
                "This passkey is already registered.".into(),
            )),
            Err(StoreError::NotFound) => Err(CoreError::UserNotFound),
            Err(e) => Err(e.into()),
        }
    }
}
