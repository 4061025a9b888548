"""Writing the audit log: what an event holds, and that nobody changes or deletes one."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

import audit
from audit.models import AppendOnlyError, Event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _event() -> Event:
    return audit.record(Event.Action.SIGNED_IN, actor=UserFactory(username="ana@ministry.example"))


def test_an_event_takes_the_person_and_address_from_the_request() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.7")
    user: Any = UserFactory(username="ana@ministry.example")
    request.user = user
    event = audit.record(Event.Action.SPREADSHEET_EXPORTED, request=request, country="xaa", label="Matrix")
    event.refresh_from_db()
    assert (event.actor, event.actor_label, event.address) == (
        request.user,
        "ana@ministry.example",
        "192.0.2.7",
    )
    assert (event.country, event.target_label, event.get_action_display()) == (
        "XAA",
        "Matrix",
        "Spreadsheet exported",
    )


def test_an_object_is_named_by_its_kind_and_label() -> None:
    user: Any = UserFactory(username="ana@ministry.example")
    event = audit.record(Event.Action.MFA_RESET, target=user, label=user.email)
    assert (event.target_type, event.target_id, event.target_label) == (
        "auth.user",
        str(user.pk),
        "User: ana@ministry.example",
    )


def test_a_secret_is_never_recorded_and_long_facts_are_cut() -> None:
    with pytest.raises(ValueError, match="password"):
        audit.record(Event.Action.SIGN_IN_FAILED, password="hunter2")
    with pytest.raises(ValueError, match="token"):
        audit.record(Event.Action.TOKEN_CREATED, token="abc")
    event = audit.record(Event.Action.ADMIN_CHANGE, message="x" * 5000, region="europe\x00", label="a\x00b")
    assert len(event.details["message"]) == 300
    event.refresh_from_db()
    assert (event.details["region"], event.target_label) == ("europe", "a b")


def test_the_event_belongs_to_the_transaction_of_the_action() -> None:
    def action_that_fails() -> None:
        with transaction.atomic():
            _event()
            raise RuntimeError("the action failed")

    with pytest.raises(RuntimeError):
        action_that_fails()
    assert not Event.objects.exists()


def test_the_orm_refuses_to_change_or_delete_an_event() -> None:
    event = _event()
    event.action = Event.Action.SIGNED_OUT
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).update(action=Event.Action.SIGNED_OUT)
    with pytest.raises(AppendOnlyError):
        Event.objects.all().delete()
    assert Event.objects.get().action == Event.Action.SIGNED_IN


@pytest.mark.usefixtures("postgres")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_event SET action = 'signed_out'",
        "UPDATE audit_event SET actor_label = 'someone@else.example', actor_id = NULL",
        "DELETE FROM audit_event",
    ],
)
def test_postgresql_refuses_a_raw_update_or_delete(sql: str) -> None:
    _event()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    event_after = Event.objects.get()
    assert (event_after.action, event_after.actor_label) == (Event.Action.SIGNED_IN, "ana@ministry.example")


def test_deleting_an_account_keeps_its_events_with_the_email() -> None:
    """The one change the table allows (PostgreSQL's trigger too): the account's link set to nothing."""
    event = _event()
    assert event.actor is not None
    event.actor.delete()
    event = Event.objects.get()
    assert (event.actor, event.actor_label) == (None, "ana@ministry.example")
