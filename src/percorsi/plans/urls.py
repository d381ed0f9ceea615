from django.urls import path

from percorsi.plans import views

app_name = "plans"

P = "s/<slug:site>/plans/"

urlpatterns = [
    path(P, views.plan_list, name="list"),
    path("s/<slug:site>/people/<int:pk>/plan/", views.person_plans, name="person_plans"),
    path("s/<slug:site>/people/<int:pk>/plan/new/", views.plan_start, name="start"),
    path(P + "<int:plan_id>/", views.plan_detail, name="detail"),
    path(P + "<int:plan_id>/goals/new/", views.goal_add, name="goal_add"),
    path(P + "<int:plan_id>/goals/<int:goal_id>/", views.goal_edit, name="goal_edit"),
    path(P + "<int:plan_id>/phases/<int:phase_id>/", views.phase_edit, name="phase_edit"),
    path(P + "<int:plan_id>/close/", views.plan_close, name="close"),
]
