from django.urls import path

from endorsement import desk_views, emeritus_views, transfer_views, views

app_name = "endorsement"

urlpatterns = [
    path(
        "applications/<int:application_id>/accept/",
        views.AcceptRegistrationView.as_view(),
        name="accept",
    ),
    path(
        "applications/<int:application_id>/return/",
        views.ReturnRegistrationView.as_view(),
        name="return",
    ),
    path(
        "applications/<int:application_id>/",
        views.ApplicationDetailView.as_view(),
        name="detail",
    ),
    path("applications/<int:application_id>/hold/", views.HoldView.as_view(), name="hold"),
    path(
        "applications/<int:application_id>/resume/",
        views.ResumeView.as_view(),
        name="resume",
    ),
    path("applications/<int:application_id>/deny/", views.DenyView.as_view(), name="deny"),
    path(
        "applications/<int:application_id>/award/",
        views.AwardView.as_view(),
        name="award",
    ),
    path(
        "applications/<int:application_id>/reinstate/",
        views.ReinstateView.as_view(),
        name="reinstate",
    ),
    path("a/<slug:slug>/pipeline.csv", views.PipelineCsvView.as_view(), name="pipeline.csv"),
    # Moving an endorsement to another association.
    path(
        "endorsements/<int:pk>/transfer/",
        transfer_views.TransferRequestView.as_view(),
        name="transfer.request",
    ),
    path(
        "transfers/<int:pk>/",
        transfer_views.TransferDetailView.as_view(),
        name="transfer.detail",
    ),
    # Emeritus status: the holder asks, a coordinator of the association decides.
    path(
        "endorsements/<int:pk>/emeritus/",
        emeritus_views.EmeritusRequestView.as_view(),
        name="emeritus.request",
    ),
    path(
        "coordinator/emeritus/<int:pk>/",
        emeritus_views.EmeritusDecideView.as_view(),
        name="emeritus.decide",
    ),
    # The coordinator's renewal desk.
    path("a/<slug:slug>/renewals/desk/", desk_views.RenewalDeskView.as_view(), name="desk"),
    path(
        "a/<slug:slug>/renewals/desk.csv", desk_views.RenewalDeskCsvView.as_view(), name="desk.csv"
    ),
    path(
        "a/<slug:slug>/renewals/desk/bulk/",
        desk_views.RenewalDeskBulkView.as_view(),
        name="desk.bulk",
    ),
]
