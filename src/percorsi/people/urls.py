from django.urls import path

from percorsi.people import exports, views

app_name = "people"

P = "s/<slug:site>/people/"

urlpatterns = [
    path(P, views.person_list, name="list"),
    path(P + "new/", views.intake, name="intake"),
    path(P + "alerts/", views.alerts, name="alerts"),
    path(P + "export.csv", exports.people_export, name="export"),
    path(P + "deleted/", views.deleted_list, name="deleted"),
    path(P + "merges/", views.merge_list, name="merges"),
    path(P + "merges/<int:merge_id>/undo/", views.merge_undo, name="merge_undo"),
    path(P + "<int:pk>/merge/<int:other_pk>/", views.merge, name="merge"),
    path(P + "<int:pk>/", views.person_detail, name="detail"),
    path(P + "<int:pk>/edit/", views.person_edit, name="edit"),
    path(P + "<int:pk>/history/", views.person_history, name="history"),
    path(P + "<int:pk>/timeline/", views.person_timeline, name="timeline"),
    path(P + "<int:pk>/duplicates/", views.duplicates, name="duplicates"),
    path(P + "<int:pk>/duplicates/ask/", views.ask_coordinators, name="ask_coordinators"),
    path(P + "<int:pk>/status/", views.case_status, name="status"),
    path(P + "<int:pk>/transfer/", views.transfer, name="transfer"),
    path(P + "<int:pk>/delete/", views.person_delete, name="delete"),
    path(P + "<int:pk>/restore/", views.person_restore, name="restore"),
    path(P + "<int:pk>/languages/new/", views.language_add, name="language_add"),
    path(P + "<int:pk>/languages/<int:language_id>/remove/", views.language_remove, name="language_remove"),
    path(P + "<int:pk>/household/new/", views.household_add, name="household_add"),
    path(P + "<int:pk>/legal-status/new/", views.legal_status_add, name="legal_status_add"),
    path(
        P + "<int:pk>/legal-status/<int:status_id>/edit/", views.legal_status_edit, name="legal_status_edit"
    ),
    path(
        P + "<int:pk>/legal-status/<int:status_id>/remove/",
        views.legal_status_remove,
        name="legal_status_remove",
    ),
    path(P + "<int:pk>/documents/new/", views.document_add, name="document_add"),
    path(P + "<int:pk>/documents/<int:document_id>/edit/", views.document_edit, name="document_edit"),
    path(P + "<int:pk>/documents/<int:document_id>/remove/", views.document_remove, name="document_remove"),
    path(P + "<int:pk>/documents/<int:document_id>/scan/", views.document_scan, name="document_scan"),
    path(
        P + "<int:pk>/documents/<int:document_id>/replaced/", views.document_replace, name="document_replace"
    ),
    path(P + "<int:pk>/privacy/new/", views.privacy_notice_add, name="privacy_notice_add"),
    path(P + "<int:pk>/consents/<int:consent_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path(P + "<int:pk>/notes/new/", views.note_add, name="note_add"),
]
