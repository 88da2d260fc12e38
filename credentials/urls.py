from django.urls import path

from credentials import views

app_name = "credentials"

urlpatterns: list = [
    path(
        "certificates/<int:pk>/download/",
        views.CertificateDownloadView.as_view(),
        name="certificate.download",
    ),
    path(
        "certificates/<int:pk>/status/",
        views.CertificateStatusView.as_view(),
        name="certificate.status",
    ),
]
