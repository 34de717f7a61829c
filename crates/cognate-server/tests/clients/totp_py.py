"""Sets up TOTP MFA with pycognito and signs in through SOFTWARE_TOKEN_MFA.

pycognito.Cognito signs in with SRP, associates and verifies a software token with the
access token, makes TOTP the preferred factor, then signs in again: authenticate()
raises SoftwareTokenMFAChallengeException and respond_to_software_token_mfa_challenge()
answers it. Codes are computed here (RFC 6238, HMAC-SHA-1) at the server's clock: the
set-up code at `now`, the sign-in code one step later (the server accepts one step of
drift, and never a step twice).

Input: one JSON object, as the first argument or on stdin:
  { url, poolId, clientId, username, password, now }
Output: one JSON line { ok, secret, idToken, accessToken, preferred } or
{ ok: false, stage, code, message }. Exit status 0 / 1 / 2 as srp_py.py.
"""

import base64
import hashlib
import hmac
import json
import struct
import sys

from botocore.exceptions import ClientError
from pycognito import Cognito
from pycognito.exceptions import SoftwareTokenMFAChallengeException

from srp_py import client_kwargs, verify


def totp(secret, epoch_seconds):
    """RFC 6238 with HMAC-SHA-1, 6 digits, 30-second steps."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int(epoch_seconds) // 30)
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    binary = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{binary % 1_000_000:06d}"


def user(args):
    return Cognito(
        args["poolId"],
        args["clientId"],
        username=args["username"],
        boto3_client_kwargs=client_kwargs(args["url"]),
    )


def run(args):
    first = user(args)
    first.authenticate(password=args["password"])
    secret = first.associate_software_token()
    if not first.verify_software_token(totp(secret, args["now"]), "pycognito"):
        raise RuntimeError("verify_software_token did not succeed")
    first.set_user_mfa_preference(False, True, "SOFTWARE_TOKEN")
    preferred = first.client.get_user(AccessToken=first.access_token).get("PreferredMfaSetting")

    second = user(args)
    try:
        second.authenticate(password=args["password"])
        raise RuntimeError("signed in without the second factor")
    except SoftwareTokenMFAChallengeException:
        pass
    second.respond_to_software_token_mfa_challenge(totp(secret, args["now"] + 30))
    verify(args, second.id_token, second.access_token)
    return {
        "ok": True,
        "secret": secret,
        "preferred": preferred,
        "idToken": second.id_token,
        "accessToken": second.access_token,
    }


def main():
    try:
        args = json.loads(sys.argv[1] if len(sys.argv) > 1 else sys.stdin.read())
        for key in ("url", "poolId", "clientId", "username", "password", "now"):
            args[key]
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
    except Exception as err:  # noqa: BLE001 - report any failure as one JSON line
        print(json.dumps({"ok": False, "stage": "unknown", "code": type(err).__name__, "message": str(err)}))
    return 1


if __name__ == "__main__":
    sys.exit(main())
