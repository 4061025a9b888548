"""Smoke test of a running production deployment, over HTTP, as a browser behind a TLS proxy would.

Run by `.ci/run` against gunicorn with production settings (DEBUG off, PORTAL_HTTPS on, the
manifest static storage, a Celery worker on Redis), after the demo data is loaded:

    python tests/production_smoke.py http://127.0.0.1:8765 coordinator@demoland.example PASSWORD

Every request carries ``X-Forwarded-Proto: https``, as the proxy in front of the portal sets it.
It signs in, opens the main pages, fetches a hashed static asset, renders a PDF through the worker
and checks the security headers. Any failure exits non-zero with what was expected.
Not collected by pytest (its name does not start with ``test_``).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any


class SmokeFailure(AssertionError):
    pass


def post_form(browser: Any, path: str, fields: dict[str, str]) -> Any:
    """Post a form as a browser does: the page first, for its CSRF token."""
    page = browser.get(path)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    check(token is not None, f"the form at {path} has no CSRF token")
    assert token is not None
    return browser.request("POST", path, data={"csrfmiddlewaretoken": token.group(1), **fields})


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Reply:
    status: int
    headers: Any
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Browser:
    """Keeps cookies itself: the portal's cookies are Secure, and the proxy's hop is plain HTTP."""

    base: str
    cookies: dict[str, str] = field(default_factory=dict)
    opener: Any = field(default_factory=lambda: urllib.request.build_opener(NoRedirect()))

    @property
    def origin(self) -> str:
        return "https://" + urllib.parse.urlsplit(self.base).netloc

    def request(
        self,
        method: str,
        path: str,
        *,
        data: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        https: bool = True,
    ) -> Reply:
        all_headers = {"Accept-Language": "en", **(headers or {})}
        if https:
            all_headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        if method != "GET":
            all_headers.setdefault("Origin", self.origin)
            all_headers.setdefault("Referer", self.origin + path)
            if "csrftoken" in self.cookies:
                all_headers.setdefault("X-CSRFToken", self.cookies["csrftoken"])
        check(self.base.startswith(("http://", "https://")), "give the portal's address as http(s)://")
        req = urllib.request.Request(self.base + path, data=body, headers=all_headers, method=method)  # noqa: S310
        try:
            with self.opener.open(req, timeout=60) as response:
                reply = Reply(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            reply = Reply(error.code, error.headers, error.read())
        for header in reply.headers.get_all("Set-Cookie") or []:
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if https:
                    check("secure" in header.lower(), f"cookie {name} is not Secure: {header}")
                self.cookies[name] = morsel.value
        return reply

    def get(self, path: str, *, expect: int = 200, **kwargs: Any) -> Reply:
        reply = self.request("GET", path, **kwargs)
        check(reply.status == expect, f"GET {path}: {reply.status}, expected {expect}\n{reply.text[:2000]}")
        return reply


def smoke(base: str, username: str, password: str) -> list[str]:
    done: list[str] = []
    browser = Browser(base.rstrip("/"))

    check(browser.get("/healthz").text.strip() == "ok", "healthz does not answer ok")
    plain = browser.request("GET", "/framework/", https=False)
    check(plain.status == 301, f"plain HTTP is not redirected to HTTPS: {plain.status}")
    check(plain.headers["Location"].startswith("https://"), "the redirect does not lead to https://")
    done.append("health and the HTTPS redirect")

    index = browser.get("/framework/", expect=302)
    page = browser.get(urllib.parse.urlsplit(index.headers["Location"]).path)
    for header in ("Strict-Transport-Security", "Content-Security-Policy", "X-Content-Type-Options"):
        check(header in page.headers, f"{header} is missing on a page")
    css = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', page.text)
    check(css is not None, "pages do not link the hashed stylesheet")
    assert css is not None
    asset = browser.get(css.group(1))
    check(asset.headers.get_content_type() == "text/css", "the stylesheet is not served as CSS")
    check("immutable" in asset.headers.get("Cache-Control", ""), "a hashed asset is not cached as immutable")
    check(b".site-header" in asset.body or len(asset.body) > 1000, "the stylesheet looks empty")
    done.append(f"the catalogue and a hashed static asset ({css.group(1)})")

    signed_in = post_form(browser, "/accounts/login/", {"login": username, "password": password})
    check(
        signed_in.status == 302 and "/2fa/authenticate/" in signed_in.headers.get("Location", ""),
        f"signing in did not ask for the second factor: {signed_in.status}\n{signed_in.text[:1000]}",
    )
    # The demo's coordinator has a second factor: its current code, as the README tells a new user.
    code = subprocess.run(
        [sys.executable, "manage.py", "totp_code", username], capture_output=True, text=True, check=True
    ).stdout.strip()
    second = post_form(browser, "/accounts/2fa/authenticate/", {"code": code})
    check(second.status == 302, f"the second factor answered {second.status}\n{second.text[:1000]}")
    check("sessionid" in browser.cookies, "signing in set no session")
    done.append("sign-in")

    listing = browser.get("/assessments/")
    found = re.search(r'href="/assessments/(\d+)/"', listing.text)
    check(found is not None, "the assessment list shows no assessment")
    assert found is not None
    pk = found.group(1)
    dashboard = browser.get(f"/assessments/{pk}/")
    requirement = re.search(rf'href="(/assessments/{pk}/requirements/[^"]+/)"', dashboard.text)
    check(requirement is not None, "the dashboard links no requirement")
    assert requirement is not None
    browser.get(requirement.group(1))
    browser.get(f"/assessments/{pk}/evidence/")
    browser.get(f"/reports/assessments/{pk}/gap-analysis/")
    export = browser.get(f"/assessments/{pk}/export.xlsx")
    check(export.body[:2] == b"PK", "the spreadsheet export is not an XLSX file")
    api = json.loads(browser.get("/api/v1/assessments/").text)
    check(any(str(row["id"]) == pk for row in api["results"]), "the API does not list the assessment")
    done.append("assessment list, dashboard, requirement, evidence, gap analysis, XLSX export and the API")

    job = browser.request("POST", f"/api/v1/assessments/{pk}/reports/")
    check(job.status in (200, 202), f"requesting a report answered {job.status}\n{job.text[:1000]}")
    url = json.loads(job.text)["url"]
    deadline = time.monotonic() + 240
    state: dict[str, Any] = {}
    while time.monotonic() < deadline:
        state = json.loads(browser.get(url).text)
        if state["state"] in ("done", "failed"):
            break
        time.sleep(1)
    check(state.get("state") == "done", f"the report job did not finish: {state}")
    pdf = browser.get(state["download"])
    check(pdf.body.startswith(b"%PDF-"), "the download is not a PDF")
    check(pdf.headers.get_content_type() == "application/pdf", "the PDF is not served as application/pdf")
    done.append(f"a PDF rendered by the worker ({state['pages']} pages, {len(pdf.body):,} bytes)")
    return done


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        done = smoke(argv[1], argv[2], argv[3])
    except SmokeFailure as failure:
        print(f"production smoke test FAILED: {failure}", file=sys.stderr)
        return 1
    for line in done:
        print(f"ok  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
