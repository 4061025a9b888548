from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/", views.assessment_create, name="create"),
    path("<int:pk>/", views.dashboard, name="dashboard"),
    path("<int:pk>/requirements/<code:code>/", views.requirement_page, name="requirement"),
    path("<int:pk>/requirements/<code:code>/measures/", views.measure_add, name="measure-add"),
    path("<int:pk>/requirements/<code:code>/ta-needs/", views.ta_need_add, name="ta-need-add"),
    path("<int:pk>/measures/<int:record_pk>/", views.measure_edit, name="measure-edit"),
    path("<int:pk>/ta-needs/<int:record_pk>/", views.ta_need_edit, name="ta-need-edit"),
    path("<int:pk>/answers/<int:answer_pk>/", views.answer_save, name="answer"),
    path("<int:pk>/answers/<int:answer_pk>/evidence/", views.answer_evidence, name="answer-evidence"),
    path("<int:pk>/answers/<int:answer_pk>/history/", views.answer_history, name="answer-history"),
    path("<int:pk>/data/<code:code>/", views.data_save, name="data"),
    path("<int:pk>/data/<int:data_pk>/breakdowns/", views.breakdown_save, name="breakdowns"),
    path("<int:pk>/evidence/", views.evidence_library, name="evidence"),
    path("<int:pk>/evidence/<int:evidence_pk>/download/", views.evidence_download, name="evidence-download"),
    path("<int:pk>/evidence/<int:evidence_pk>/delete/", views.evidence_delete, name="evidence-delete"),
    path("<int:pk>/steps/<str:action>/", views.transition, name="transition"),
    path("<int:pk>/requirements/<code:code>/findings/", views.finding_add, name="finding-add"),
    path("<int:pk>/findings/<int:finding_pk>/replies/", views.finding_reply, name="finding-reply"),
    path("<int:pk>/findings/<int:finding_pk>/status/", views.finding_status, name="finding-status"),
    path("teams/<str:code>/", views.team, name="team"),
]
