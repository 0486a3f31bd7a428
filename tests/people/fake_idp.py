"""A fake OpenID Connect provider for tests: discovery, token (RS256 id_token signed with a
key made here), JWKS and userinfo on 127.0.0.1 at a random port, in a thread. Set
``claims`` to say who the next person signing in is."""

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "klimapartner-test"
CLIENT_SECRET = "idp-client-secret-never-shown"
KEY_ID = "test-key"


class FakeIdP:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.claims: dict[str, Any] = {}
        self.token_requests: list[dict[str, list[str]]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def person(self, email: str, *, verified: bool = True, sub: str | None = None) -> None:
        self.claims = {"sub": sub or f"sub-{email}", "email": email, "email_verified": verified}

    def configuration(self) -> dict[str, Any]:
        return {
            "issuer": self.base,
            "authorization_endpoint": f"{self.base}/authorize",
            "token_endpoint": f"{self.base}/token",
            "userinfo_endpoint": f"{self.base}/userinfo",
            "jwks_uri": f"{self.base}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
        }

    def id_token(self) -> str:
        now = int(time.time())
        payload = {"iss": self.base, "aud": CLIENT_ID, "iat": now, "exp": now + 300}
        return jwt.encode(
            {**payload, **self.claims}, self.key, algorithm="RS256", headers={"kid": KEY_ID}
        )

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": KEY_ID, "use": "sig", "alg": "RS256"}]}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, body: Any, status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                if path == "/.well-known/openid-configuration":
                    self._json(idp.configuration())
                elif path == "/jwks":
                    self._json(idp.jwks())
                elif path == "/userinfo":
                    if self.headers.get("Authorization") != "Bearer access-token":
                        self._json({"error": "invalid_token"}, 401)
                    else:
                        self._json(idp.claims)
                else:
                    self._json({"error": "not_found"}, 404)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                idp.token_requests.append(form)
                if urlsplit(self.path).path != "/token":
                    self._json({"error": "not_found"}, 404)
                elif form.get("client_id") != [CLIENT_ID] or form.get("client_secret") != [
                    CLIENT_SECRET
                ]:
                    self._json({"error": "invalid_client"}, 401)
                else:
                    self._json(
                        {
                            "access_token": "access-token",
                            "token_type": "Bearer",
                            "expires_in": 300,
                            "id_token": idp.id_token(),
                        }
                    )

        return Handler


@contextmanager
def running_idp() -> Iterator[FakeIdP]:
    idp = FakeIdP()
    thread = threading.Thread(target=idp.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield idp
    finally:
        idp.server.shutdown()
        idp.server.server_close()
