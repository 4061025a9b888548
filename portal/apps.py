from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The project package as an app, only for wiring that must exist before the first request."""

    name = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .sessions import mark_signed_in

        user_logged_in.connect(mark_signed_in, dispatch_uid="portal.sessions.mark_signed_in")
