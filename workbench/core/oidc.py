"""Sign-in through the office's identity provider (OpenID Connect), beside the built-in
accounts.

Streamlit's own sign-in (``st.login``) talks to the provider and keeps the verified ID-token
claims in ``st.user``; this module turns those claims into a workbench account: the provider's
issuer and subject name one account (created on first sign-in), whose role follows the
provider's groups through ``Settings.oidc_role_groups`` at every sign-in. An account disabled
here stays disabled whatever the provider says; a user in no mapped group is refused. The
session that follows is an ordinary server-side session (``workbench.core.sessions``).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from functools import lru_cache

from sqlalchemy import Engine, func, select

from models import Role, User, UserIdentity
from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.db import unit_of_work
from workbench.core.errors import AuthenticationFailed
from workbench.core.i18n import t
from workbench.core.settings import Settings, get_settings

#: The provider name Streamlit knows the office's provider by.
PROVIDER = "office"
#: Stored instead of a password hash: no password signs this account in.
NO_PASSWORD = "!oidc"


@lru_cache(maxsize=1)
def _process_cookie_secret() -> str:
    return secrets.token_urlsafe(32)


def streamlit_secrets(settings: Settings | None = None) -> dict | None:
    """The ``[auth]`` secrets Streamlit's ``st.login`` reads, or None when it is off."""
    settings = settings or get_settings()
    if not settings.oidc_enabled:
        return None
    return {"auth": {
        "redirect_uri": settings.oidc_redirect_uri,
        "cookie_secret": settings.oidc_cookie_secret or _process_cookie_secret(),
        PROVIDER: {
            "client_id": settings.oidc_client_id,
            "client_secret": settings.oidc_client_secret,
            "server_metadata_url": settings.oidc_metadata_url,
        },
    }}


def role_for(groups: object, settings: Settings) -> Role | None:
    """The role of the first mapped group the user is in, or None."""
    if isinstance(groups, str):
        groups = [groups]
    if not isinstance(groups, list | tuple):
        return None
    held = {str(g) for g in groups}
    for group, role in settings.oidc_role_groups.items():
        if group in held:
            try:
                return Role(role)
            except ValueError:
                continue
    return None


def _username_base(claims: Mapping) -> str:
    for key in ("preferred_username", "email", "sub"):
        value = str(claims.get(key) or "")
        if key == "email":
            value = value.split("@", 1)[0]
        cleaned = re.sub(r"[^a-z0-9._-]", "", value.lower())[:48]
        if cleaned:
            return cleaned
    return "user"


def _display_name(claims: Mapping) -> str:
    name = str(claims.get("name") or claims.get("email") or claims.get("sub") or "")
    return name.strip()[:120] or "—"


def sign_in_with_claims(claims: Mapping, *, engine: Engine | None = None,
                        settings: Settings | None = None) -> Actor:
    """The workbench account the provider's verified claims sign in as (created the first
    time), with the role its groups map to now. Refused, and audited, when no mapped group
    holds the user or the account has been disabled here."""
    settings = settings or get_settings()
    issuer = str(claims.get("iss") or "")[:255]
    subject = str(claims.get("sub") or "")[:255]
    role = role_for(claims.get(settings.oidc_groups_claim), settings)
    system = Actor.system("oidc")
    failure: AuthenticationFailed | None = None
    actor: Actor | None = None
    with unit_of_work(engine) as session:
        link = session.execute(select(UserIdentity).where(
            UserIdentity.issuer == issuer, UserIdentity.subject == subject)
        ).scalar_one_or_none()
        user = session.get(User, link.user_id) if link is not None else None
        if not issuer or not subject or role is None:
            audit.record(session, actor=Actor.of(user) if user else None,
                         username=None if user else f"oidc:{subject}"[:64],
                         action="auth.sign_in", outcome="failed",
                         details={"via": "oidc", "reason": "no mapped group"})
            failure = AuthenticationFailed(t("sign_in.oidc_no_role"))
        elif user is not None and not user.is_active:
            audit.record(session, actor=Actor.of(user), action="auth.sign_in",
                         outcome="failed", entity_type="user", entity_id=user.id,
                         details={"via": "oidc", "reason": "account disabled"})
            failure = AuthenticationFailed(t("sign_in.oidc_disabled"))
        else:
            if user is None:
                user = _create(session, claims, role, system)
                session.add(UserIdentity(issuer=issuer, subject=subject, user_id=user.id))
            elif user.role != role:
                audit.record(session, actor=system, action="user.update", entity_type="user",
                             entity_id=user.id,
                             details={"fields": ["role"], "via": "identity provider groups"})
                user.role = role
                user.version += 1
                user.updated_at = clock.now_utc()
            user.last_login_at = clock.now_utc()
            session.add(user)
            session.flush()
            actor = Actor.of(user)
            audit.record(session, actor=actor, action="auth.sign_in", entity_type="user",
                         entity_id=user.id, details={"via": "oidc"})
    if failure is not None:
        raise failure
    assert actor is not None
    return actor


def _create(session, claims: Mapping, role: Role, system: Actor) -> User:  # noqa: ANN001
    base = _username_base(claims)
    taken = set(session.execute(select(User.username).where(
        func.lower(User.username).like(f"{base}%"))).scalars())
    username, n = base, 1
    while username in taken:
        n += 1
        username = f"{base}-{n}"
    user = User(username=username, display_name=_display_name(claims), role=role,
                password_hash=NO_PASSWORD)
    session.add(user)
    session.flush()
    audit.record(session, actor=system, action="user.create", entity_type="user",
                 entity_id=user.id, details={"role": str(role), "via": "identity provider"})
    return user
