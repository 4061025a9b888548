from django.urls import path

from . import views

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
