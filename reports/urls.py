from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("how-scores-are-computed/", views.how_scores, name="how-scores"),
    path("assessments/<int:pk>/gap-analysis/", views.gap_page, name="gap"),
]
