//! Confirmation by link (`VerificationMessageTemplate.DefaultEmailOption =
//! CONFIRM_WITH_LINK`): the sign-up and resend emails carry a link to the pool's hosted
//! `/confirmUser?client_id=..&user_name=..&confirmation_code=..` page instead of a code,
//! built from `EmailMessageByLink` / `EmailSubjectByLink` with `{##text##}` turned into
//! an anchor, as Cognito does. The code in the link is an ordinary sign-up code: the
//! page spends it through `ConfirmSignUp` with the same expiry and attempt limits.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-message-customizations.html>
//!
//! The link needs a page to point at, so it needs a domain. A pool without one is
//! refused when a link message would be sent (SignUp, ResendConfirmationCode) with
//! Cognito's `InvalidParameterException`, not when the setting is stored: Cognito
//! accepts the setting on CreateUserPool/UpdateUserPool and fails the sign-up.

use crate::Core;
use crate::auth::client::{ClientContext, secret_hash};
use crate::codes::code_mismatch;
use crate::error::{CoreError, CoreResult};
use crate::messages::{Delivery, escape_html, sign_up_delivery};
use crate::store::{UserPoolRecord, UserRecord};
use cognate_proto::self_service::CodeRequest;

/// Cognito's default link email body.
pub const DEFAULT_LINK_EMAIL: &str =
    "Please click the link below to verify your email address. {##Verify Email##} ";
/// Cognito's default link email subject.
pub const DEFAULT_LINK_SUBJECT: &str = "Your verification link";

/// Whether the pool's sign-up emails carry a link instead of a code.
pub fn confirms_by_link(pool: &UserPoolRecord) -> bool {
    pool.settings
        .verification_message_template
        .as_ref()
        .and_then(|t| t.default_email_option.as_deref())
        == Some("CONFIRM_WITH_LINK")
}

fn no_domain() -> CoreError {
    CoreError::InvalidParameter(
        "Cannot perform specific action because there does not exist a valid use pool domain associated with the user pool".into(),
    )
}

/// `template` with its first `{##text##}` replaced by `<a href="href">text</a>`. The
/// model's pattern also accepts an empty text (`{####}`); that link shows its URL.
fn with_anchor(template: &str, href: &str) -> String {
    let Some(start) = template.find("{##") else {
        return template.to_owned();
    };
    let rest = &template[start + 3..];
    let Some(end) = rest.find("##}") else {
        return template.to_owned();
    };
    let text = match &rest[..end] {
        "" => href,
        text => text,
    };
    format!(
        "{}<a href=\"{}\">{}</a>{}",
        &template[..start],
        escape_html(href),
        escape_html(text),
        &rest[end + 3..]
    )
}

impl Core {
    /// Where the pool's hosted pages live, for links in messages: its custom domain
    /// (HTTPS, unless the public URL itself is plain `http://`, as in development),
    /// else its issuer path; `None` when the pool has no domain.
    pub async fn hosted_pages_url(&self, pool_id: &str) -> CoreResult<Option<String>> {
        let domains = self.store.domains_of_pool(pool_id).await?;
        if let Some(custom) = domains.iter().find(|d| d.custom) {
            let scheme = if self.settings.public_url.starts_with("http://") {
                "http"
            } else {
                "https"
            };
            return Ok(Some(format!("{scheme}://{}", custom.domain)));
        }
        Ok((!domains.is_empty()).then(|| self.issuer(pool_id)))
    }

    /// The sign-up confirmation message for `user`, who signs up (or asks again)
    /// through `ctx`'s client: a code, or for an email in a link pool, the link.
    pub(crate) async fn sign_up_message(
        &self,
        ctx: &ClientContext,
        user: &UserRecord,
    ) -> CoreResult<Option<Delivery>> {
        let Some(mut delivery) = sign_up_delivery(&ctx.pool, user) else {
            return Ok(None);
        };
        if delivery.channel != "EMAIL" || !confirms_by_link(&ctx.pool) {
            return Ok(Some(delivery));
        }
        let base = self
            .hosted_pages_url(&ctx.pool.id)
            .await?
            .ok_or_else(no_domain)?;
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &ctx.client.id)
            .append_pair("user_name", &user.username)
            .finish();
        // `{####}` stays in the URL: the message step puts the code there.
        let href = format!("{base}/confirmUser?{query}&confirmation_code={{####}}");
        let t = ctx
            .pool
            .settings
            .verification_message_template
            .clone()
            .unwrap_or_default();
        let body = t
            .email_message_by_link
            .unwrap_or_else(|| DEFAULT_LINK_EMAIL.into());
        delivery.body = with_anchor(&body, &href);
        delivery.subject = Some(
            t.email_subject_by_link
                .unwrap_or_else(|| DEFAULT_LINK_SUBJECT.into()),
        );
        Ok(Some(delivery))
    }

    /// Whether the pool `pool_id` confirms sign-ups by link, so its hosted
    /// `/confirmUser` link page exists.
    pub async fn pool_confirms_by_link(&self, pool_id: &str) -> CoreResult<bool> {
        let pool = self.store.get_pool(pool_id).await?;
        Ok(pool.as_ref().is_some_and(confirms_by_link))
    }

    /// The hosted `/confirmUser` link: `ConfirmSignUp` with the link's code through
    /// the link's client (resolved by the caller within the page's pool), computing
    /// the `SECRET_HASH` a browser cannot send.
    ///
    /// The page computes a secret hash no one proved to know, so it exists only for
    /// pools that send links (`ResourceNotFound` otherwise). When the client hides
    /// user existence, an expired code and an already confirmed user answer
    /// `CodeMismatch`, as an unknown or disabled user already does: the page must not
    /// tell which usernames hold an account.
    pub async fn hosted_confirm_link(
        &self,
        ctx: &ClientContext,
        username: &str,
        code: &str,
    ) -> CoreResult<()> {
        if !confirms_by_link(&ctx.pool) {
            return Err(CoreError::ResourceNotFound(
                "The user pool does not confirm sign-ups by link.".into(),
            ));
        }
        match self.confirm_by_link(ctx, username, code).await {
            Err(CoreError::ExpiredCode) if ctx.hides_user_existence() => Err(code_mismatch()),
            Err(CoreError::NotAuthorized(_)) if ctx.hides_user_existence() => Err(code_mismatch()),
            other => other,
        }
    }

    async fn confirm_by_link(
        &self,
        ctx: &ClientContext,
        username: &str,
        code: &str,
    ) -> CoreResult<()> {
        let secret = ctx
            .client
            .secret
            .as_deref()
            .map(|s| secret_hash(s, username, &ctx.client.id));
        self.confirm_sign_up(CodeRequest {
            client_id: Some(ctx.client.id.clone()),
            secret_hash: secret,
            username: Some(username.to_owned()),
            confirmation_code: Some(code.to_owned()),
            ..Default::default()
        })
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_text_becomes_an_escaped_anchor() {
        let body = with_anchor(
            "Hi! {##Verify <now>##} thanks",
            "https://a.test/confirmUser?client_id=c&user_name=u&confirmation_code={####}",
        );
        assert_eq!(
            body,
            "Hi! <a href=\"https://a.test/confirmUser?client_id=c&amp;user_name=u&amp;confirmation_code={####}\">Verify &lt;now&gt;</a> thanks"
        );
        assert_eq!(with_anchor("no link here", "x"), "no link here");
        assert_eq!(
            with_anchor("bare {####}", "https://a.test/?a=1&b=2"),
            "bare <a href=\"https://a.test/?a=1&amp;b=2\">https://a.test/?a=1&amp;b=2</a>"
        );
        assert_eq!(with_anchor("open {##only", "x"), "open {##only");
    }
}
