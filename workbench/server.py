"""The web server: the Streamlit app (``workbench/app.py``) and the route that sets the
session cookie, which a page script cannot do because the cookie is HttpOnly.

Served by ``streamlit run workbench/server.py`` (``make run``, ``workbench serve``).

- ``POST /_wb/session?code=…`` exchanges the one-time code made at sign-in for the session
  token and sets it as an HttpOnly, SameSite=Strict cookie (Secure when the request came over
  HTTPS, directly or through a proxy on this machine that says so). The signed-in page calls
  it once in the background (``workbench.ui.core.session.hand_over_cookie``); it answers 204.

Signing out ends the session record; the cookie left in the browser names an ended session
and signs nobody in again.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from workbench.core import oidc, sessions
from workbench.core.sessions import SESSION_ROUTE

_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def _is_https(request: Request) -> bool:
    if request.url.scheme == "https":
        return True
    # A reverse proxy on this machine that ends TLS says so in X-Forwarded-Proto.
    client = request.client.host if request.client else ""
    return (client in _LOOPBACK
            and request.headers.get("x-forwarded-proto", "").lower() == "https")


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


async def establish(request: Request) -> Response:
    code = request.query_params.get("code", "")
    token = await run_in_threadpool(sessions.redeem_handoff, code)
    response = Response(status_code=204 if token is not None else 403)
    if token is not None:
        response.set_cookie(sessions.COOKIE_NAME, token, httponly=True, samesite="strict",
                            secure=_is_https(request), path="/")
    return _no_store(response)


ROUTES = [
    Route(SESSION_ROUTE, establish, methods=["POST"]),
]

# The office's identity provider, when configured, reaches Streamlit's own sign-in
# (``st.login``) as programmatic secrets, so no secrets file is needed.
app = st.App(str(Path(__file__).with_name("app.py")), routes=ROUTES,
             secrets=oidc.streamlit_secrets())
