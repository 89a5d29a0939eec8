#!/usr/bin/env python3
"""A loopback stub of what moto lacks for the console sign-in.

1. The federation endpoint (GET /federation?Action=getSigninToken), in the
   shape AWS documents ("Enable custom identity broker access to the AWS
   console"): `Session` is JSON with exactly sessionId, sessionKey and
   sessionToken; the credentials must be temporary and real: a role session
   is checked by calling moto's GetCallerIdentity with it (moto enforces
   IAM and signatures), a federation token must be one this stub issued.
   As AWS does, it refuses GetSessionToken sessions and long-term keys, and
   SessionDuration for a federation token or outside 900..43200.
2. STS's GetFederationToken and GetSessionToken, whose credentials moto
   refuses under IAM enforcement: only for the long-term key given on the
   command line (checked in the SigV4 Credential), Name 2..32 of
   [\\w+=,.@-], a Policy that is JSON, DurationSeconds 900..129600; and
   GetCallerIdentity for the sessions it issued.

Every request is appended to --log as one JSON line (what was sent and the
answer's status). Prints the port it listens on, then serves until killed.
"""
import argparse
import json
import re
import secrets
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import botocore.exceptions

ACCOUNT = "123456789012"
NS = "https://sts.amazonaws.com/doc/2011-06-15/"


def sts_error(code, message, status=400):
    body = (f'<ErrorResponse xmlns="{NS}"><Error><Type>Sender</Type><Code>{code}</Code>'
            f"<Message>{message}</Message></Error><RequestId>stub</RequestId></ErrorResponse>")
    return status, "text/xml", body


def credentials_xml(c):
    return (f"<Credentials><AccessKeyId>{c['id']}</AccessKeyId><SecretAccessKey>{c['secret']}</SecretAccessKey>"
            f"<SessionToken>{c['token']}</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>")


class Stub:
    def __init__(self, moto, long_term_key, log):
        self.moto = moto
        self.long_term_key = long_term_key
        self.log = log
        # key id -> {"secret", "token", "arn", "kind"}
        self.issued = {}

    def record(self, entry):
        with open(self.log, "a") as f:
            f.write(json.dumps(entry) + "\n")

    def issue(self, kind, arn):
        n = len(self.issued)
        c = {"id": f"ASIASTUB{kind[:3].upper()}{n:09d}", "secret": secrets.token_hex(20),
             "token": secrets.token_hex(40), "arn": arn, "kind": kind}
        self.issued[c["id"]] = c
        return c

    def sts(self, params, headers):
        auth = headers.get("Authorization", "")
        m = re.search(r"Credential=([^/]+)/", auth)
        if not auth.startswith("AWS4-HMAC-SHA256 ") or not m:
            return sts_error("MissingAuthenticationToken", "Request is missing Authentication Token", 403)
        signer = m.group(1)
        token = headers.get("X-Amz-Security-Token")
        action = params.get("Action")
        if action in ("GetFederationToken", "GetSessionToken"):
            if signer != self.long_term_key or token:
                return sts_error("AccessDenied", f"Cannot call {action} with session credentials", 403)
            if action == "GetSessionToken":
                c = self.issue("session", f"arn:aws:iam::{ACCOUNT}:user/tanaka")
                return 200, "text/xml", (f'<GetSessionTokenResponse xmlns="{NS}"><GetSessionTokenResult>'
                                         f"{credentials_xml(c)}</GetSessionTokenResult></GetSessionTokenResponse>")
            name = params.get("Name", "")
            if not re.fullmatch(r"[\w+=,.@-]{2,32}", name):
                return sts_error("ValidationError", "Name must be 2 to 32 of [\\w+=,.@-]")
            try:
                json.loads(params.get("Policy", ""))
            except ValueError:
                return sts_error("MalformedPolicyDocument", "the Policy is not JSON")
            duration = int(params.get("DurationSeconds", "43200"))
            if not 900 <= duration <= 129600:
                return sts_error("ValidationError", "DurationSeconds out of range")
            arn = f"arn:aws:sts::{ACCOUNT}:federated-user/{name}"
            c = self.issue("federation", arn)
            return 200, "text/xml", (
                f'<GetFederationTokenResponse xmlns="{NS}"><GetFederationTokenResult>{credentials_xml(c)}'
                f"<FederatedUser><FederatedUserId>{ACCOUNT}:{name}</FederatedUserId><Arn>{arn}</Arn></FederatedUser>"
                "</GetFederationTokenResult></GetFederationTokenResponse>")
        if action == "GetCallerIdentity":
            c = self.issued.get(signer)
            if not c or token != c["token"]:
                return sts_error("InvalidClientTokenId", "The security token included in the request is invalid.", 403)
            return 200, "text/xml", (
                f'<GetCallerIdentityResponse xmlns="{NS}"><GetCallerIdentityResult><Arn>{c["arn"]}</Arn>'
                f"<UserId>STUB</UserId><Account>{ACCOUNT}</Account></GetCallerIdentityResult></GetCallerIdentityResponse>")
        return sts_error("InvalidAction", "Could not find operation")

    def kind_of(self, session):
        """What the federation endpoint would make of these credentials."""
        c = self.issued.get(session["sessionId"])
        if c:
            ok = secrets.compare_digest(c["secret"], session["sessionKey"]) and c["token"] == session["sessionToken"]
            return c["kind"] if ok else "invalid"
        if not session["sessionToken"]:
            return "long-term"
        sts = boto3.client("sts", endpoint_url=self.moto, region_name="us-east-1",
                           aws_access_key_id=session["sessionId"], aws_secret_access_key=session["sessionKey"],
                           aws_session_token=session["sessionToken"])
        try:
            arn = sts.get_caller_identity()["Arn"]
        except botocore.exceptions.ClientError:
            return "invalid"
        return "role" if ":assumed-role/" in arn else "session"

    def federation(self, query):
        def refuse(why):
            return 400, "text/plain", why
        if query.get("Action") != "getSigninToken":
            return refuse("unknown Action")
        try:
            session = json.loads(query.get("Session", ""))
        except ValueError:
            return refuse("Session is not JSON")
        if not isinstance(session, dict) or sorted(session) != ["sessionId", "sessionKey", "sessionToken"]:
            return refuse("Session must hold sessionId, sessionKey and sessionToken")
        kind = self.kind_of(session)
        duration = query.get("SessionDuration")
        if kind not in ("role", "federation"):
            return refuse(f"credentials refused ({kind})")
        if duration is not None and (kind != "role" or not 900 <= int(duration) <= 43200):
            return refuse("SessionDuration is not valid for these credentials")
        return 200, "application/json", json.dumps({"SigninToken": f"stub-token-{kind}-{secrets.token_hex(8)}"})


def handler_for(stub):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def answer(self, entry, result):
            status, content_type, body = result
            entry["status"] = status
            stub.record(entry)
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
            entry = {"endpoint": "federation", "path": url.path, "query": query}
            if url.path != "/federation":
                return self.answer(entry, (404, "text/plain", "not found"))
            self.answer(entry, stub.federation(query))

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            params = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            entry = {"endpoint": "sts", "params": params,
                     "signed_by": re.search(r"Credential=([^/]+)/", self.headers.get("Authorization", "") + "Credential=/").group(1)}
            self.answer(entry, stub.sts(params, self.headers))

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--moto", required=True)
    parser.add_argument("--long-term-key", required=True)
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    stub = Stub(args.moto, args.long_term_key, args.log)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(stub))
    print(server.server_address[1], flush=True)
    sys.stdout.close()
    server.serve_forever()


if __name__ == "__main__":
    main()
