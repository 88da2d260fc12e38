from django.urls import path

from endorsement import pipeline, views

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
    *pipeline.urlpatterns,
]
