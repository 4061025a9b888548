from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path, register_converter
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from assessments.api import answers as answers_api
from assessments.api import assessments as assessments_api
from assessments.api import data as data_api
from assessments.api import evidence as evidence_api
from assessments.api import records as records_api
from assessments.api import review as review_api
from framework import api as framework_api
from portal import account, languages
from portal.converters import CodeConverter
from portal.tokens import ObtainToken
from reports import api as reports_api

# Before the includes below: their routes use <code:...>.
register_converter(CodeConverter, "code")
# The admin signs in on the portal's own page, so it gets the lockout and the second factor too.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]


def not_found(request: HttpRequest) -> HttpResponse:
    raise Http404("Not a page of this portal.")


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


router = SimpleRouter()
router.register("frameworks", framework_api.FrameworkViewSet, basename="framework")
router.register(r"frameworks/(?P<fw>[-a-z0-9_]+)/pillars", framework_api.PillarViewSet, basename="pillar")
router.register(
    r"frameworks/(?P<fw>[-a-z0-9_]+)/requirements", framework_api.RequirementViewSet, basename="requirement"
)
router.register(r"frameworks/(?P<fw>[-a-z0-9_]+)/items", framework_api.ItemViewSet, basename="item")
router.register(
    r"frameworks/(?P<fw>[-a-z0-9_]+)/documents", framework_api.DocumentViewSet, basename="document"
)
A = r"assessments/(?P<assessment_pk>[0-9]+)"
router.register("assessments", assessments_api.AssessmentViewSet, basename="assessment")
router.register(f"{A}/answers", answers_api.AnswerViewSet, basename="answer")
router.register(f"{A}/data", data_api.OperationalDataViewSet, basename="data")
router.register(f"{A}/evidence", evidence_api.EvidenceViewSet, basename="evidence")
router.register(f"{A}/national-measures", records_api.NationalMeasureViewSet, basename="national-measure")
router.register(f"{A}/ta-needs", records_api.TechnicalAssistanceNeedViewSet, basename="ta-need")
router.register(f"{A}/findings", review_api.FindingViewSet, basename="finding")
# The gap analysis and report requests at /assessments/<id>/gap-analysis/ and /assessments/<id>/reports/.
router.register("assessments", reports_api.AssessmentReportViewSet, basename="report")
router.register("report-jobs", reports_api.ReportJobViewSet, basename="report-job")

api_v1 = [
    path("auth/token/", ObtainToken.as_view(), name="token"),
    path("secretariat/", reports_api.secretariat_data, name="secretariat"),
    *router.urls,
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="framework:index", permanent=False), name="home"),
    path("framework/", include("framework.urls")),
    path("", include("reports.urls")),  # /reports/..., and the secretariat and exports under /assessments/
    path("assessments/", include("assessments.urls")),
    # People do not manage their own addresses: the address is the one their invitation went to.
    path("accounts/email/", not_found, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("account/", account.account_page, name="account"),
    path("account/tokens/<str:digest>/revoke/", account.token_revoke, name="token-revoke"),
    path("audit/", include("audit.urls")),
    path("api/v1/", include((api_v1, "api"))),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", languages.set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("healthz", healthz, name="healthz"),
]

handler403 = "portal.errors.forbidden"
handler404 = "portal.errors.not_found"
handler500 = "portal.errors.server_error"
