from django.urls import path, register_converter

from . import views


class CodeConverter:
    """A catalogue code such as 1.4 or 1.4.IM3."""

    regex = r"[0-9]+(?:\.[0-9]+)(?:\.[A-Z]{1,2}[0-9]+)?"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CodeConverter, "code")

app_name = "framework"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:fw>/", views.overview, name="overview"),
    path("<slug:fw>/pillars/<int:number>/", views.pillar_detail, name="pillar"),
    path("<slug:fw>/requirements/<code:code>/", views.requirement_detail, name="requirement"),
    path("<slug:fw>/items/<code:code>/", views.item_detail, name="item"),
    path("<slug:fw>/resources/", views.library, name="library"),
    path("<slug:fw>/search/", views.search, name="search"),
]
