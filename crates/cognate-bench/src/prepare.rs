//! Setup through the official API: a fresh pool, an app client allowing the four
//! sign-in flows, and N users (AdminCreateUser with `SUPPRESS`, then
//! AdminSetUserPassword `Permanent`) created by `--prepare-batch` concurrent workers.

use anyhow::{Context, Result, bail};
use aws_sdk_cognitoidentityprovider as idp;
use idp::types::{AttributeType, ExplicitAuthFlowsType, MessageActionType};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use tokio::task::JoinSet;

/// Every bench user's password (meets the default policy).
pub(crate) const PASSWORD: &str = "Bench-passw0rd!";

/// The `i`th user's name.
pub(crate) fn username(i: usize) -> String {
    format!("bench-user-{i:06}")
}

/// The `i`th user's email, unique so `email = "..."` matches one user.
pub(crate) fn email(i: usize) -> String {
    format!("bench-user-{i:06}@bench.example")
}

/// Creates the pool and the app client; returns `(pool id, client id)`.
pub(crate) async fn pool_and_client(idp: &idp::Client) -> Result<(String, String)> {
    let pool = idp
        .create_user_pool()
        .pool_name("cognate-bench")
        .send()
        .await
        .context("CreateUserPool")?;
    let pool_id = pool
        .user_pool()
        .and_then(|p| p.id())
        .context("CreateUserPool answered without an id")?
        .to_owned();
    let client = idp
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("cognate-bench")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowAdminUserPasswordAuth)
        .send()
        .await
        .context("CreateUserPoolClient")?;
    let client_id = client
        .user_pool_client()
        .and_then(|c| c.client_id())
        .context("CreateUserPoolClient answered without a client id")?
        .to_owned();
    Ok((pool_id, client_id))
}

async fn create_user(idp: &idp::Client, pool_id: &str, i: usize, password: bool) -> Result<()> {
    let attr = |name: &str, value: String| AttributeType::builder().name(name).value(value).build();
    idp.admin_create_user()
        .user_pool_id(pool_id)
        .username(username(i))
        .message_action(MessageActionType::Suppress)
        .user_attributes(attr("email", email(i))?)
        .user_attributes(attr("email_verified", "true".into())?)
        .send()
        .await
        .with_context(|| format!("AdminCreateUser {}", username(i)))?;
    if password {
        idp.admin_set_user_password()
            .user_pool_id(pool_id)
            .username(username(i))
            .password(PASSWORD)
            .permanent(true)
            .send()
            .await
            .with_context(|| format!("AdminSetUserPassword {}", username(i)))?;
    }
    Ok(())
}

/// Creates users `0..users` with `batch` requests in flight; prints progress to stderr.
pub(crate) async fn users(
    idp: &idp::Client,
    pool_id: &str,
    users: usize,
    batch: usize,
    passwords: bool,
) -> Result<()> {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let step = (users / 10).max(1);
    let mut set = JoinSet::new();
    for _ in 0..batch.clamp(1, users.max(1)) {
        let (idp, pool_id, next) = (idp.clone(), pool_id.to_owned(), Arc::clone(&next));
        set.spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= users {
                    return Ok::<(), anyhow::Error>(());
                }
                create_user(&idp, &pool_id, i, passwords).await?;
                if (i + 1) % step == 0 {
                    let secs = started.elapsed().as_secs_f64();
                    eprintln!(
                        "  prepared ~{} of {users} users in {secs:.0} s ({:.0} users/s)",
                        i + 1,
                        (i + 1) as f64 / secs
                    );
                }
            }
        });
    }
    while let Some(r) = set.join_next().await {
        if let Err(e) = r? {
            set.abort_all();
            bail!("preparing users failed: {e:#}");
        }
    }
    Ok(())
}
