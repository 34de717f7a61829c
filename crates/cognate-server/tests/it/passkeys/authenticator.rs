//! A software passkey provider for the tests: a CTAP2 authenticator with an in-memory
//! credential store behind a WebAuthn client, and the JSON/Document conversions the SDK
//! calls need.

use aws_smithy_types::{Document, Number};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use passkey::authenticator::{Authenticator, MemoryStore, UiHint, UserCheck, UserValidationMethod};
use passkey::client::{Client, DefaultClientData};
use passkey::crypto::rust_crypto::RustCryptoBackend;
use passkey::types::Passkey;
use passkey::types::ctap2::{Aaguid, Ctap2Error};
use passkey::types::webauthn::{CredentialCreationOptions, CredentialRequestOptions};
use serde_json::{Value, json};
use std::collections::HashMap;

/// A user who can verify themselves (biometric or PIN) on every request.
struct Biometric;

#[async_trait::async_trait]
impl UserValidationMethod for Biometric {
    type PasskeyItem = Passkey;
    async fn check_user<'a>(
        &self,
        _hint: UiHint<'a, Passkey>,
        presence: bool,
        verification: bool,
    ) -> Result<UserCheck, Ctap2Error> {
        Ok(UserCheck {
            presence,
            verification,
        })
    }
    fn is_presence_enabled(&self) -> bool {
        true
    }
    fn is_verification_enabled(&self) -> Option<bool> {
        Some(true)
    }
}

/// A software authenticator with a signature counter, behind a WebAuthn client.
pub struct Device {
    client: Client<MemoryStore, Biometric, RustCryptoBackend, public_suffix::PublicSuffixList, ()>,
}

impl Device {
    pub fn new() -> Self {
        Self::with_counter(true)
    }

    /// Many platform passkeys keep no counter (it stays 0).
    pub fn with_counter(counter: bool) -> Self {
        let mut authenticator = Authenticator::new(
            Aaguid::new_empty(),
            MemoryStore::new(),
            Biometric,
            RustCryptoBackend,
        );
        authenticator.set_make_credentials_with_signature_counter(counter);
        Self {
            client: Client::new(authenticator),
        }
    }

    /// `navigator.credentials.create()` at `origin`, as `RegistrationResponseJSON`.
    pub async fn create(&mut self, origin: &str, options: &Value) -> Value {
        let request: CredentialCreationOptions =
            serde_json::from_value(json!({ "publicKey": options })).unwrap();
        let origin = url::Url::parse(origin).unwrap();
        let created = self
            .client
            .register(&origin, request, DefaultClientData)
            .await
            .unwrap();
        to_json_encoding(serde_json::to_value(created).unwrap())
    }

    /// `navigator.credentials.get()` at `origin`, as `AuthenticationResponseJSON` text.
    pub async fn get(&mut self, origin: &str, options: &Value) -> String {
        let request: CredentialRequestOptions =
            serde_json::from_value(json!({ "publicKey": options })).unwrap();
        let origin = url::Url::parse(origin).unwrap();
        let asserted = self
            .client
            .authenticate(&origin, request, DefaultClientData)
            .await
            .unwrap();
        to_json_encoding(serde_json::to_value(asserted).unwrap()).to_string()
    }

    /// Sets the signature counter of every stored passkey (a cloned authenticator).
    pub fn set_counter(&mut self, counter: u32) {
        for passkey in self.client.authenticator_mut().store_mut().values_mut() {
            passkey.counter = Some(counter);
        }
    }
}

/// Byte arrays as base64url strings, as `PublicKeyCredential.toJSON()` writes them.
pub fn to_json_encoding(mut v: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_u64) => {
                let bytes: Vec<u8> = items.iter().map(|b| b.as_u64().unwrap() as u8).collect();
                *v = Value::String(B64.encode(bytes));
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            Value::Object(map) => map.values_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    v
}

pub fn to_document(v: &Value) -> Document {
    match v {
        Value::Null => Document::Null,
        Value::Bool(b) => Document::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Document::Number(Number::PosInt(u)),
            (None, Some(i)) => Document::Number(Number::NegInt(i)),
            _ => Document::Number(Number::Float(n.as_f64().unwrap())),
        },
        Value::String(s) => Document::String(s.clone()),
        Value::Array(a) => Document::Array(a.iter().map(to_document).collect()),
        Value::Object(m) => Document::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), to_document(v)))
                .collect::<HashMap<_, _>>(),
        ),
    }
}

pub fn from_document(d: &Document) -> Value {
    match d {
        Document::Null => Value::Null,
        Document::Bool(b) => json!(b),
        Document::Number(Number::PosInt(u)) => json!(u),
        Document::Number(Number::NegInt(i)) => json!(i),
        Document::Number(Number::Float(f)) => json!(f),
        Document::String(s) => json!(s),
        Document::Array(a) => Value::Array(a.iter().map(from_document).collect()),
        Document::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), from_document(v)))
                .collect(),
        ),
    }
}
