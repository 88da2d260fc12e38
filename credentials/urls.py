from django.urls import path

from credentials import registry_views, views

app_name = "credentials"

urlpatterns: list = [
    path("a/<slug:slug>/registry/", registry_views.RegistryView.as_view(), name="registry"),
    path(
        "a/<slug:slug>/coordinator/registry.csv",
        registry_views.RegistryCsvView.as_view(),
        name="registry.csv",
    ),
    path(
        "endorsements/<int:pk>/listing/",
        registry_views.ListingView.as_view(),
        name="registry.listing",
    ),
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
