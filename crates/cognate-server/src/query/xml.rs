//! XML replies of the AWS query protocol (IAM and STS): escaping, the response
//! envelope and the error envelope.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Escapes text for an XML element.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// `<name>text</name>` with escaping.
pub fn el(name: &str, text: &str) -> String {
    format!("<{name}>{}</{name}>", esc(text))
}

fn xml(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/xml"));
    resp
}

/// A successful `<Action>Response>` with `result` inside `<Action>Result>`.
pub fn ok(action: &str, namespace: &str, result: &str, request_id: &str) -> Response {
    xml(
        StatusCode::OK,
        format!(
            "<{action}Response xmlns=\"{namespace}\"><{action}Result>{result}</{action}Result><ResponseMetadata>{}</ResponseMetadata></{action}Response>",
            el("RequestId", request_id)
        ),
    )
}

/// An `<ErrorResponse>`.
pub fn error(
    status: u16,
    code: &str,
    message: &str,
    namespace: &str,
    request_id: &str,
) -> Response {
    let kind = if status >= 500 { "Receiver" } else { "Sender" };
    xml(
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        format!(
            "<ErrorResponse xmlns=\"{namespace}\"><Error>{}{}{}</Error>{}</ErrorResponse>",
            el("Type", kind),
            el("Code", code),
            el("Message", message),
            el("RequestId", request_id)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(el("A", "<b>&\"'"), "<A>&lt;b&gt;&amp;&quot;&apos;</A>");
    }
}
