from django.urls import path

from percorsi.jobs import cv_views, views

app_name = "jobs"

P = "s/<slug:site>/jobs/"

urlpatterns = [
    path(P, views.desk, name="home"),
    # --- occupations (picker) ---
    # --- training catalogue and enrolments ---
    # --- qualifications and recognition ---
    # --- CVs ---
    path(P + "people/<int:pk>/cv/", cv_views.cv_detail, name="cv"),
    path(P + "people/<int:pk>/cv/edit/", cv_views.cv_edit, name="cv_edit"),
    path(P + "people/<int:pk>/cv/import/", cv_views.cv_import, name="cv_import"),
    path(P + "people/<int:pk>/cv/download/<slug:kind>/", cv_views.cv_download, name="cv_download"),
    # --- employers, job offers, matching, applications, placements ---
    path(P + "offers/", views.offer_list, name="offers"),
    path(P + "offers/new/", views.offer_new, name="offer_new"),
    path(P + "offers/<int:offer_id>/", views.offer_detail, name="offer"),
    path(P + "offers/<int:offer_id>/edit/", views.offer_edit, name="offer_edit"),
    path(P + "offers/<int:offer_id>/status/", views.offer_status, name="offer_status"),
    path(P + "offers/<int:offer_id>/propose/<int:pk>/", views.offer_propose, name="offer_propose"),
    path(P + "employers/", views.employer_list, name="employers"),
    path(P + "employers/<int:employer_id>/", views.employer_detail, name="employer"),
    path(P + "people/<int:pk>/", views.person_work, name="person"),
    path(P + "people/<int:pk>/applications/new/", views.application_new, name="application_new"),
    path(P + "people/<int:pk>/placements/new/", views.placement_new, name="placement_new"),
    path(P + "applications/<int:application_id>/", views.application_detail, name="application"),
    path(P + "placements/<int:placement_id>/", views.placement_edit, name="placement_edit"),
    path(P + "trades/", views.trades, name="trades"),
]
