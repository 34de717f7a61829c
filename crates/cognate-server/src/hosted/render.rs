//! Rendering the hosted pages: the embedded templates (auto-escaped), the frame every
//! page shares (language, branding, the authorize request carried along, CSRF token),
//! and the security headers: no framing, a strict CSP, no caching, no referrer.

use super::i18n;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use minijinja::Environment;
use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::LazyLock;

const TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../templates/hosted/base.html"),
    ),
    (
        "macros.html",
        include_str!("../../templates/hosted/macros.html"),
    ),
    (
        "signin.html",
        include_str!("../../templates/hosted/signin.html"),
    ),
    (
        "signup.html",
        include_str!("../../templates/hosted/signup.html"),
    ),
    (
        "confirm.html",
        include_str!("../../templates/hosted/confirm.html"),
    ),
    (
        "confirm_link.html",
        include_str!("../../templates/hosted/confirm_link.html"),
    ),
    (
        "forgot.html",
        include_str!("../../templates/hosted/forgot.html"),
    ),
    (
        "reset.html",
        include_str!("../../templates/hosted/reset.html"),
    ),
    (
        "new_password.html",
        include_str!("../../templates/hosted/new_password.html"),
    ),
    (
        "message.html",
        include_str!("../../templates/hosted/message.html"),
    ),
    ("mfa.html", include_str!("../../templates/hosted/mfa.html")),
    (
        "passkey.html",
        include_str!("../../templates/hosted/passkey.html"),
    ),
];

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    for (name, source) in TEMPLATES {
        if let Err(e) = env.add_template(name, source) {
            tracing::error!(template = name, error = %e, "a hosted-page template does not parse");
        }
    }
    env
});

/// What every page shows around its form.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Frame {
    /// The negotiated language.
    pub lang: String,
    /// Path prefix of the hosted pages (`/<poolId>`, or empty on a custom domain).
    pub base: String,
    /// The application's name.
    pub app_name: String,
    /// The pool's or client's style sheet, when there is one.
    pub custom_css: Option<String>,
    /// The pool's or client's logo, when there is one.
    pub logo: Option<String>,
    /// The authorize request, as hidden form fields.
    pub hidden: Vec<(String, String)>,
    /// The authorize request, as a query string for links.
    pub query: String,
    /// The CSRF token every form posts.
    pub csrf: String,
    /// The callback's origin, allowed as a form target (the POST redirects to it).
    #[serde(skip)]
    pub callback_origin: Option<String>,
}

impl Frame {
    /// The text for `key` in this frame's language.
    pub(crate) fn t(&self, key: &str) -> String {
        i18n::text(&self.lang, key, &[])
    }

    /// The text for `key` with placeholders filled.
    pub(crate) fn t_with(&self, key: &str, args: &[(&str, &str)]) -> String {
        i18n::text(&self.lang, key, args)
    }
}

/// One page to render: its template, status, title and page-specific variables.
#[derive(Debug)]
pub(crate) struct Page {
    template: &'static str,
    status: StatusCode,
    title: String,
    vars: Map<String, Value>,
}

impl Page {
    /// A page with a translated title.
    pub(crate) fn new(template: &'static str, title: String) -> Self {
        Self {
            template,
            status: StatusCode::OK,
            title,
            vars: Map::new(),
        }
    }

    /// Sets the HTTP status.
    pub(crate) fn status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// Sets a template variable.
    pub(crate) fn var(mut self, name: &str, value: impl Serialize) -> Self {
        self.vars.insert(
            name.to_owned(),
            serde_json::to_value(value).unwrap_or(Value::Null),
        );
        self
    }

    /// Renders the page inside `frame`.
    pub(crate) fn render(self, frame: &Frame) -> Response {
        let (template, status) = (self.template, self.status);
        match self.body(frame) {
            Ok(body) => html(status, body, frame.callback_origin.as_deref()),
            Err(e) => {
                tracing::error!(template, error = %e, "rendering a hosted page failed");
                html(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "<!doctype html><title>Error</title><p>Something went wrong.</p>".into(),
                    None,
                )
            }
        }
    }

    /// The page's HTML.
    fn body(self, frame: &Frame) -> Result<String, minijinja::Error> {
        let mut ctx = self.vars;
        ctx.insert(
            "frame".into(),
            serde_json::to_value(frame).unwrap_or(Value::Null),
        );
        ctx.insert("title".into(), self.title.into());
        ctx.insert(
            "t".into(),
            serde_json::to_value(i18n::table(&frame.lang)).unwrap_or(Value::Null),
        );
        ENV.get_template(self.template)
            .and_then(|t| t.render(minijinja::value::Serde(Value::Object(ctx))))
    }
}

/// The page's Content-Security-Policy: nothing but our own scripts, styles and images,
/// forms only to ourselves (and to the callback the sign-in POST redirects to).
fn csp(callback_origin: Option<&str>) -> String {
    let form_action = match callback_origin {
        Some(o) => format!("'self' {o}"),
        None => "'self'".into(),
    };
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action {form_action}; \
         frame-ancestors 'none'; base-uri 'none'"
    )
}

/// An HTML response with the hosted pages' security headers.
pub(crate) fn html(status: StatusCode, body: String, callback_origin: Option<&str>) -> Response {
    let policy = HeaderValue::from_str(&csp(callback_origin))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"));
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
            (header::CONTENT_SECURITY_POLICY, policy),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
        ],
        body,
    )
        .into_response()
}

/// The origin (`scheme://host[:port]`) of a URL, as a CSP source; custom schemes
/// (`myapp://cb`) become `myapp:`.
pub(crate) fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let valid_scheme = !scheme.is_empty()
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !valid_scheme {
        return None;
    }
    if scheme != "http" && scheme != "https" {
        return Some(format!("{scheme}:"));
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let safe = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    safe.then(|| format!("{scheme}://{host}"))
}

/// A message page (errors, signed out): no form, no authorize request.
pub(crate) fn message_page(
    frame: &Frame,
    status: StatusCode,
    title_key: &str,
    body: &str,
    link: Option<(&str, String)>,
) -> Response {
    let mut page = Page::new("message.html", frame.t(title_key))
        .status(status)
        .var("body", body);
    if let Some((label, href)) = link {
        page = page.var("link", serde_json::json!({ "label": label, "href": href }));
    }
    page.render(frame)
}

/// An error page before anything about the request is trusted (English, no branding).
pub(crate) fn bare_error(status: StatusCode, message_key: &str) -> Response {
    let frame = Frame {
        lang: i18n::DEFAULT_LANG.into(),
        app_name: String::new(),
        ..Default::default()
    };
    let body = frame.t(message_key);
    message_page(&frame, status, "error_title", &body, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses() {
        for (name, _) in TEMPLATES {
            assert!(ENV.get_template(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn callback_origins_are_csp_sources() {
        assert_eq!(
            origin_of("https://app.example.com:8443/cb?x=1").as_deref(),
            Some("https://app.example.com:8443")
        );
        assert_eq!(origin_of("myapp://callback").as_deref(), Some("myapp:"));
        assert_eq!(origin_of("https://a b/cb"), None);
        assert_eq!(origin_of("https://x;script-src *"), None);
    }

    #[test]
    fn markup_in_values_is_escaped() {
        let frame = Frame {
            lang: "en".into(),
            app_name: "<b>x</b>".into(),
            ..Default::default()
        };
        let body = Page::new("message.html", "<i>t</i>".into())
            .var("body", "<script>alert(1)</script>")
            .var(
                "link",
                serde_json::json!({"label": "x", "href": "\"><script>"}),
            )
            .body(&frame)
            .unwrap();
        assert!(!body.contains("<script>") && !body.contains("<b>") && !body.contains("<i>"));
        assert!(
            body.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
            "{body}"
        );
    }
}
