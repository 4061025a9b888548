"""Writes to assessments. Every one is a keyword-only function that owns its transaction.

Views, API views, admin actions and commands call these; permissions are checked by the caller
through ``access``, state rules and validation here. A stale version raises ``Conflict`` carrying
the current row, so nothing is ever overwritten silently.

One topic, one module; this package only names them, so ``services.save_answer`` reads as before:

- ``assessments``: starting an assessment, and ``require_editable`` (the state rule)
- ``answers``: answers and the evidence they cite
- ``data``: operational data and breakdowns
- ``evidence``: the evidence library; ``filetypes``: what an upload really is (pure)
- ``records``: national measures and technical-assistance needs
- ``teams``: members and roles
- ``invitations``: inviting people to a team, and accepting by the e-mail's link
- ``review``: workflow steps (the table is ``assessments.workflow``), findings and replies
"""

from ..exceptions import Conflict, ReadOnly, StateError
from .answers import (
    ANSWER_FIELDS,
    LEGAL_REFERENCE_LIMITS,
    clean_legal_references,
    confirm_carried_over,
    save_answer,
    set_answer_evidence,
)
from .assessments import PREFILL_REFUSED, create_assessment, require_editable
from .data import DATA_FIELDS, save_data, set_breakdowns
from .evidence import add_file_evidence, add_link_evidence, delete_evidence
from .filetypes import ALLOWED_TYPES, sniff
from .invitations import (
    InvitationRefused,
    accept,
    accept_by_sso,
    find,
    find_by_digest,
    invite,
    landing,
    resend,
    revoke,
)
from .records import delete_national_measure, delete_ta_need, save_national_measure, save_ta_need
from .review import add_finding, reply_to_finding, set_finding_status, transition
from .teams import change_member_role, remove_member

__all__ = [
    "ALLOWED_TYPES",
    "ANSWER_FIELDS",
    "DATA_FIELDS",
    "LEGAL_REFERENCE_LIMITS",
    "PREFILL_REFUSED",
    "Conflict",
    "InvitationRefused",
    "ReadOnly",
    "StateError",
    "accept",
    "accept_by_sso",
    "add_file_evidence",
    "add_finding",
    "add_link_evidence",
    "change_member_role",
    "clean_legal_references",
    "confirm_carried_over",
    "create_assessment",
    "delete_evidence",
    "delete_national_measure",
    "delete_ta_need",
    "find",
    "find_by_digest",
    "invite",
    "landing",
    "remove_member",
    "reply_to_finding",
    "require_editable",
    "resend",
    "revoke",
    "save_answer",
    "save_data",
    "save_national_measure",
    "save_ta_need",
    "set_answer_evidence",
    "set_breakdowns",
    "set_finding_status",
    "sniff",
    "transition",
]
