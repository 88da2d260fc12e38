from django.urls import path

from credentials import (
    badge_views,
    name_change_views,
    registry_views,
    verification_views,
    views,
)

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
    # Open Badges 3.0: the issuer, its keys and status lists (public), the holder's credential.
    path("a/<slug:slug>/issuer/", badge_views.IssuerView.as_view(), name="issuer"),
    path("a/<slug:slug>/issuer/jwks.json", badge_views.JwksView.as_view(), name="issuer.jwks"),
    path(
        "a/<slug:slug>/issuer/status/<str:purpose>/",
        badge_views.StatusListView.as_view(),
        name="status_list",
    ),
    path(
        "endorsements/<int:pk>/badge.jwt",
        badge_views.BadgeDownloadView.as_view(),
        name="badge.download",
    ),
    path(
        "endorsements/<int:pk>/badge.json", badge_views.BadgeJsonView.as_view(), name="badge.json"
    ),
    path("badges/check/", badge_views.BadgeCheckView.as_view(), name="badge.check"),
    path(
        "certificates/<int:pk>/retry/",
        name_change_views.CertificateRetryView.as_view(),
        name="certificate.retry",
    ),
    path(
        "endorsements/<int:pk>/name-change/",
        name_change_views.NameChangeRequestView.as_view(),
        name="name_change.request",
    ),
    path(
        "coordinator/name-changes/<int:pk>/",
        name_change_views.NameChangeDecideView.as_view(),
        name="name_change.decide",
    ),
    # Public verification (no login). Any text after verify/ reaches the page: a malformed
    # number gets its 404 page with the look-up form, never Django's.
    path("verify/", verification_views.LookupView.as_view(), name="lookup"),
    path("verify/<path:number>/", verification_views.VerifyView.as_view(), name="verify"),
    path(
        "coordinator/endorsements/<int:pk>/revoke/",
        verification_views.RevokeView.as_view(),
        name="revoke",
    ),
]
