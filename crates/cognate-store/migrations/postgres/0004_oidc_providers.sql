-- IAM OpenID Connect providers (CreateOpenIDConnectProvider): issuers whose ID tokens
-- identity pools and STS AssumeRoleWithWebIdentity accept.

CREATE TABLE oidc_providers (
    arn          TEXT COLLATE "C" PRIMARY KEY,
    url          TEXT NOT NULL,
    client_ids   TEXT NOT NULL,
    thumbprints  TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
