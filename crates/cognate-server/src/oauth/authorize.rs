//! `GET /oauth2/authorize` (and `GET /login`): silent sign-in with a valid session,
//! `prompt=none` without one, else the sign-in page; and the redirect back to the
//! client once a user is signed in (a code, or tokens in the fragment for the
//! implicit grant).

use super::{SESSION_COOKIE, cookie, redirect, set_cookie, with_query};
use crate::app::AppState;
use crate::hosted::{Flow, Mount, authorize_request, base_path, signin};
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use cognate_core::oauth::OAuthError;
use cognate_core::oauth::authorize::{AuthorizeFailure, Authorized, ResponseType, SESSION_MS};
use cognate_core::store::UserRecord;
use std::collections::BTreeMap;

/// The answer to a failed authorize check: a page while the redirect URI is untrusted,
/// else the error sent back to the client.
/// `implicit`: the request asked for tokens, so errors go in the fragment (RFC 6749
/// §4.2.2.1).
pub(crate) fn failure(f: AuthorizeFailure, state: Option<&str>, implicit: bool) -> Response {
    match f {
        AuthorizeFailure::Page(_) => crate::hosted::failure_page(f, state, implicit),
        AuthorizeFailure::Internal(e) | AuthorizeFailure::Redirect(_, OAuthError::Server(e)) => {
            tracing::error!(error = %e, "authorize failed");
            crate::hosted::render::bare_error(StatusCode::INTERNAL_SERVER_ERROR, "err_server")
        }
        AuthorizeFailure::Redirect(uri, e) => {
            let params = [
                ("error", Some(e.code())),
                ("error_description", e.description()),
                ("state", state),
            ];
            if implicit {
                redirect(&with_fragment(&uri, &params))
            } else {
                redirect(&with_query(&uri, &params))
            }
        }
    }
}

/// `redirect_uri` with parameters in its fragment (implicit grant).
fn with_fragment(uri: &str, params: &[(&str, Option<&str>)]) -> String {
    let present: Vec<(&str, &str)> = params
        .iter()
        .filter_map(|(k, v)| v.map(|v| (*k, v)))
        .collect();
    let fragment = serde_urlencoded::to_string(present).unwrap_or_default();
    let base = uri.split('#').next().unwrap_or(uri);
    format!("{base}#{fragment}")
}

/// Sends a signed-in user back to the client: a new code, or (implicit grant) tokens.
pub(crate) async fn back_to_client(
    state: &AppState,
    a: &Authorized,
    client_state: Option<&str>,
    user: &UserRecord,
    auth_time: i64,
) -> Response {
    match a.response_type {
        ResponseType::Code => {
            let code = state.core.new_authorization_code(a, user, auth_time);
            redirect(&with_query(
                &a.redirect_uri,
                &[("code", Some(&code)), ("state", client_state)],
            ))
        }
        ResponseType::Token => match state.core.implicit_tokens(a, user, auth_time).await {
            Ok(t) => {
                let expires = t.expires_in.to_string();
                let id_token = a
                    .grant
                    .has(cognate_core::oauth::OPENID)
                    .then_some(t.id_token.as_str());
                redirect(&with_fragment(
                    &a.redirect_uri,
                    &[
                        ("access_token", Some(&t.access_token)),
                        ("id_token", id_token),
                        ("token_type", Some("Bearer")),
                        ("expires_in", Some(&expires)),
                        ("state", client_state),
                    ],
                ))
            }
            Err(e) => failure(AuthorizeFailure::Internal(e), None, false),
        },
    }
}

/// Starts the browser session for a user who just signed in, and sends them back.
pub(crate) async fn signed_in(
    state: &AppState,
    flow: &Flow,
    user: &UserRecord,
    auth_time: i64,
) -> Response {
    let resp = back_to_client(state, &flow.a, flow.req.state.as_deref(), user, auth_time).await;
    with_session(state, flow, user, auth_time, resp)
}

/// Adds the new browser-session cookie (and clears the CSRF cookie) to `resp`.
pub(crate) fn with_session(
    state: &AppState,
    flow: &Flow,
    user: &UserRecord,
    auth_time: i64,
    mut resp: Response,
) -> Response {
    let session = state.core.new_oauth_session(&flow.pool_id, user, auth_time);
    let h = resp.headers_mut();
    h.append(
        header::SET_COOKIE,
        set_cookie(
            state,
            &flow.base,
            SESSION_COOKIE,
            &session,
            SESSION_MS / 1000,
        ),
    );
    h.append(
        header::SET_COOKIE,
        set_cookie(state, &flow.base, super::CSRF_COOKIE, "", 0),
    );
    resp
}

/// `GET /<poolId>/oauth2/authorize` and `GET /<poolId>/login`.
#[tracing::instrument(skip_all, fields(pool_id = %pool_id))]
pub(super) async fn authorize(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
    mount: Option<Extension<Mount>>,
    headers: HeaderMap,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    let req = authorize_request(&query);
    let base = base_path(mount.as_deref(), &pool_id);
    let flow = match Flow::start(&state, &pool_id, base, &headers, req).await {
        Ok(flow) => flow,
        Err(resp) => return *resp,
    };
    let prompt = flow.req.prompt.as_deref().unwrap_or_default();
    if prompt != "login"
        && let Some(c) = cookie(&state, &flow.base, &headers, SESSION_COOKIE)
    {
        match state.core.oauth_session_user(&pool_id, c).await {
            Ok(Some((user, auth_time))) => {
                return back_to_client(
                    &state,
                    &flow.a,
                    flow.req.state.as_deref(),
                    &user,
                    auth_time,
                )
                .await;
            }
            Ok(None) => {}
            Err(e) => return failure(AuthorizeFailure::Internal(e), None, false),
        }
    }
    if prompt == "none" {
        return failure(
            AuthorizeFailure::Redirect(flow.a.redirect_uri.clone(), OAuthError::LoginRequired),
            flow.req.state.as_deref(),
            flow.a.response_type == ResponseType::Token,
        );
    }
    let hint = flow.req.login_hint.clone();
    signin::show(&state, &flow, hint, None, None)
}
