//! Passkey (WebAuthn) shapes: `StartWebAuthnRegistration`, `CompleteWebAuthnRegistration`,
//! `ListWebAuthnCredentials` and `DeleteWebAuthnCredential`. The options and credential
//! documents are the WebAuthn Level 3 JSON encodings (`PublicKeyCredentialCreationOptionsJSON`,
//! `RegistrationResponseJSON`) carried as JSON values (§3.7).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `StartWebAuthnRegistration` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartWebAuthnRegistrationRequest {
    /// The signed-in user's access token.
    pub access_token: Option<String>,
}

/// `StartWebAuthnRegistration` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartWebAuthnRegistrationResponse {
    /// `PublicKeyCredentialCreationOptionsJSON` for `navigator.credentials.create()`.
    pub credential_creation_options: Value,
}

/// `CompleteWebAuthnRegistration` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CompleteWebAuthnRegistrationRequest {
    /// The signed-in user's access token.
    pub access_token: Option<String>,
    /// `RegistrationResponseJSON` from the user's passkey provider.
    pub credential: Option<Value>,
}

/// `ListWebAuthnCredentials` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListWebAuthnCredentialsRequest {
    /// The signed-in user's access token.
    pub access_token: Option<String>,
    /// Token of the next page.
    pub next_token: Option<String>,
    /// Page size, 0–20.
    pub max_results: Option<i64>,
}

/// `WebAuthnCredentialDescription`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct WebAuthnCredentialDescription {
    /// The credential id (base64url).
    pub credential_id: String,
    /// A generated name for the passkey.
    pub friendly_credential_name: String,
    /// The relying party the passkey is bound to.
    pub relying_party_id: String,
    /// `platform` or `cross-platform`, when the provider said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authenticator_attachment: Option<String>,
    /// Transports the provider reported (`usb`, `nfc`, `ble`, `internal`, `hybrid`).
    pub authenticator_transports: Vec<String>,
    /// Registration time, epoch seconds.
    pub created_at: f64,
}

/// `ListWebAuthnCredentials` reply.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListWebAuthnCredentialsResponse {
    /// The user's passkeys, oldest first.
    pub credentials: Vec<WebAuthnCredentialDescription>,
    /// Token of the next page, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// `DeleteWebAuthnCredential` request.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteWebAuthnCredentialRequest {
    /// The signed-in user's access token.
    pub access_token: Option<String>,
    /// The credential to delete.
    pub credential_id: Option<String>,
}
