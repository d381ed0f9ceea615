from django.urls import path

from percorsi.jobs import cv_views, occupation_views, recognition_views, training_views, views

app_name = "jobs"

P = "s/<slug:site>/jobs/"

urlpatterns = [
    path(P, views.desk, name="home"),
    # --- occupations (picker) ---
    path(P + "occupations/", occupation_views.occupation_search, name="occupations"),
    # --- training catalogue and enrolments ---
    path(P + "training/", training_views.training_list, name="trainings"),
    path(P + "training/new/", training_views.training_new, name="training_new"),
    path(P + "training/<int:training_id>/", training_views.training_detail, name="training"),
    path(P + "training/<int:training_id>/edit/", training_views.training_edit, name="training_edit"),
    path(P + "training/people/<int:pk>/suggest/", training_views.training_suggest, name="training_suggest"),
    path(
        P + "training/enrolments/<int:enrolment_id>/",
        training_views.training_enrolment,
        name="training_enrolment",
    ),
    # --- qualifications and recognition ---
    path(
        P + "people/<int:pk>/qualifications/new/",
        recognition_views.qualification_new,
        name="qualification_new",
    ),
    path(
        P + "qualifications/<int:qualification_id>/",
        recognition_views.qualification_edit,
        name="qualification_edit",
    ),
    path(
        P + "qualifications/<int:qualification_id>/recognition/",
        recognition_views.recognition_new,
        name="recognition_new",
    ),
    path(P + "recognitions/", recognition_views.recognition_list, name="recognitions"),
    path(P + "recognitions/<int:procedure_id>/", recognition_views.recognition_detail, name="recognition"),
    path(
        P + "recognitions/<int:procedure_id>/edit/",
        recognition_views.recognition_edit,
        name="recognition_edit",
    ),
    path(
        P + "recognitions/<int:procedure_id>/outcome/",
        recognition_views.recognition_outcome,
        name="recognition_outcome",
    ),
    path(
        P + "recognitions/<int:procedure_id>/steps/new/",
        recognition_views.step_add,
        name="recognition_step_add",
    ),
    path(
        P + "recognitions/<int:procedure_id>/steps/<int:step_id>/",
        recognition_views.step_edit,
        name="recognition_step",
    ),
    path(
        P + "recognitions/<int:procedure_id>/steps/<int:step_id>/remove/",
        recognition_views.step_remove,
        name="recognition_step_remove",
    ),
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
