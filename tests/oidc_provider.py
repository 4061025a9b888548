"""The loopback OpenID Connect provider the single sign-on tests share (panva's oidc-provider,
tests/oidc/provider.mjs, run by Node.js): its people, the fixture that starts it and configures
the portal for it, and a way through its sign-in form without a browser.

Needs Node.js and `npm ci --prefix tests/oidc` (.ci/run does it); skipped on a laptop without
them, a failure in CI.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils.csp import CSP

from portal.settings import openid_connect_providers
from tests.conftest import require
from tests.reports.test_worker import free_port

OIDC_DIR = Path(settings.BASE_DIR) / "tests" / "oidc"
CLIENT_ID = "tip-portal"
CLIENT_SECRET = "loopback-test-secret"
PASSWORD = "correct horse battery staple"  # the factories' password
# The provider's people, by account id (what its sign-in form asks for).
ACCOUNTS = {
    "reviewer": {"email": "reviewer@unodc.example.org", "email_verified": True, "name": "Rita Reviewer"},
    "stranger": {"email": "stranger@unodc.example.org", "email_verified": True, "name": "Sam Stranger"},
    "unverified": {"email": "other-reviewer@unodc.example.org", "email_verified": False, "name": "Una"},
    # For invitations: the provider writes the address with capitals the invitation does not have.
    "invitee": {"email": "Ines.Invitee@Gov.example", "email_verified": True, "name": "Ines Invitee"},
    "invitee-unverified": {"email": "uma@gov.example", "email_verified": False, "name": "Uma"},
}


@pytest.fixture
def provider(live_url: str, settings: Any, tmp_path: Path) -> Iterator[str]:
    """The loopback provider, with the live server's callback as its client's redirect URI, and
    the portal configured for it (allauth reads SOCIALACCOUNT_PROVIDERS at each request). The
    live server is on "localhost" and the provider on 127.0.0.1: the same names throughout, so
    the portal's state and the provider's cookies never cross."""
    node = shutil.which("node")
    require(node is not None, "Node.js is not installed (needed for the loopback OpenID Connect provider)")
    require(
        (OIDC_DIR / "node_modules" / "oidc-provider").is_dir(),
        "the loopback OpenID Connect provider is not installed: run npm ci --prefix tests/oidc",
    )
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_REDIRECT_URI": f"{live_url}/accounts/oidc/unodc/login/callback/",
        "OIDC_ACCOUNTS": json.dumps(ACCOUNTS),
    }
    log = tmp_path / "provider.log"
    with log.open("wb") as output:
        proc = subprocess.Popen(
            [str(node), "provider.mjs"], cwd=OIDC_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        wait_for(f"{issuer}/.well-known/openid-configuration", proc, log)
        settings.SOCIALACCOUNT_PROVIDERS = openid_connect_providers(
            server_url=issuer, client_id=CLIENT_ID, secret=CLIENT_SECRET, name="UNODC"
        )
        # As settings.py does for OIDC_SERVER_URL: the SSO button's redirect may lead there.
        settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": [CSP.SELF, issuer]}
        yield issuer
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def wait_for(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the loopback OpenID Connect provider stopped: {log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - loopback http
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"the loopback OpenID Connect provider did not answer at {url}: {log.read_text()}")


class _StopAtPortal(urllib.request.HTTPRedirectHandler):
    """Follows the provider's own redirects; a redirect back to the portal is left unfollowed."""

    def __init__(self, portal: str) -> None:
        self.portal = portal

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        if newurl.startswith(self.portal):
            return None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def through_provider(authorize_url: str, account: str, portal: str) -> str:
    """Sign in as ``account`` on the provider's form, starting from the authorization URL the
    portal redirected to, as a browser would; the portal's callback path (with its query) that
    the provider sends back to."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(CookieJar()), _StopAtPortal(portal)
    )
    try:
        with opener.open(authorize_url, timeout=10) as answer:  # the sign-in form
            action = re.search(r'<form[^>]*action="([^"]+)"', answer.read().decode()).group(1)  # type: ignore[union-attr]
            form_url = urllib.parse.urljoin(answer.geturl(), action)
        body = urllib.parse.urlencode({"prompt": "login", "login": account, "password": "any"}).encode()
        opener.open(form_url, data=body, timeout=10)
    except urllib.error.HTTPError as back:
        if back.code in (302, 303) and back.headers["Location"].startswith(portal):
            location = urllib.parse.urlsplit(back.headers["Location"])
            return f"{location.path}?{location.query}"
        raise
    pytest.fail("the provider did not send the person back to the portal")
