from django.urls import path

from naptrack.portal import views

urlpatterns = [
    path("search/", views.search, name="search"),
    path("plans/<slug:slug>/search/", views.search, name="plan-search"),
    path("plans/<slug:slug>/compare/", views.compare, name="compare"),
    path("plans/<slug:slug>/countries/<str:code>/", views.country_detail, name="country-detail"),
    path("open-data/", views.open_data, name="open-data"),
    path("open-data/dictionary/", views.open_data_dictionary, name="open-data-dictionary"),
    path("open-data/dictionary.csv", views.open_data_dictionary_csv, name="open-data-dictionary-csv"),
    path("open-data/licence/", views.open_data_licence, name="open-data-licence"),
    path("open-data/<slug:slug>.zip", views.open_data_zip, name="open-data-zip"),
    path("open-data/<slug:slug>/<str:stem>.<str:fmt>", views.open_data_round, name="open-data-round"),
]
