from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from config import health
from credentials.api import api as credentials_api

admin.site.site_header = _("Endorsement portal administration")
admin.site.site_title = _("Endorsement portal administration")
admin.site.index_title = _("Associations, members, roles and the framework")

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("accounts.urls")),
    path("", include("audit.urls")),
    path("", include("notifications.urls")),
    path("", include("competencies.urls")),
    path("portfolio/", include("portfolios.urls")),
    path("coordinator/", include("endorsement.urls")),
    path("", include("reviews.urls")),
    path("", include("credentials.urls")),
    path("", include("billing.urls")),
    path("", include("reports.urls")),
    path("", include("rights.urls")),
    path("api/v1/", credentials_api.urls),
]
