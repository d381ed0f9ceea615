from django.urls import path

from percorsi.plans import documents, review_views, template_views, views

app_name = "plans"

P = "s/<slug:site>/plans/"

T = P + "templates/"

urlpatterns = [
    path(T, template_views.template_list, name="templates"),
    path(T + "new/", template_views.template_new, name="template_new"),
    path(T + "<int:template_id>/", template_views.template_detail, name="template_detail"),
    path(T + "<int:template_id>/phases/new/", template_views.template_phase, name="template_phase_add"),
    path(
        T + "<int:template_id>/phases/<int:phase_id>/", template_views.template_phase, name="template_phase"
    ),
    path(
        T + "<int:template_id>/phases/<int:phase_id>/remove/",
        template_views.template_phase_remove,
        name="template_phase_remove",
    ),
    path(
        T + "<int:template_id>/phases/<int:phase_id>/goals/new/",
        template_views.template_goal_add,
        name="template_goal_add",
    ),
    path(
        T + "<int:template_id>/goals/<int:goal_id>/remove/",
        template_views.template_goal_remove,
        name="template_goal_remove",
    ),
    path(P, views.plan_list, name="list"),
    path(P + "reminders/", views.notifications, name="notifications"),
    path(P + "reminders/read/", views.notifications_read, name="notifications_read"),
    path("s/<slug:site>/people/<int:pk>/plan/", views.person_plans, name="person_plans"),
    path("s/<slug:site>/people/<int:pk>/plan/new/", views.plan_start, name="start"),
    # Interventions (issue 4, item 5): the site's log, its export, and a person's entries.
    path(P + "interventions/", views.intervention_list, name="interventions"),
    path(P + "interventions/export/", views.interventions_export, name="interventions_export"),
    path("s/<slug:site>/people/<int:pk>/interventions/new/", views.intervention_add, name="intervention_add"),
    path(
        "s/<slug:site>/people/<int:pk>/interventions/<int:intervention_id>/",
        views.intervention_edit,
        name="intervention_edit",
    ),
    path(
        "s/<slug:site>/people/<int:pk>/interventions/<int:intervention_id>/remove/",
        views.intervention_remove,
        name="intervention_remove",
    ),
    path(P + "<int:plan_id>/", views.plan_detail, name="detail"),
    path(P + "<int:plan_id>/goals/new/", views.goal_add, name="goal_add"),
    path(P + "<int:plan_id>/goals/<int:goal_id>/", views.goal_edit, name="goal_edit"),
    path(P + "<int:plan_id>/phases/<int:phase_id>/", views.phase_edit, name="phase_edit"),
    path(P + "<int:plan_id>/close/", views.plan_close, name="close"),
    # Reviews with the person, the person's agreement and the autonomy matrix (issue 4, items 3, 4, 8).
    path(P + "<int:plan_id>/reviews/new/", review_views.review_add, name="review_add"),
    path(P + "<int:plan_id>/reviews/<int:review_id>/scan/", review_views.review_scan, name="review_scan"),
    path(P + "<int:plan_id>/agreement/", review_views.plan_agreement, name="agreement"),
    path(P + "<int:plan_id>/agreement/scan/", review_views.agreement_scan, name="agreement_scan"),
    path("s/<slug:site>/people/<int:pk>/autonomy/", review_views.person_matrix, name="matrix"),
    path("s/<slug:site>/people/<int:pk>/autonomy/new/", review_views.assessment_add, name="assessment_add"),
    # The plan document for the person (PDF), Italian beside their language: ?lang=en|fr|ar.
    path(P + "<int:plan_id>/document.pdf", documents.plan_document, name="plan_pdf"),
    # Appointments, tasks and "my work" (issue 4, item 6).
    path(P + "my-work/", views.my_work, name="my_work"),
    path(P + "calendar/", views.appointment_calendar, name="calendar"),
    path("s/<slug:site>/people/<int:pk>/appointments/new/", views.appointment_add, name="appointment_add"),
    path("s/<slug:site>/people/<int:pk>/walk-in/", views.walk_in, name="walk_in"),
    path(P + "appointments/<int:appointment_id>/", views.appointment_edit, name="appointment_edit"),
    path(
        P + "appointments/<int:appointment_id>/status/", views.appointment_status, name="appointment_status"
    ),
    path(P + "tasks/", views.task_list, name="tasks"),
    path(P + "tasks/new/", views.task_add, name="task_add"),
    path(P + "tasks/<int:task_id>/", views.task_edit, name="task_edit"),
    path(P + "tasks/<int:task_id>/done/", views.task_done, name="task_done"),
    path(P + "tasks/<int:task_id>/reopen/", views.task_reopen, name="task_reopen"),
]
