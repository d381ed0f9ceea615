from django.urls import include, path

urlpatterns = [
    path("accounts/", include("percorsi.accounts.urls")),
    path("", include("percorsi.core.urls")),
    path("", include("percorsi.people.urls")),
    path("", include("percorsi.plans.urls")),
    path("", include("percorsi.jobs.urls")),
]

handler403 = "percorsi.core.errorviews.permission_denied"
handler404 = "percorsi.core.errorviews.page_not_found"
handler500 = "percorsi.core.errorviews.server_error"
