//! Classic hosted-UI customization: `SetUICustomization` / `GetUICustomization`.
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUICustomization.html>
//!
//! A customization belongs to the pool (`ClientId` absent or `ALL`) or to one app
//! client; reading a client without its own customization falls back to the pool's.
//! The logo is stored as the base64 text it arrives in; `ImageUrl` is where the hosted
//! pages serve it.

use crate::Core;
use crate::clock::epoch_secs;
use crate::error::{CoreError, CoreResult};
use crate::store::UiCustomizationRecord;
use crate::user_pool::check_pool_id;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use cognate_proto::oauth_config::*;
use cognate_proto::validate::{self as v, Validator};

/// The client id that names the pool-wide customization.
pub const ALL_CLIENTS: &str = "ALL";

/// Model bound of `CSSType` (characters) and `ImageFileType` (bytes).
const MAX_SIZE: usize = 131_072;

/// Validates `ClientId` and answers the stored key: a client id or [`ALL_CLIENTS`].
fn client_key(client_id: &Option<String>, val: &mut Validator) -> String {
    val.len("clientId", client_id.as_deref(), 1, 128).pattern(
        "clientId",
        client_id.as_deref(),
        v::CLIENT_ID_PATTERN,
        v::is_word_plus,
    );
    client_id.clone().unwrap_or_else(|| ALL_CLIENTS.to_owned())
}

/// `issuer` is the pool's issuer URL; the hosted pages serve the logo under it.
fn to_wire(r: UiCustomizationRecord, issuer: &str) -> UICustomizationType {
    let image_url = r.image.as_ref().map(|_| {
        format!(
            "{issuer}/ui/logo?client_id={}&v={}",
            r.client_id, r.updated_at
        )
    });
    UICustomizationType {
        image_url,
        user_pool_id: Some(r.pool_id),
        client_id: Some(r.client_id),
        css_version: r.css.as_ref().map(|_| r.updated_at.to_string()),
        css: r.css,
        last_modified_date: Some(epoch_secs(r.updated_at)),
        creation_date: Some(epoch_secs(r.created_at)),
    }
}

impl Core {
    /// `SetUICustomization`: replaces the CSS and logo of the pool or one client.
    pub async fn set_ui_customization(
        &self,
        req: SetUICustomizationRequest,
    ) -> CoreResult<UICustomizationResponse> {
        let pool_id = check_pool_id(&req.user_pool_id)?.to_owned();
        let mut val = Validator::new();
        let client_id = client_key(&req.client_id, &mut val);
        val.len("css", req.css.as_deref(), 0, MAX_SIZE);
        val.finish().map_err(CoreError::InvalidParameter)?;
        if let Some(image) = &req.image_file {
            let bytes = STANDARD.decode(image).map_err(|_| {
                CoreError::InvalidParameter("ImageFile is not valid base64.".into())
            })?;
            if bytes.len() > MAX_SIZE {
                return Err(CoreError::InvalidParameter(format!(
                    "1 validation error detected: Value at 'imageFile' failed to satisfy constraint: Member must have length less than or equal to {MAX_SIZE}"
                )));
            }
        }
        self.load_pool(&pool_id).await?;
        if client_id != ALL_CLIENTS {
            self.load_client(&pool_id, &client_id).await?;
        }
        let now = self.now();
        let created_at = self
            .store
            .get_ui_customization(&pool_id, &client_id)
            .await?
            .map_or(now, |r| r.created_at);
        let issuer = self.issuer(&pool_id);
        let record = UiCustomizationRecord {
            pool_id,
            client_id,
            css: req.css,
            image: req.image_file,
            created_at,
            updated_at: now,
        };
        self.store.put_ui_customization(&record).await?;
        Ok(UICustomizationResponse {
            ui_customization: to_wire(record, &issuer),
        })
    }

    /// `GetUICustomization`: the client's own customization, else the pool's, else an
    /// empty one naming the pool and client.
    pub async fn get_ui_customization(
        &self,
        req: GetUICustomizationRequest,
    ) -> CoreResult<UICustomizationResponse> {
        let pool_id = check_pool_id(&req.user_pool_id)?.to_owned();
        let mut val = Validator::new();
        let client_id = client_key(&req.client_id, &mut val);
        val.finish().map_err(CoreError::InvalidParameter)?;
        self.load_pool(&pool_id).await?;
        let mut found = None;
        if client_id != ALL_CLIENTS {
            self.load_client(&pool_id, &client_id).await?;
            found = self
                .store
                .get_ui_customization(&pool_id, &client_id)
                .await?;
        }
        if found.is_none() {
            found = self
                .store
                .get_ui_customization(&pool_id, ALL_CLIENTS)
                .await?;
        }
        let ui_customization = match found {
            Some(r) => to_wire(r, &self.issuer(&pool_id)),
            None => UICustomizationType {
                user_pool_id: Some(pool_id),
                client_id: Some(client_id),
                ..Default::default()
            },
        };
        Ok(UICustomizationResponse { ui_customization })
    }

    /// The logo (base64) and CSS that apply to a client, for the hosted UI.
    pub async fn ui_customization_for(
        &self,
        pool_id: &str,
        client_id: &str,
    ) -> CoreResult<Option<UiCustomizationRecord>> {
        match self.store.get_ui_customization(pool_id, client_id).await? {
            Some(r) => Ok(Some(r)),
            None => Ok(self
                .store
                .get_ui_customization(pool_id, ALL_CLIENTS)
                .await?),
        }
    }
}
