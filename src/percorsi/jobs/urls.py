from django.urls import path

from percorsi.jobs import views

app_name = "jobs"

P = "s/<slug:site>/jobs/"

urlpatterns = [
    path(P, views.desk, name="home"),
    # --- occupations (picker) ---
    # --- training catalogue and enrolments ---
    # --- qualifications and recognition ---
    # --- CVs ---
    # --- employers, job offers, matching, applications, placements ---
]
