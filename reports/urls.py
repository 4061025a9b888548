from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("how-scores-are-computed/", views.how_scores, name="how-scores"),
    path("assessments/<int:pk>/gap-analysis/", views.gap_page, name="gap"),
    path("assessments/<int:pk>/reports/", views.request_report, name="request"),
    path("assessments/<int:pk>/reports/<int:job_pk>/", views.job_status, name="job"),
    path("assessments/<int:pk>/reports/<int:job_pk>/download/", views.job_download, name="download"),
]
