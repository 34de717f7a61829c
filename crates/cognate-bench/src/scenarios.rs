//! The scenarios: one Cognito call pattern each, run by C workers until the deadline.
//! Every request is timed on its own; an iteration is one unit of user-visible work
//! (a sign-in is two requests under SRP, a `mixed` iteration three).

use crate::prepare::{PASSWORD, email, username};
use crate::record::Recorder;
use aws_sdk_cognitoidentityprovider as idp;
use cognate_core::clock::{Clock, SystemClock};
use cognate_core::srp::client::{ClaimInput, ClientEphemeral, password_claim_signature};
use idp::types::{AttributeType, AuthFlowType, AuthenticationResultType, ChallengeNameType};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// A load pattern (`--scenario`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Scenario {
    /// SignUp with fresh usernames.
    SignUp,
    /// InitiateAuth USER_PASSWORD_AUTH.
    Password,
    /// InitiateAuth USER_SRP_AUTH + RespondToAuthChallenge PASSWORD_VERIFIER.
    Srp,
    /// InitiateAuth REFRESH_TOKEN_AUTH.
    Refresh,
    /// GetUser with an access token.
    GetUser,
    /// AdminGetUser (SigV4-signed).
    AdminGetUser,
    /// ListUsers with an `email = "..."` filter.
    ListUsers,
    /// Password sign-in, GetUser, refresh.
    Mixed,
    /// Every scenario above, one after another.
    All,
}

impl Scenario {
    /// The scenarios `all` runs, in order; sign-up last so ListUsers sees `--users` users.
    pub(crate) const EACH: [Scenario; 8] = [
        Scenario::Password,
        Scenario::Srp,
        Scenario::Refresh,
        Scenario::GetUser,
        Scenario::AdminGetUser,
        Scenario::ListUsers,
        Scenario::Mixed,
        Scenario::SignUp,
    ];

    /// The `--scenario` spelling.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Scenario::SignUp => "sign-up",
            Scenario::Password => "password",
            Scenario::Srp => "srp",
            Scenario::Refresh => "refresh",
            Scenario::GetUser => "get-user",
            Scenario::AdminGetUser => "admin-get-user",
            Scenario::ListUsers => "list-users",
            Scenario::Mixed => "mixed",
            Scenario::All => "all",
        }
    }

    /// Whether the users need a permanent password (everything but admin lookups).
    pub(crate) fn needs_passwords(self) -> bool {
        !matches!(self, Scenario::AdminGetUser | Scenario::ListUsers)
    }

    /// Whether each worker needs tokens from a sign-in before the clock starts.
    fn needs_tokens(self) -> bool {
        matches!(self, Scenario::Refresh | Scenario::GetUser)
    }
}

/// What every worker shares.
pub(crate) struct Ctx {
    pub(crate) idp: idp::Client,
    pub(crate) pool_id: String,
    pub(crate) client_id: String,
    pub(crate) users: usize,
    pub(crate) concurrency: usize,
    /// False when the server answers GetUser with UnsupportedOperationException.
    pub(crate) get_user: bool,
    /// Counts [`drive`] calls, so each run's SignUp names are new.
    pub(crate) run: AtomicU64,
}

impl Ctx {
    /// The SRP realm: the pool id after `_`.
    fn realm(&self) -> &str {
        self.pool_id
            .split_once('_')
            .map_or(self.pool_id.as_str(), |(_, r)| r)
    }

    /// Round-robin over the users, workers interleaved.
    fn user(&self, worker: usize, iteration: u64) -> usize {
        let n = self.users.max(1) as u64;
        ((worker as u64 + iteration * self.concurrency as u64) % n) as usize
    }
}

/// A signed-in session.
#[derive(Debug, Clone)]
pub(crate) struct Tokens {
    access: String,
    refresh: String,
}

impl Tokens {
    /// The access token.
    pub(crate) fn access(&self) -> &str {
        &self.access
    }
}

fn tokens_of(result: Option<&AuthenticationResultType>, rec: &mut Recorder) -> Option<Tokens> {
    let r = result?;
    match (r.access_token(), r.refresh_token()) {
        (Some(a), Some(refresh)) => Some(Tokens {
            access: a.to_owned(),
            refresh: refresh.to_owned(),
        }),
        _ => {
            rec.fail("sign-in answered without tokens");
            None
        }
    }
}

/// One USER_PASSWORD_AUTH sign-in.
pub(crate) async fn password(ctx: &Ctx, rec: &mut Recorder, user: usize) -> Option<Tokens> {
    let out = rec
        .call(
            ctx.idp
                .initiate_auth()
                .client_id(&ctx.client_id)
                .auth_flow(AuthFlowType::UserPasswordAuth)
                .auth_parameters("USERNAME", username(user))
                .auth_parameters("PASSWORD", PASSWORD)
                .send(),
        )
        .await?;
    tokens_of(out.authentication_result(), rec)
}

/// One USER_SRP_AUTH sign-in; the client's modular arithmetic runs off the I/O threads
/// and outside the timed requests.
async fn srp(ctx: &Ctx, rec: &mut Recorder, user: usize) -> Option<()> {
    let eph = tokio::task::spawn_blocking(ClientEphemeral::generate)
        .await
        .ok()?;
    let start = rec
        .call(
            ctx.idp
                .initiate_auth()
                .client_id(&ctx.client_id)
                .auth_flow(AuthFlowType::UserSrpAuth)
                .auth_parameters("USERNAME", username(user))
                .auth_parameters("SRP_A", &eph.public_a_hex)
                .send(),
        )
        .await?;
    if start.challenge_name() != Some(&ChallengeNameType::PasswordVerifier) {
        rec.fail("USER_SRP_AUTH did not answer PASSWORD_VERIFIER");
        return None;
    }
    let p = start.challenge_parameters().cloned().unwrap_or_default();
    let realm = ctx.realm().to_owned();
    let timestamp = cognate_core::srp::format_timestamp(SystemClock.now_millis() / 1000);
    let (p, timestamp, signature) = tokio::task::spawn_blocking(move || {
        let get = |k: &str| p.get(k).map_or("", String::as_str);
        let sig = password_claim_signature(
            &eph,
            &ClaimInput {
                realm: &realm,
                user_id: get("USER_ID_FOR_SRP"),
                password: PASSWORD,
                salt_hex: get("SALT"),
                public_b_hex: get("SRP_B"),
                secret_block_b64: get("SECRET_BLOCK"),
                timestamp: &timestamp,
            },
        );
        (p, timestamp, sig)
    })
    .await
    .ok()?;
    let Ok(signature) = signature else {
        rec.fail("client could not compute PASSWORD_CLAIM_SIGNATURE");
        return None;
    };
    let get = |k: &str| p.get(k).cloned().unwrap_or_default();
    let out = rec
        .call(
            ctx.idp
                .respond_to_auth_challenge()
                .client_id(&ctx.client_id)
                .challenge_name(ChallengeNameType::PasswordVerifier)
                .set_session(start.session().map(str::to_owned))
                .challenge_responses("USERNAME", get("USER_ID_FOR_SRP"))
                .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", get("SECRET_BLOCK"))
                .challenge_responses("PASSWORD_CLAIM_SIGNATURE", signature)
                .challenge_responses("TIMESTAMP", timestamp)
                .send(),
        )
        .await?;
    tokens_of(out.authentication_result(), rec).map(|_| ())
}

/// One REFRESH_TOKEN_AUTH; keeps a rotated refresh token when the server sends one.
async fn refresh(ctx: &Ctx, rec: &mut Recorder, tokens: &mut Tokens) -> Option<()> {
    let out = rec
        .call(
            ctx.idp
                .initiate_auth()
                .client_id(&ctx.client_id)
                .auth_flow(AuthFlowType::RefreshTokenAuth)
                .auth_parameters("REFRESH_TOKEN", &tokens.refresh)
                .send(),
        )
        .await?;
    let Some(access) = out.authentication_result().and_then(|r| r.access_token()) else {
        rec.fail("refresh answered without an access token");
        return None;
    };
    tokens.access = access.to_owned();
    if let Some(r) = out.authentication_result().and_then(|r| r.refresh_token()) {
        tokens.refresh = r.to_owned();
    }
    Some(())
}

async fn get_user(ctx: &Ctx, rec: &mut Recorder, tokens: &Tokens) -> Option<()> {
    rec.call(ctx.idp.get_user().access_token(&tokens.access).send())
        .await
        .map(|_| ())
}

async fn admin_get_user(ctx: &Ctx, rec: &mut Recorder, user: usize) -> Option<()> {
    rec.call(
        ctx.idp
            .admin_get_user()
            .user_pool_id(&ctx.pool_id)
            .username(username(user))
            .send(),
    )
    .await
    .map(|_| ())
}

async fn list_users(ctx: &Ctx, rec: &mut Recorder, user: usize) -> Option<()> {
    let out = rec
        .call(
            ctx.idp
                .list_users()
                .user_pool_id(&ctx.pool_id)
                .filter(format!("email = \"{}\"", email(user)))
                .send(),
        )
        .await?;
    if out.users().len() != 1 {
        rec.fail(format!(
            "ListUsers found {} users, not 1",
            out.users().len()
        ));
        return None;
    }
    Some(())
}

/// One SignUp of a fresh user; also the support probe (`Err` when unsupported).
pub(crate) async fn sign_up(ctx: &Ctx, rec: &mut Recorder, name: &str) -> Result<(), String> {
    let email = AttributeType::builder()
        .name("email")
        .value(format!("{name}@bench.example"))
        .build()
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    let result = ctx
        .idp
        .sign_up()
        .client_id(&ctx.client_id)
        .username(name)
        .password(PASSWORD)
        .user_attributes(email)
        .send()
        .await;
    match result {
        Err(e) if crate::record::is_unsupported(&e) => Err("SignUp is not supported".into()),
        other => {
            rec.record(started, other);
            Ok(())
        }
    }
}

/// One iteration of `scenario`; `true` when it completed without error.
async fn iteration(
    ctx: &Ctx,
    scenario: Scenario,
    worker: usize,
    i: u64,
    tokens: &mut Option<Tokens>,
    rec: &mut Recorder,
) -> bool {
    let user = ctx.user(worker, i);
    let errors = rec.errors;
    match (scenario, tokens.as_mut()) {
        (Scenario::Password, _) => {
            let _ = password(ctx, rec, user).await;
        }
        (Scenario::Srp, _) => {
            let _ = srp(ctx, rec, user).await;
        }
        (Scenario::Refresh, Some(t)) => {
            let _ = refresh(ctx, rec, t).await;
        }
        (Scenario::GetUser, Some(t)) => {
            let _ = get_user(ctx, rec, t).await;
        }
        (Scenario::AdminGetUser, _) => {
            let _ = admin_get_user(ctx, rec, user).await;
        }
        (Scenario::ListUsers, _) => {
            let _ = list_users(ctx, rec, user).await;
        }
        (Scenario::SignUp, _) => {
            let name = format!("su-{}-{worker}-{i}", ctx.run.load(Ordering::Relaxed));
            if let Err(e) = sign_up(ctx, rec, &name).await {
                rec.fail(e);
            }
        }
        (Scenario::Mixed, _) => {
            if let Some(mut t) = password(ctx, rec, user).await {
                if ctx.get_user {
                    get_user(ctx, rec, &t).await;
                }
                refresh(ctx, rec, &mut t).await;
            }
        }
        (Scenario::Refresh | Scenario::GetUser, None) => rec.fail("worker has no tokens"),
        (Scenario::All, _) => rec.fail("`all` is not one scenario"),
    }
    rec.errors == errors
}

async fn worker(
    ctx: Arc<Ctx>,
    scenario: Scenario,
    worker: usize,
    deadline: Instant,
    mut tokens: Option<Tokens>,
) -> Recorder {
    let mut rec = Recorder::default();
    let mut i = 0u64;
    while Instant::now() < deadline {
        if iteration(&ctx, scenario, worker, i, &mut tokens, &mut rec).await {
            rec.iterations += 1;
        }
        i += 1;
    }
    rec
}

/// Signs in one user per worker when the scenario needs tokens (before the server's
/// CPU clock is read, so these hashes are not charged to the scenario).
pub(crate) async fn worker_tokens(
    ctx: &Ctx,
    scenario: Scenario,
) -> anyhow::Result<Vec<Option<Tokens>>> {
    let mut out = Vec::with_capacity(ctx.concurrency);
    for w in 0..ctx.concurrency {
        if !scenario.needs_tokens() {
            out.push(None);
            continue;
        }
        let mut rec = Recorder::default();
        let t = password(ctx, &mut rec, w % ctx.users.max(1)).await;
        if t.is_none() {
            anyhow::bail!("signing in worker {w} failed: {:?}", rec.error_kinds);
        }
        out.push(t);
    }
    Ok(out)
}

/// Runs `scenario` on one worker per entry of `tokens` (from [`worker_tokens`]) for
/// `duration`; returns what they saw and the wall time until the last in-flight
/// request ended.
pub(crate) async fn drive(
    ctx: &Arc<Ctx>,
    scenario: Scenario,
    duration: Duration,
    tokens: Vec<Option<Tokens>>,
) -> anyhow::Result<(Recorder, Duration)> {
    ctx.run.fetch_add(1, Ordering::Relaxed);
    let started = Instant::now();
    let deadline = started + duration;
    let mut set = JoinSet::new();
    for (w, t) in tokens.into_iter().enumerate() {
        set.spawn(worker(Arc::clone(ctx), scenario, w, deadline, t));
    }
    let mut total = Recorder::default();
    while let Some(r) = set.join_next().await {
        total.merge(r?);
    }
    Ok((total, started.elapsed()))
}
