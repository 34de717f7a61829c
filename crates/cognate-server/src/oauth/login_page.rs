//! The minimal hosted sign-in form and error page: every value escaped, framing and
//! scripts forbidden by headers, nothing cached.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use cognate_core::oauth::authorize::AuthorizeRequest;

const CSP: &str = "default-src 'none'; style-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

/// HTML-escapes text for element content and quoted attribute values.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::X_FRAME_OPTIONS, "DENY"),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::CACHE_CONTROL, "no-store"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        body,
    )
        .into_response()
}

fn page(title: &str, content: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <style>body{{font-family:sans-serif;max-width:24rem;margin:3rem auto}}label,input,button{{display:block;width:100%;margin:.4rem 0}}.error{{color:#b00}}</style>\
         </head><body>{content}</body></html>",
        escape(title)
    )
}

/// An error page (shown instead of redirecting to an untrusted URI).
pub(super) fn error_page(status: StatusCode, message: &str) -> Response {
    let content = format!(
        "<h1>Sign-in error</h1><p class=\"error\">{}</p>",
        escape(message)
    );
    html(status, page("Sign-in error", &content))
}

/// The sign-in form: carries the authorize request in hidden fields and the CSRF token.
pub(super) fn login_form(
    pool_id: &str,
    req: &AuthorizeRequest,
    csrf: &str,
    error: Option<&str>,
) -> Response {
    let hidden = |name: &str, value: &Option<String>| match value {
        Some(v) => format!(
            "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
            escape(v)
        ),
        None => String::new(),
    };
    let fields = [
        hidden("response_type", &req.response_type),
        hidden("client_id", &req.client_id),
        hidden("redirect_uri", &req.redirect_uri),
        hidden("state", &req.state),
        hidden("scope", &req.scope),
        hidden("nonce", &req.nonce),
        hidden("code_challenge", &req.code_challenge),
        hidden("code_challenge_method", &req.code_challenge_method),
        hidden("csrf_token", &Some(csrf.to_owned())),
    ]
    .concat();
    let error = error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e)))
        .unwrap_or_default();
    let content = format!(
        "<h1>Sign in</h1>{error}<form method=\"post\" action=\"/{}/login\">{fields}\
         <label for=\"username\">Username</label><input id=\"username\" name=\"username\" autocomplete=\"username\" required>\
         <label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\
         <button type=\"submit\">Sign in</button></form>",
        escape(pool_id)
    );
    html(StatusCode::OK, page("Sign in", &content))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_quotes_are_escaped() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/a&gt;"
        );
    }
}
