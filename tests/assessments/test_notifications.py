"""Notification e-mails: an outbox row written with the change, sent once, never lost to the broker."""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from assessments import notifications, services
from assessments.models import Notification
from portal.celery import app as celery_app
from tests.factories import CountryFactory, build_catalogue, make_reviewer, make_team
from tests.reports.test_worker import free_port, reset_pool

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    fw = build_catalogue(requirements=1, per_column=1)
    country = CountryFactory(code="XNA", name="Noticeland")
    team = make_team(country, "n")
    a = services.create_assessment(country=country, cycle=2026, framework=fw, by=team["coordinator"])
    return {"a": a, "team": team, "reviewer": make_reviewer()}


@pytest.fixture
def broker_down() -> Iterator[None]:
    """Celery publishes for real, to a Redis port where nothing listens."""
    before = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    celery_app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    celery_app.conf.task_always_eager = False
    reset_pool()
    yield
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = before
    reset_pool()


def submit(world: dict[str, Any]) -> None:
    services.transition(
        assessment_id=world["a"].pk, by=world["team"]["coordinator"], action="submit", confirm_open=True
    )


def test_the_notification_is_written_with_the_change_and_not_at_all_when_it_rolls_back(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                submit(world)
                assert Notification.objects.filter(kind="submitted").count() == 1  # same transaction
                raise RuntimeError("something later fails")
        except RuntimeError:
            pass
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        submit(world)
    notification = Notification.objects.get()
    assert (notification.kind, notification.state, notification.attempts) == ("submitted", "sent", 1)
    assert notification.published_at is not None and notification.sent_at is not None
    assert notification.emails_sent == len(mail.outbox) == 2  # the reviewer and the coordinator


def test_with_the_broker_down_the_step_succeeds_and_the_sweeper_sends_the_email_once_it_is_back(
    world: dict[str, Any], broker_down: None, django_capture_on_commit_callbacks: Any
) -> None:
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        submit(world)
    assert time.monotonic() - started < 15  # the user's step still answers
    world["a"].refresh_from_db()
    assert world["a"].state == "submitted"
    notification = Notification.objects.get()
    assert (notification.state, notification.published_at) == ("pending", None)
    assert notifications.sweep() == {
        "published": 0,
        "republished": 0,
    }  # too young: its publish may be under way
    Notification.objects.update(created_at=timezone.now() - notifications.UNPUBLISHED_AFTER * 2)
    assert notifications.sweep() == {"published": 0, "republished": 0}  # broker still down: stays pending
    assert Notification.objects.get().published_at is None

    celery_app.conf.task_always_eager = True  # the broker is back (eager: the worker runs here)
    reset_pool()
    assert notifications.sweep()["published"] == 1
    notification.refresh_from_db()
    assert notification.state == "sent"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world["team"]["coordinator"].email, world["reviewer"].email]
    )
    assert f"/assessments/{world['a'].pk}/" in mail.outbox[0].body
    assert notifications.sweep() == {"published": 0, "republished": 0}


def test_a_message_delivered_twice_sends_each_email_once(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        submit(world)
    notification = Notification.objects.get()
    assert notifications.send(notification_id=notification.pk) == 2
    assert notifications.send(notification_id=notification.pk) == 0  # redelivered: already sent
    assert len(mail.outbox) == 2


def test_a_finding_notification_names_the_requirement_and_goes_to_the_coordinator(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from assessments.models import Assessment

    a = world["a"]
    Assessment.objects.filter(pk=a.pk).update(state="in_review")
    with django_capture_on_commit_callbacks(execute=True):
        finding = services.add_finding(
            assessment=a,
            by=world["reviewer"],
            requirement=a.framework.requirements.get(code="1.1"),
            text="Why?",
        )
    assert Notification.objects.get().finding == finding
    assert [m.to for m in mail.outbox] == [[world["team"]["coordinator"].email]]
    assert reverse("assessments:requirement", args=[a.pk, "1.1"]) in mail.outbox[0].body
    assert "Why?" not in mail.outbox[0].body  # the e-mail says where to look, not what was written


def test_an_smtp_server_that_refuses_is_retried_then_the_email_is_marked_failed_with_the_reason(
    world: dict[str, Any], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    with django_capture_on_commit_callbacks(execute=False):
        submit(world)
    notification = Notification.objects.get()
    for attempt in range(1, notifications.MAX_ATTEMPTS):
        with pytest.raises(ConnectionRefusedError):  # raised: the task retries it with backoff
            notifications.send(notification_id=notification.pk)
        notification.refresh_from_db()
        assert (notification.state, notification.attempts) == ("pending", attempt)
        assert "ConnectionRefusedError" in notification.error
    assert notifications.send(notification_id=notification.pk) == 0  # the last attempt: no retry
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == ("failed", notifications.MAX_ATTEMPTS)
    assert notification.error.startswith("The e-mail could not be sent after 5 attempts. Last error: ")
    assert notification.sent_at is None
    assert notifications.send(notification_id=notification.pk) == 0  # a failed one is not sent again


def test_the_sweeper_publishes_again_a_notification_whose_message_was_lost(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        submit(world)
    long_ago = timezone.now() - notifications.LOST_AFTER - datetime.timedelta(minutes=1)
    Notification.objects.update(created_at=long_ago, published_at=long_ago)  # published, never run
    assert notifications.sweep() == {"published": 0, "republished": 1}
    assert Notification.objects.get().state == "sent"
    assert len(mail.outbox) == 2


def test_the_admin_lists_the_outbox_read_only(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any, admin_client: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        submit(world)
    notification = Notification.objects.get()
    page = admin_client.get(reverse("admin:assessments_notification_changelist"))
    assert page.status_code == 200
    assert "Assessment submitted" in page.content.decode()
    detail = admin_client.get(reverse("admin:assessments_notification_change", args=[notification.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()  # nothing to change
    assert admin_client.get(reverse("admin:assessments_notification_add")).status_code == 403


def test_each_recipient_reads_the_email_in_their_own_language(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    """A Spanish-speaking reviewer and a Russian-speaking coordinator, whoever submits."""
    from portal.models import Profile

    Profile.objects.filter(user=world["reviewer"]).update(language="es")
    Profile.objects.filter(user=world["team"]["coordinator"]).update(language="ru")
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        submit(world)
    by_address = {m.to[0]: m for m in mail.outbox}
    spanish = by_address[world["reviewer"].email]
    russian = by_address[world["team"]["coordinator"].email]
    with translation.override("es"):
        assert translation.gettext("assessment submitted") in spanish.subject
        assert translation.gettext("Open it here:") in spanish.body
    with translation.override("ru"):
        assert translation.gettext("assessment submitted") in russian.subject
        assert translation.gettext("Open it here:") in russian.body
    assert "submitted" not in f"{spanish.subject} {russian.subject}"  # no English left
    assert "Noticeland" in spanish.body and "Noticeland" in russian.body
