from django.urls import path

from .views import (
    answers,
    countries,
    data,
    evidence,
    history,
    invitation_sso,
    invitations,
    records,
    review,
    teams,
)
from .views import assessments as assessment_views

app_name = "assessments"
urlpatterns = [
    path("", assessment_views.assessment_list, name="list"),
    path("new/", assessment_views.assessment_create, name="create"),
    path("<int:pk>/", assessment_views.dashboard, name="dashboard"),
    path("<int:pk>/requirements/<code:code>/", answers.requirement_page, name="requirement"),
    path("<int:pk>/requirements/<code:code>/measures/", records.measure_add, name="measure-add"),
    path("<int:pk>/requirements/<code:code>/ta-needs/", records.ta_need_add, name="ta-need-add"),
    path("<int:pk>/requirements/<code:code>/confirm/", answers.confirm_carried, name="confirm-carried"),
    path("<int:pk>/measures/<int:record_pk>/", records.measure_edit, name="measure-edit"),
    path("<int:pk>/ta-needs/<int:record_pk>/", records.ta_need_edit, name="ta-need-edit"),
    path("<int:pk>/answers/<int:answer_pk>/", answers.answer_save, name="answer"),
    path("<int:pk>/answers/<int:answer_pk>/evidence/", answers.answer_evidence, name="answer-evidence"),
    path("<int:pk>/answers/<int:answer_pk>/history/", answers.answer_history, name="answer-history"),
    path("<int:pk>/data/<code:code>/", data.data_save, name="data"),
    path("<int:pk>/data/<int:data_pk>/breakdowns/", data.breakdown_save, name="breakdowns"),
    path("<int:pk>/evidence/", evidence.evidence_library, name="evidence"),
    path(
        "<int:pk>/evidence/<int:evidence_pk>/download/", evidence.evidence_download, name="evidence-download"
    ),
    path("<int:pk>/evidence/<int:evidence_pk>/delete/", evidence.evidence_delete, name="evidence-delete"),
    path("<int:pk>/history/<str:kind>/<int:record_pk>/", history.record_history, name="record-history"),
    path("<int:pk>/steps/<str:action>/", review.transition, name="transition"),
    path("<int:pk>/requirements/<code:code>/findings/", review.finding_add, name="finding-add"),
    path("<int:pk>/findings/<int:finding_pk>/replies/", review.finding_reply, name="finding-reply"),
    path("<int:pk>/findings/<int:finding_pk>/status/", review.finding_status, name="finding-status"),
    path("teams/<str:code>/", teams.team, name="team"),
    path("teams/<str:code>/activity/", teams.team_activity, name="team-activity"),
    path("countries/", countries.country_list, name="countries"),
    path("countries/<str:code>/invite/", countries.country_invite, name="country-invite"),
    path("invitations/<str:token>/", invitations.invitation, name="invitation"),
    path("invitations/<str:token>/sso/", invitation_sso.join_with_sso, name="invitation-sso"),
]
