"""Who is looking at the dashboard: the login form, the session, single sign-on, and the gate of
`require_login`. The rules are `kpi.common.access`, the accounts `kpi.store.accounts`; this module only keeps the
identity of a browser session and lays out the forms.

A local login keeps the identity in `st.session_state[SESSION]` with the time it was last used; on each run
the account is read again from the store (a disabled account or a changed role takes effect at once) and a
session idle longer than `session_idle_minutes` ends. A single sign-on login (`st.login`, OpenID Connect,
configured in `.streamlit/secrets.toml`) is Streamlit's identity cookie; its email or groups are mapped to a
role by the store's `role_mappings`. The session id is a random token of this browser session; the client
address is `st.context.ip_address` (None on loopback; behind a reverse proxy it is the proxy's).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import streamlit as st

from kpi.common.access import ANONYMOUS, Channel, Identity, Permission, expired, may
from kpi.common.i18n import t
from kpi.common.settings import load_settings
from kpi.store import accounts as ac
from ui import data, state

SESSION = "_auth"  # {"identity": Identity, "last_seen": datetime} of a local login
SESSION_ID = "_auth_session_id"
NOTICE = "_auth_notice"  # a message for the next run (failed login, session expired)


def session_id() -> str:
    """Return the random id of this browser session (made on its first run)."""
    if SESSION_ID not in st.session_state:
        st.session_state[SESSION_ID] = secrets.token_urlsafe(12)
    return st.session_state[SESSION_ID]


def client_address() -> str | None:
    """Return the address of the visitor's connection, or None (loopback, or no connection as in tests)."""
    try:
        address = st.context.ip_address
    except (AttributeError, RuntimeError):
        return None
    return address[:64] if isinstance(address, str) else None  # AppTest hands back a mock


def _now() -> datetime:
    return datetime.now(UTC)


def sso_configured() -> bool:
    """Return True when `.streamlit/secrets.toml` configures single sign-on (an [auth] section)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all  # noqa: BLE001
        return False


def _sso_claims() -> dict | None:
    if not sso_configured():
        return None
    try:
        return st.user.to_dict() if st.user.is_logged_in else None
    except Exception:  # noqa: BLE001 — an unusable [auth] section: nobody is logged in through it
        return None


def identity() -> Identity:
    """Return who acts in this run: the local account or SSO identity, with session and address; anonymous
    when nobody is logged in (or the login expired, or the account was disabled since)."""
    store = data.get_store()
    here = (session_id(), client_address())
    claims = _sso_claims()
    if claims is not None:
        return ac.sso_identity(store, claims).at(*here)
    kept = st.session_state.get(SESSION)
    if not kept:
        return ANONYMOUS.at(*here)
    settings = load_settings()
    now = _now()
    if expired(kept["last_seen"], now, settings.session_idle_minutes):
        del st.session_state[SESSION]
        ac.record_logout(store, kept["identity"].at(*here), expired=True)
        st.session_state[NOTICE] = ("info", "auth.expired", {"minutes": f"{settings.session_idle_minutes:g}"})
        return ANONYMOUS.at(*here)
    current = ac.current_identity(store, kept["identity"])
    if current is None:
        del st.session_state[SESSION]
        return ANONYMOUS.at(*here)
    kept["last_seen"] = now
    return current.at(*here)


def allowed(permission: Permission) -> bool:
    """Return True when the identity of this run may do `permission` (the store checks again on writing)."""
    return may(identity().role, permission, require_login=load_settings().require_login)


def _submit(prefix: str) -> None:
    """Check the name and password typed (the login form's callback); keep the identity or say why not."""
    store = data.get_store()
    name = st.session_state.get(prefix + "name", "")
    password = st.session_state.get(prefix + "password", "")
    st.session_state[prefix + "password"] = ""  # never kept in the session
    result = ac.login(
        store, name, password, load_settings(), session_id=session_id(), client_address=client_address()
    )
    if result.ok:
        st.session_state[SESSION] = {"identity": result.identity, "last_seen": _now()}
        st.session_state.pop(NOTICE, None)
    else:
        st.session_state[NOTICE] = ("error", result.message(st.session_state.get("lang", "vi")), None)


def login_form(prefix: str, lang: str) -> None:
    """Lay out the login form: account name, password (Enter submits), the button "Đăng nhập"; then the
    message of the last try; and the single sign-on button when it is configured."""
    with st.form(prefix + "form", enter_to_submit=True):
        st.text_input(t("auth.name", lang), key=prefix + "name", max_chars=ac.MAX_RECORDED_NAME)
        st.text_input(t("auth.password", lang), type="password", key=prefix + "password", max_chars=1024)
        st.form_submit_button(
            t("auth.submit", lang), on_click=_submit, args=(prefix,), icon=":material/login:"
        )
    _notice()
    if sso_configured() and st.button(t("auth.sso", lang), key=prefix + "sso", icon=":material/badge:"):
        st.login()


def _notice() -> None:
    notice = st.session_state.pop(NOTICE, None)
    if notice is None:
        return
    kind, text, params = notice
    message = t(text, st.session_state.get("lang", "vi"), **params) if params is not None else text
    (st.error if kind == "error" else st.info)(message)


def logout() -> None:
    """End the session (the "Đăng xuất" button's callback), recorded as an event."""
    kept = st.session_state.pop(SESSION, None)
    store = data.get_store()
    if kept:
        ac.record_logout(store, kept["identity"].at(session_id(), client_address()))


def sidebar(lang: str) -> Identity:
    """Draw who is logged in and "Đăng xuất", or the login form, in the sidebar (not in presentation mode,
    which hides the sidebar); return the identity."""
    who = identity()
    if state.present():
        return who
    with st.sidebar:
        st.divider()
        if who.anonymous and who.account is None:
            st.markdown(f"**{t('auth.title', lang)}**")
            login_form("auth_sidebar_", lang)
        elif who.anonymous:  # an SSO identity that maps to no role
            st.text(t("auth.sso_no_role", lang, name=who.account))  # names are shown as text, never Markdown
            if st.button(t("auth.logout", lang), key="auth_logout", icon=":material/logout:"):
                st.logout()
        else:
            role = t(f"auth.role.{who.role.value}", lang)
            st.text(t("auth.logged_in", lang, name=who.name, role=role))
            if who.channel == Channel.SSO:
                if st.button(t("auth.logout", lang), key="auth_logout", icon=":material/logout:"):
                    st.logout()
            else:
                st.button(
                    t("auth.logout", lang), on_click=logout, key="auth_logout", icon=":material/logout:"
                )
    return who


def gate(lang: str) -> bool:
    """Return True when this visitor may see the dashboard; otherwise lay out only the login form
    (`require_login` is set and nobody is logged in)."""
    if not load_settings().require_login or not identity().anonymous:
        return True
    st.title(t("app_title", lang))
    if not ac.has_accounts(data.get_store()):
        st.info(t("auth.no_account", lang), icon=":material/person_add:")
        return False
    st.info(t("auth.required", lang))
    login_form("auth_gate_", lang)
    return False


def read_only_notice(lang: str) -> None:
    """Say, where an upload would be, why there is none: how to make the first admin when the store has no
    account; otherwise that only analysts and admins write (with the login form for anonymous visitors)."""
    if not ac.has_accounts(data.get_store()):
        st.info(t("auth.no_account", lang), icon=":material/person_add:")
        return
    st.info(t("auth.read_only", lang), icon=":material/lock:")
    if identity().anonymous:
        login_form("auth_page_", lang)
