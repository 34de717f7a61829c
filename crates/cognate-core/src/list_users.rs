//! `ListUsers`: the filter grammar (`attr = "v"`, `attr ^= "v"`), the searchable
//! index each user carries, and keyset pagination that never skips or repeats a user.
//! <https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListUsers.html>

use crate::error::{CoreError, CoreResult};
use crate::store::{IndexFilter, UserRecord};
use crate::user::to_user_type;
use crate::user_pool::check_pool_id;
use crate::{Core, paging, schema};
use cognate_proto::user::{ListUsersRequest, ListUsersResponse};
use cognate_proto::validate::Validator;

/// Standard attributes `ListUsers` can filter on (besides username, sub and the statuses).
const SEARCHABLE_ATTRIBUTES: &[&str] = &[
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
];

/// The `(name, value)` index rows of a user.
pub fn index_entries(user: &UserRecord) -> Vec<(String, String)> {
    let mut out = vec![
        ("username".to_owned(), user.username.clone()),
        ("sub".to_owned(), user.sub.clone()),
        ("cognito:user_status".to_owned(), user.status.to_uppercase()),
        (
            "status".to_owned(),
            if user.enabled { "Enabled" } else { "Disabled" }.to_owned(),
        ),
    ];
    for name in SEARCHABLE_ATTRIBUTES {
        if let Some(v) = user.attributes.get(*name).filter(|v| !v.is_empty()) {
            out.push(((*name).to_owned(), v.clone()));
        }
    }
    out
}

fn bad_filter() -> CoreError {
    CoreError::InvalidParameter("Error while parsing filter.".into())
}

/// Parses a filter expression; `None` for an empty filter.
pub fn parse_filter(filter: &str) -> CoreResult<Option<IndexFilter>> {
    let f = filter.trim();
    if f.is_empty() {
        return Ok(None);
    }
    let name_end = f
        .find(|c: char| c.is_whitespace() || c == '=' || c == '^')
        .ok_or_else(bad_filter)?;
    let (name, rest) = f.split_at(name_end);
    let rest = rest.trim_start();
    let (prefix, rest) = if let Some(r) = rest.strip_prefix("^=") {
        (true, r)
    } else if let Some(r) = rest.strip_prefix('=') {
        (false, r)
    } else {
        return Err(bad_filter());
    };
    let quoted = rest.trim();
    let inner = quoted
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .filter(|_| quoted.len() >= 2)
        .ok_or_else(bad_filter)?;
    let mut value = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => value.push(chars.next().ok_or_else(bad_filter)?),
            '"' => return Err(bad_filter()),
            c => value.push(c),
        }
    }
    let (name, value) = match name {
        "username" | "sub" => (name, value),
        "cognito:user_status" => (name, value.to_uppercase()),
        "status" => (name, value),
        n if SEARCHABLE_ATTRIBUTES.contains(&n) => (n, value),
        n if n.starts_with("custom:") || n.starts_with("dev:") => {
            return Err(CoreError::InvalidParameter(format!(
                "Invalid search attribute: {n}. Custom attributes are not searchable."
            )));
        }
        n => {
            return Err(CoreError::InvalidParameter(format!(
                "Invalid search attribute: {n}"
            )));
        }
    };
    Ok(Some(IndexFilter {
        name: name.to_owned(),
        value,
        prefix,
    }))
}

impl Core {
    /// `ListUsers`.
    pub async fn list_users(&self, req: ListUsersRequest) -> CoreResult<ListUsersResponse> {
        let pool_id = check_pool_id(&req.user_pool_id)?.to_owned();
        let mut val = Validator::new();
        val.range("limit", req.limit, 0, 60)
            .len("filter", req.filter.as_deref(), 0, 256);
        val.finish().map_err(CoreError::InvalidParameter)?;
        let filter = parse_filter(req.filter.as_deref().unwrap_or_default())?;
        let pool = self.load_pool(&pool_id).await?;
        if let Some(names) = &req.attributes_to_get {
            for n in names {
                if n != "sub" && schema::find(&pool.schema, n).is_none() {
                    return Err(CoreError::InvalidParameter(format!(
                        "Invalid attributes to get: {n}"
                    )));
                }
            }
        }
        let scope = format!(
            "{pool_id}/users/{}",
            req.filter.as_deref().unwrap_or_default()
        );
        let limit = paging::page_size(req.limit, 60);
        let after = req
            .pagination_token
            .as_deref()
            .map(|t| paging::decode_i64(&scope, t))
            .transpose()?;
        let mut users = self
            .store
            .list_users(&pool_id, filter.as_ref(), after, limit + 1)
            .await?;
        let pagination_token = if users.len() > limit {
            users.truncate(limit);
            users
                .last()
                .map(|u| paging::encode(&scope, &u.id.to_string()))
        } else {
            None
        };
        Ok(ListUsersResponse {
            users: users
                .iter()
                .map(|u| to_user_type(u, req.attributes_to_get.as_deref()))
                .collect(),
            pagination_token,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn f(name: &str, value: &str, prefix: bool) -> Option<IndexFilter> {
        Some(IndexFilter {
            name: name.into(),
            value: value.into(),
            prefix,
        })
    }

    #[test]
    fn parses_equality_and_prefix() {
        assert_eq!(
            parse_filter("email = \"a@b.c\"").unwrap(),
            f("email", "a@b.c", false)
        );
        assert_eq!(
            parse_filter("family_name ^= \"Sm\"").unwrap(),
            f("family_name", "Sm", true)
        );
        assert_eq!(
            parse_filter("username=\"x\"").unwrap(),
            f("username", "x", false)
        );
        assert_eq!(
            parse_filter("cognito:user_status = \"unconfirmed\"").unwrap(),
            f("cognito:user_status", "UNCONFIRMED", false)
        );
        assert_eq!(
            parse_filter("name = \"say \\\"hi\\\"\"").unwrap(),
            f("name", "say \"hi\"", false)
        );
        assert_eq!(parse_filter("").unwrap(), None);
    }

    #[test]
    fn rejects_malformed_and_unsearchable() {
        for bad in [
            "email",
            "email = a",
            "email == \"a\"",
            "email = \"a",
            "custom:x = \"1\"",
            "nickname = \"n\"",
            "email = \"a\" x",
            "\"",
            "= \"x\"",
        ] {
            assert!(parse_filter(bad).is_err(), "{bad}");
        }
    }
}
