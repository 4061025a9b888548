from django.urls import path

from . import views

# Included at the site root: the read-side pages live under /reports/, and the secretariat and the
# spreadsheet exports keep their addresses under /assessments/.
app_name = "reports"
urlpatterns = [
    path("reports/how-scores-are-computed/", views.how_scores, name="how-scores"),
    path("reports/assessments/<int:pk>/gap-analysis/", views.gap_page, name="gap"),
    path("reports/assessments/<int:pk>/reports/", views.request_report, name="request"),
    path("reports/assessments/<int:pk>/reports/<int:job_pk>/", views.job_status, name="job"),
    path("reports/assessments/<int:pk>/reports/<int:job_pk>/download/", views.job_download, name="download"),
    path("assessments/secretariat/", views.secretariat, name="secretariat"),
    path("assessments/secretariat/matrix.xlsx", views.secretariat_export, name="secretariat-export"),
    path("assessments/<int:pk>/export.xlsx", views.assessment_export, name="export"),
]
