//! `ListWebAuthnCredentials` and `DeleteWebAuthnCredential`: a signed-in user's own
//! passkeys. Both work whether or not passkeys are still enabled for the pool, so a user
//! can always see and remove what they registered.
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListWebAuthnCredentials.html>

use super::MAX_PASSKEYS;
use crate::Core;
use crate::error::{CoreError, CoreResult};
use crate::paging;
use crate::store::{UserRecord, WebAuthnCredentialRecord};
use cognate_proto::validate::Validator;
use cognate_proto::webauthn::{
    DeleteWebAuthnCredentialRequest, ListWebAuthnCredentialsRequest,
    ListWebAuthnCredentialsResponse, WebAuthnCredentialDescription,
};

fn page_scope(pool_id: &str, user: &UserRecord) -> String {
    format!("{pool_id}/{}/webauthn-credentials", user.sub)
}

fn describe(c: WebAuthnCredentialRecord) -> WebAuthnCredentialDescription {
    WebAuthnCredentialDescription {
        friendly_credential_name: c.friendly_name.unwrap_or_else(|| "Passkey".into()),
        credential_id: c.credential_id,
        relying_party_id: c.relying_party_id,
        authenticator_attachment: c.authenticator_attachment,
        authenticator_transports: c.transports,
        created_at: c.created_at as f64 / 1000.0,
    }
}

impl Core {
    /// `ListWebAuthnCredentials`: oldest first, at most 20 a page.
    pub async fn list_web_authn_credentials(
        &self,
        req: ListWebAuthnCredentialsRequest,
    ) -> CoreResult<ListWebAuthnCredentialsResponse> {
        let ctx = self.check_access_token(&req.access_token).await?;
        let mut val = Validator::new();
        val.range("maxResults", req.max_results, 0, MAX_PASSKEYS);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let scope = page_scope(&ctx.pool.id, &ctx.user);
        let after = req
            .next_token
            .as_deref()
            .map(|t| paging::decode_i64(&scope, t))
            .transpose()?;
        let size = paging::page_size(req.max_results, MAX_PASSKEYS as usize);
        let mut rows = self
            .store
            .list_webauthn_credentials(ctx.user.id, after, size + 1)
            .await?;
        let next_token = if rows.len() > size {
            rows.truncate(size);
            rows.last()
                .map(|c| paging::encode(&scope, &c.id.to_string()))
        } else {
            None
        };
        Ok(ListWebAuthnCredentialsResponse {
            credentials: rows.into_iter().map(describe).collect(),
            next_token,
        })
    }

    /// `DeleteWebAuthnCredential`.
    pub async fn delete_web_authn_credential(
        &self,
        req: DeleteWebAuthnCredentialRequest,
    ) -> CoreResult<()> {
        let ctx = self.check_access_token(&req.access_token).await?;
        let mut val = Validator::new();
        val.required("credentialId", &req.credential_id).len(
            "credentialId",
            req.credential_id.as_deref(),
            1,
            131_072,
        );
        val.finish().map_err(CoreError::InvalidParameter)?;
        let id = req.credential_id.as_deref().unwrap_or_default();
        if !self
            .store
            .delete_webauthn_credential(ctx.user.id, id)
            .await?
        {
            return Err(CoreError::ResourceNotFound("Credential not found.".into()));
        }
        Ok(())
    }
}
