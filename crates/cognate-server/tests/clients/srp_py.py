"""Signs in to Cognate with pycognito's SRP and verifies the tokens with PyJWT.

Input: one JSON object, as the first argument or on stdin:
  { url, poolId, clientId, username, password,
    mode?         "awssrp" (default): pycognito.AWSSRP on a boto3 client;
                  "cognito": pycognito.Cognito(...).authenticate(password), which
                  itself verifies both tokens with PyJWT, then renew_access_token(),
    newPassword?  with "awssrp": answer NEW_PASSWORD_REQUIRED with this password }
Output: one JSON line. Exit status 0 on success, 1 when a call failed (the line then has
ok=false and the error's code and message), 2 on bad input.
"""

import json
import sys

import boto3
import jwt
from botocore.config import Config
from botocore.exceptions import ClientError
from pycognito import Cognito
from pycognito.aws_srp import AWSSRP
from pycognito.exceptions import ForceChangePasswordException

REGION = "us-east-1"


def client_kwargs(url):
    return {
        "endpoint_url": url,
        "region_name": REGION,
        # pycognito's public calls are unsigned; boto3 still wants credentials.
        "aws_access_key_id": "AKIADUMMYDUMMYDUMMY0",
        "aws_secret_access_key": "dummy-secret-dummy-secret-dummy-secret00",
        "config": Config(retries={"total_max_attempts": 1}),
    }


def verify(args, id_token, access_token):
    """Verifies both tokens with PyJWT's PyJWKClient against the served JWKS."""
    issuer = f"{args['url']}/{args['poolId']}"
    jwks = jwt.PyJWKClient(f"{issuer}/.well-known/jwks.json", cache_keys=True)
    id_claims = jwt.decode(
        id_token,
        jwks.get_signing_key_from_jwt(id_token).key,
        algorithms=["RS256"],
        audience=args["clientId"],
        issuer=issuer,
        options={"require": ["exp", "iat", "sub", "aud", "iss"]},
    )
    access_claims = jwt.decode(
        access_token,
        jwks.get_signing_key_from_jwt(access_token).key,
        algorithms=["RS256"],
        issuer=issuer,
        options={"require": ["exp", "iat", "sub", "iss"]},
    )
    if id_claims.get("token_use") != "id":
        raise jwt.InvalidTokenError(f"id token_use is {id_claims.get('token_use')}")
    if access_claims.get("token_use") != "access":
        raise jwt.InvalidTokenError(f"access token_use is {access_claims.get('token_use')}")
    if access_claims.get("client_id") != args["clientId"]:
        raise jwt.InvalidTokenError(f"access client_id is {access_claims.get('client_id')}")
    return id_claims, access_claims


def run_awssrp(args):
    client = boto3.client("cognito-idp", **client_kwargs(args["url"]))
    srp = AWSSRP(
        username=args["username"],
        password=args["password"],
        pool_id=args["poolId"],
        client_id=args["clientId"],
        client=client,
    )
    new_password_required = False
    try:
        response = srp.authenticate_user()
    except ForceChangePasswordException:
        new_password_required = True
        if not args.get("newPassword"):
            raise
        response = srp.set_new_password_challenge(args["newPassword"])
    result = response["AuthenticationResult"]
    id_claims, access_claims = verify(args, result["IdToken"], result["AccessToken"])
    return {
        "ok": True,
        "newPasswordRequired": new_password_required,
        "idToken": result["IdToken"],
        "accessToken": result["AccessToken"],
        "refreshToken": result.get("RefreshToken"),
        "id": id_claims,
        "access": access_claims,
    }


def run_cognito(args):
    user = Cognito(
        args["poolId"],
        args["clientId"],
        username=args["username"],
        boto3_client_kwargs=client_kwargs(args["url"]),
    )
    # authenticate() verifies both tokens with PyJWT against `${url}/${poolId}`.
    user.authenticate(password=args["password"])
    first = {"idToken": user.id_token, "accessToken": user.access_token}
    id_claims, access_claims = verify(args, user.id_token, user.access_token)
    # REFRESH_TOKEN_AUTH; verifies the new tokens the same way.
    user.renew_access_token()
    verify(args, user.id_token, user.access_token)
    return {
        "ok": True,
        **first,
        "refreshToken": user.refresh_token,
        "refreshed": {"idToken": user.id_token, "accessToken": user.access_token},
        "id": id_claims,
        "access": access_claims,
    }


def main():
    try:
        args = json.loads(sys.argv[1] if len(sys.argv) > 1 else sys.stdin.read())
        mode = args.get("mode", "awssrp")
        run = {"awssrp": run_awssrp, "cognito": run_cognito}[mode]
    except (ValueError, KeyError) as err:
        print(json.dumps({"ok": False, "stage": "input", "message": repr(err)}))
        return 2
    try:
        print(json.dumps(run(args)))
        return 0
    except ClientError as err:
        error = err.response.get("Error", {})
        print(json.dumps({
            "ok": False,
            "stage": err.operation_name,
            "code": error.get("Code"),
            "message": error.get("Message"),
        }))
    except ForceChangePasswordException as err:
        print(json.dumps({"ok": False, "stage": "authenticate", "code": "ForceChangePassword", "message": str(err)}))
    except Exception as err:  # noqa: BLE001 - report any failure as one JSON line
        print(json.dumps({"ok": False, "stage": "unknown", "code": type(err).__name__, "message": str(err)}))
    return 1


if __name__ == "__main__":
    sys.exit(main())
