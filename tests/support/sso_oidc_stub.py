#!/usr/bin/env python3
"""A loopback stub of the IAM Identity Center OIDC service (sso-oidc),
which moto lacks, in its documented restJson1 shape: RegisterClient
(POST /client/register, public clients only), StartDeviceAuthorization
(POST /device_authorization, for a registered client with its secret and
the configured start URL) and CreateToken (POST /token, the device-code
grant: `authorization_pending` on the first poll, `slow_down` on the
second, then the token, or `access_denied` with --deny). Errors carry
`x-amzn-ErrorType` and the OAuth `error` field as the service sends them.

Every request is appended to --log as a JSON line; prints its port.
"""
import argparse
import json
import secrets
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


class Stub:
    def __init__(self, start_url, deny, log):
        self.start_url = start_url
        self.deny = deny
        self.log = log
        self.clients = {}   # id -> {"secret", "scopes"}
        self.devices = {}   # device code -> {"client", "polls"}

    def answer(self, path, body):
        if path == "/client/register":
            if body.get("clientType") != "public" or not body.get("clientName"):
                return 400, "InvalidClientMetadataException", {"error": "invalid_client_metadata"}
            n = len(self.clients)
            client = {"id": f"stub-client-{n}", "secret": secrets.token_hex(16), "scopes": body.get("scopes") or []}
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
            token = {"accessToken": "stub-access-" + secrets.token_hex(16), "tokenType": "Bearer", "expiresIn": 28800}
            if client["scopes"]:
                token["refreshToken"] = "stub-refresh-" + secrets.token_hex(16)
            return 200, None, token
        return 404, "NotFound", {"error": "not_found"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--start-url", required=True)
    parser.add_argument("--deny", action="store_true")
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    stub = Stub(args.start_url, args.deny, args.log)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                body = {}
            status, error_type, answer = stub.answer(self.path, body)
            with open(args.log, "a") as f:
                f.write(json.dumps({"path": self.path, "body": body, "status": status, "error": error_type}) + "\n")
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            if error_type:
                self.send_header("x-amzn-ErrorType", error_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    sys.stdout.close()
    server.serve_forever()


if __name__ == "__main__":
    main()
