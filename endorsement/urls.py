from django.urls import path

from endorsement import views

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
]
