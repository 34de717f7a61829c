//! `GET /oauth2/authorize` (and `GET /login`): silent sign-in with a session, the
//! form without one; `POST /login`: CSRF check, password check, session cookie, code.

use super::login_page::{error_page, login_form};
use super::{CSRF_COOKIE, SESSION_COOKIE, cookie, not_a_pool, redirect, set_cookie, with_query};
use crate::app::AppState;
use axum::Form;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cognate_core::CoreError;
use cognate_core::oauth::OAuthError;
use cognate_core::oauth::authorize::{AuthorizeFailure, AuthorizeRequest, Authorized, SESSION_MS};
use cognate_core::store::UserRecord;
use serde::Deserialize;

/// The login form's fields.
#[derive(Debug, Deserialize)]
pub(super) struct LoginForm {
    #[serde(flatten)]
    req: AuthorizeRequest,
    username: Option<String>,
    password: Option<String>,
    csrf_token: Option<String>,
}

fn failure(f: AuthorizeFailure, state: Option<&str>) -> Response {
    match f {
        AuthorizeFailure::Page(message) => error_page(StatusCode::BAD_REQUEST, &message),
        AuthorizeFailure::Internal(e) | AuthorizeFailure::Redirect(_, OAuthError::Server(e)) => {
            tracing::error!(error = %e, "authorize failed");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong. Try again later.",
            )
        }
        AuthorizeFailure::Redirect(uri, e) => redirect(&with_query(
            &uri,
            &[
                ("error", Some(e.code())),
                ("error_description", e.description()),
                ("state", state),
            ],
        )),
    }
}

/// Redirects to the callback with a new code and the request's `state`.
fn code_redirect(
    state: &AppState,
    a: &Authorized,
    req: &AuthorizeRequest,
    user: &UserRecord,
    auth_time: i64,
) -> Response {
    let code = state.core.new_authorization_code(a, user, auth_time);
    redirect(&with_query(
        &a.redirect_uri,
        &[("code", Some(&code)), ("state", req.state.as_deref())],
    ))
}

fn show_form(
    state: &AppState,
    pool_id: &str,
    req: &AuthorizeRequest,
    error: Option<&str>,
) -> Response {
    let (pre_session, csrf) = state.core.new_login_csrf(pool_id);
    let mut resp = login_form(pool_id, req, &csrf, error);
    let c = set_cookie(state, pool_id, CSRF_COOKIE, &pre_session, SESSION_MS / 1000);
    resp.headers_mut().append(header::SET_COOKIE, c);
    resp
}

/// `GET /<poolId>/oauth2/authorize`.
#[tracing::instrument(skip_all, fields(pool_id = %pool_id))]
pub(super) async fn authorize(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
    headers: HeaderMap,
    query: Result<Query<AuthorizeRequest>, QueryRejection>,
) -> Response {
    if let Some(r) = not_a_pool(&pool_id) {
        return r;
    }
    let Ok(Query(req)) = query else {
        return error_page(StatusCode::BAD_REQUEST, "Malformed request.");
    };
    let a = match state.core.check_authorize(&pool_id, &req).await {
        Ok(a) => a,
        Err(f) => return failure(f, req.state.as_deref()),
    };
    let prompt = req.prompt.as_deref().unwrap_or_default();
    if prompt != "login"
        && let Some(c) = cookie(&headers, SESSION_COOKIE)
    {
        match state.core.oauth_session_user(&pool_id, c).await {
            Ok(Some((user, auth_time))) => {
                return code_redirect(&state, &a, &req, &user, auth_time);
            }
            Ok(None) => {}
            Err(e) => return failure(AuthorizeFailure::Internal(e), None),
        }
    }
    if prompt == "none" {
        return failure(
            AuthorizeFailure::Redirect(a.redirect_uri, OAuthError::LoginRequired),
            req.state.as_deref(),
        );
    }
    show_form(&state, &pool_id, &req, None)
}

/// What the form shows for a refused sign-in (human words, never JSON).
fn sign_in_message(e: &CoreError) -> Option<&str> {
    match e {
        CoreError::NotAuthorized(m) => Some(m),
        CoreError::UserNotFound => Some("User does not exist."),
        CoreError::UserNotConfirmed => Some("User is not confirmed."),
        CoreError::PasswordResetRequired => Some("Password reset required for the user."),
        _ => None,
    }
}

/// `POST /<poolId>/login`.
#[tracing::instrument(skip_all, fields(pool_id = %pool_id))]
pub(super) async fn login(
    State(state): State<AppState>,
    Path(pool_id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    if let Some(r) = not_a_pool(&pool_id) {
        return r;
    }
    let Ok(Form(form)) = form else {
        return error_page(StatusCode::BAD_REQUEST, "Malformed request.");
    };
    if !state.core.check_login_csrf(
        &pool_id,
        cookie(&headers, CSRF_COOKIE),
        form.csrf_token.as_deref(),
    ) {
        return error_page(
            StatusCode::FORBIDDEN,
            "Your sign-in form expired. Go back and try again.",
        );
    }
    let a = match state.core.check_authorize(&pool_id, &form.req).await {
        Ok(a) => a,
        Err(f) => return failure(f, form.req.state.as_deref()),
    };
    let (username, password) = (
        form.username.unwrap_or_default(),
        form.password.unwrap_or_default(),
    );
    let (user, auth_time) = match state
        .core
        .oauth_password_sign_in(&a.ctx, &username, &password)
        .await
    {
        Ok(signed_in) => signed_in,
        Err(e) => match sign_in_message(&e) {
            Some(m) => return show_form(&state, &pool_id, &form.req, Some(m)),
            None => return failure(AuthorizeFailure::Internal(e), None),
        },
    };
    let session = state.core.new_oauth_session(&pool_id, &user, auth_time);
    let mut resp = code_redirect(&state, &a, &form.req, &user, auth_time);
    let h = resp.headers_mut();
    h.append(
        header::SET_COOKIE,
        set_cookie(
            &state,
            &pool_id,
            SESSION_COOKIE,
            &session,
            SESSION_MS / 1000,
        ),
    );
    h.append(
        header::SET_COOKIE,
        set_cookie(&state, &pool_id, CSRF_COOKIE, "", 0),
    );
    resp.into_response()
}
