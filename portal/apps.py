from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The project package as an app: people's profiles and API tokens, and the wiring that must
    exist before the first request."""

    name = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added, authenticator_removed
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_save

        from . import schema  # noqa: F401 - registers the API documentation's token scheme
        from .accounts import forget_enrolment, vouch_for_enrolment
        from .languages import adopt_profile_language
        from .receivers import end_access_of_deactivated, make_profile
        from .sessions import mark_signed_in

        user_logged_in.connect(mark_signed_in, dispatch_uid="portal.sessions.mark_signed_in")
        user_logged_in.connect(adopt_profile_language, dispatch_uid="portal.languages.adopt_profile_language")
        authenticator_removed.connect(forget_enrolment, dispatch_uid="portal.accounts.forget_enrolment")
        authenticator_added.connect(vouch_for_enrolment, dispatch_uid="portal.accounts.vouch_for_enrolment")
        user = get_user_model()
        post_save.connect(make_profile, sender=user, dispatch_uid="portal.receivers.make_profile")
        post_save.connect(
            end_access_of_deactivated, sender=user, dispatch_uid="portal.receivers.end_access_of_deactivated"
        )
