"""The error pages, in the site's layout: header, navigation and a way back.

A 404 for another country's object and for a missing one must be the same page, byte for byte
once the CSRF token and the CSP nonce are masked: nothing on it may depend on the address asked
for, so the layout's links that carry the current address (language, sign-in) point home here.
A 500 is rendered without the request's context: whatever failed (the database, a context
processor) must not fail the error page too.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", {"error_page": True, "nav": ""}, status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"error_page": True, "nav": ""}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponseServerError(loader.get_template("500.html").render({}))
