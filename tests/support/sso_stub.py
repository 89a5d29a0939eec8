#!/usr/bin/env python3
"""A loopback stub of IAM Identity Center, which moto lacks: the OIDC
service (sso-oidc) and, with --moto, the portal's GetRoleCredentials, in
their documented restJson1 shapes. OIDC, the authorization code flow:
RegisterClient for the authorization_code grant only with loopback
redirect URIs and the start URL as issuer; GET /authorize (what the
browser opens) redirects to the client's redirect URI with a code and the
state, for S256 challenges only; CreateToken takes the code once, with the
same redirect URI and the verifier whose SHA-256 is the challenge; the
refresh_token grant takes a refresh token it issued to that client, once.
The
device code flow: RegisterClient
(POST /client/register, public clients only), StartDeviceAuthorization
(POST /device_authorization, for a registered client with its secret and
the configured start URL) and CreateToken (POST /token, the device-code
grant: `authorization_pending` on the first poll, `slow_down` on the
second, then the token, or `access_denied` with --deny). Errors carry
`x-amzn-ErrorType` and the OAuth `error` field as the service sends them.
Portal: GET /federation/credentials?account_id=&role_name= with the
`x-amz-sso_bearer_token` of a token this stub issued (else 401
UnauthorizedException); for account 123456789012 and role toy-role it
answers with real credentials of that role, assumed in moto (IAM enforced)
with the source keys given on the command line (else 403
ForbiddenException). With --org, ListAccounts (two accounts a page, with
nextToken) and ListAccountRoles list the accounts and roles of that file.

Every request is appended to --log as a JSON line; prints its port.
"""
import argparse
import base64
import hashlib
import json
import urllib.parse
import secrets
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


class Stub:
    def __init__(self, start_url, deny, log, moto=None, source=None):
        self.start_url = start_url
        self.deny = deny
        self.log = log
        self.moto = moto
        self.source = source
        self.tokens = set()
        self.refresh_tokens = {}  # client id -> refresh tokens not yet used
        self.codes = {}     # authorization code -> {"client", "challenge", "redirect"}
        self.clients = {}   # id -> {"secret", "scopes"}
        self.devices = {}   # device code -> {"client", "polls"}

    def answer(self, path, body):
        if path == "/client/register":
            if body.get("clientType") != "public" or not body.get("clientName"):
                return 400, "InvalidClientMetadataException", {"error": "invalid_client_metadata"}
            n = len(self.clients)
            client = {"id": f"stub-client-{n}", "secret": secrets.token_hex(16), "scopes": body.get("scopes") or [],
                      "grants": body.get("grantTypes") or [], "redirects": body.get("redirectUris") or []}
            if "authorization_code" in client["grants"]:
                loopback = all(u.startswith("http://127.0.0.1:") for u in client["redirects"])
                if not client["redirects"] or not loopback or body.get("issuerUrl") != self.start_url:
                    return 400, "InvalidRedirectUriException", {"error": "invalid_redirect_uri"}
            self.clients[client["id"]] = client
            now = int(time.time())
            return 200, None, {"clientId": client["id"], "clientSecret": client["secret"],
                               "clientIdIssuedAt": now, "clientSecretExpiresAt": now + 90 * 86400}
        client = self.clients.get(body.get("clientId"))
        if not client or body.get("clientSecret") != client["secret"]:
            return 401, "InvalidClientException", {"error": "invalid_client"}
        if path == "/device_authorization":
            if body.get("startUrl") != self.start_url:
                return 400, "InvalidRequestException", {"error": "invalid_request"}
            code = f"device-{len(self.devices)}"
            self.devices[code] = {"client": client["id"], "polls": 0}
            return 200, None, {"deviceCode": code, "userCode": "ABCD-EFGH",
                               "verificationUri": "https://device.sso.us-east-1.amazonaws.com/",
                               "verificationUriComplete": "https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH",
                               "expiresIn": 600, "interval": 1}
        if path == "/token" and body.get("grantType") == "refresh_token":
            if body.get("refreshToken") not in self.refresh_tokens.get(client["id"], set()):
                return 400, "InvalidGrantException", {"error": "invalid_grant"}
            self.refresh_tokens[client["id"]].discard(body["refreshToken"])
            return 200, None, self.issue_token(client)
        if path == "/token" and body.get("grantType") == "authorization_code":
            grant = self.codes.pop(body.get("code"), None)
            verifier = body.get("codeVerifier", "")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if (not grant or grant["client"] != client["id"] or grant["redirect"] != body.get("redirectUri")
                    or grant["challenge"] != challenge):
                return 400, "InvalidGrantException", {"error": "invalid_grant"}
            return 200, None, self.issue_token(client)
        if path == "/token":
            if body.get("grantType") != DEVICE_GRANT:
                return 400, "UnsupportedGrantTypeException", {"error": "unsupported_grant_type"}
            device = self.devices.get(body.get("deviceCode"))
            if not device or device["client"] != client["id"]:
                return 400, "InvalidGrantException", {"error": "invalid_grant"}
            device["polls"] += 1
            if device["polls"] == 1:
                return 400, "AuthorizationPendingException", {"error": "authorization_pending"}
            if device["polls"] == 2:
                return 400, "SlowDownException", {"error": "slow_down"}
            if self.deny:
                return 400, "AccessDeniedException", {"error": "access_denied"}
            return 200, None, self.issue_token(client)
        return 404, "NotFound", {"error": "not_found"}

    def issue_token(self, client):
        token = {"accessToken": "stub-access-" + secrets.token_hex(16), "tokenType": "Bearer", "expiresIn": 28800}
        self.tokens.add(token["accessToken"])
        if client["scopes"]:
            token["refreshToken"] = "stub-refresh-" + secrets.token_hex(16)
            self.refresh_tokens.setdefault(client["id"], set()).add(token["refreshToken"])
        return token

    def authorize(self, query):
        """The browser's page: a registered client, its own redirect, S256."""
        client = self.clients.get(query.get("client_id"))
        if (not client or query.get("response_type") != "code" or query.get("redirect_uri") not in client["redirects"]
                or query.get("code_challenge_method") != "S256" or not query.get("code_challenge")
                or not query.get("state")):
            return None
        code = "code-" + secrets.token_hex(8)
        self.codes[code] = {"client": client["id"], "challenge": query["code_challenge"],
                            "redirect": query["redirect_uri"]}
        return f"{query['redirect_uri']}?code={code}&state={urllib.parse.quote(query['state'])}"

    def listing(self, path, query, bearer):
        """ListAccounts (two a page) and ListAccountRoles, from --org."""
        if bearer not in self.tokens:
            return 401, "UnauthorizedException", {"message": "Session token not found or invalid"}
        org = json.load(open(self.org))["accounts"]
        if path == "/assignment/accounts":
            start = int(query.get("next_token", "0"))
            page = org[start:start + 2]
            answer = {"accountList": [{"accountId": a["accountId"], "accountName": a["accountName"],
                                       "emailAddress": "x@example.com"} for a in page]}
            if start + 2 < len(org):
                answer["nextToken"] = str(start + 2)
            return 200, None, answer
        account = next((a for a in org if a["accountId"] == query.get("account_id")), None)
        if account is None:
            return 403, "ForbiddenException", {"message": "No access"}
        return 200, None, {"roleList": [{"roleName": r, "accountId": account["accountId"]} for r in account["roles"]]}

    def role_credentials(self, query, bearer):
        if bearer not in self.tokens:
            return 401, "UnauthorizedException", {"message": "Session token not found or invalid"}
        if query.get("account_id") != "123456789012" or query.get("role_name") != "toy-role" or not self.moto:
            return 403, "ForbiddenException", {"message": "No access"}
        import boto3
        sts = boto3.client("sts", endpoint_url=self.moto, region_name="us-east-1",
                           aws_access_key_id=self.source[0], aws_secret_access_key=self.source[1])
        c = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/toy-role",
                            RoleSessionName="sso-stub")["Credentials"]
        return 200, None, {"roleCredentials": {
            "accessKeyId": c["AccessKeyId"], "secretAccessKey": c["SecretAccessKey"],
            "sessionToken": c["SessionToken"], "expiration": int(c["Expiration"].timestamp() * 1000)}}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--start-url", required=True)
    parser.add_argument("--deny", action="store_true")
    parser.add_argument("--moto")
    parser.add_argument("--org", help="a JSON file of the accounts and roles the portal lists, read on every request")
    parser.add_argument("--source-key-id")
    parser.add_argument("--source-secret")
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    stub = Stub(args.start_url, args.deny, args.log, args.moto, (args.source_key_id, args.source_secret))
    stub.org = args.org

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def respond(self, status, error_type, answer):
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            if error_type:
                self.send_header("x-amzn-ErrorType", error_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(url.query))
            bearer = self.headers.get("x-amz-sso_bearer_token")
            if url.path == "/authorize":
                location = stub.authorize(query)
                with open(args.log, "a") as f:
                    f.write(json.dumps({"path": url.path, "query": query, "status": 302 if location else 400}) + "\n")
                if location:
                    self.send_response(302)
                    self.send_header("Location", location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self.respond(400, "InvalidRequestException", {"error": "invalid_request"})
                return
            if url.path == "/federation/credentials":
                status, error_type, answer = stub.role_credentials(query, bearer)
            elif url.path in ("/assignment/accounts", "/assignment/roles") and args.org:
                status, error_type, answer = stub.listing(url.path, query, bearer)
            else:
                status, error_type, answer = 404, "NotFound", {"message": "not found"}
            with open(args.log, "a") as f:
                f.write(json.dumps({"path": url.path, "query": query, "bearer": bearer, "status": status, "error": error_type}) + "\n")
            self.respond(status, error_type, answer)

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                body = {}
            status, error_type, answer = stub.answer(self.path, body)
            with open(args.log, "a") as f:
                f.write(json.dumps({"path": self.path, "body": body, "status": status, "error": error_type}) + "\n")
            self.respond(status, error_type, answer)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    sys.stdout.close()
    server.serve_forever()


if __name__ == "__main__":
    main()
