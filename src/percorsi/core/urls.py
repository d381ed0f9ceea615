from django.urls import path

from percorsi.core import views

app_name = "core"

urlpatterns = [
    path("", views.start, name="start"),
    path("healthz", views.healthz, name="healthz"),
    path("sites/", views.site_picker, name="site_picker"),
    path("s/<slug:site>/", views.home, name="home"),
    path("s/<slug:site>/staff/", views.staff_list, name="staff_list"),
    path("s/<slug:site>/staff/new/", views.staff_new, name="staff_new"),
    path("s/<slug:site>/staff/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("s/<slug:site>/staff/<int:pk>/history/", views.staff_history, name="staff_history"),
    path("s/<slug:site>/settings/", views.site_settings, name="site_settings"),
    path("s/<slug:site>/settings/history/", views.site_history, name="site_history"),
    path("s/<slug:site>/audit/", views.audit_log, name="audit_log"),
]
