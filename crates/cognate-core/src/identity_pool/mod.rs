//! Identity pools (`cognito-identity`): pools and their roles, identities and linked
//! logins, role resolution, temporary credentials and the identity OpenID token.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/identity-pools.html>

pub mod credentials;
pub mod developer;
pub mod identity;
pub mod logins;
pub mod openid;
pub mod pools;
pub mod resolve;

use crate::error::{CoreError, CoreResult};
use cognate_proto::validate::Validator;

/// `[\w-]+:[0-9a-f-]+`, at most 55 characters: identity and identity-pool ids.
pub fn is_identity_id(s: &str) -> bool {
    match s.split_once(':') {
        Some((region, rest)) => {
            !region.is_empty()
                && !rest.is_empty()
                && region
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                && rest.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        }
        None => false,
    }
}

/// Validates an `IdentityPoolId` or `IdentityId` member and returns it.
pub fn check_id<'a>(field: &str, id: &'a Option<String>) -> CoreResult<&'a str> {
    let mut val = Validator::new();
    val.required(field, id)
        .len(field, id.as_deref(), 1, 55)
        .pattern(field, id.as_deref(), r"[\w-]+:[0-9a-f-]+", is_identity_id);
    val.finish().map_err(CoreError::InvalidParameter)?;
    Ok(id.as_deref().unwrap_or_default())
}
