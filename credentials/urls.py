from django.urls import path

from credentials import views

app_name = "credentials"

urlpatterns: list = [
    # Public verification (no login). Any text after verify/ reaches the page: a malformed
    # number gets its 404 page with the look-up form, never Django's.
    path("verify/", views.LookupView.as_view(), name="lookup"),
    path("verify/<path:number>/", views.VerifyView.as_view(), name="verify"),
    path(
        "coordinator/endorsements/<int:pk>/revoke/",
        views.RevokeView.as_view(),
        name="revoke",
    ),
]
