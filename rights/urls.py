from django.urls import path

from rights import views

app_name = "rights"

urlpatterns = [
    path("my-data/", views.ExportView.as_view(), name="export"),
    path("my-data/download/", views.ExportDownloadView.as_view(), name="export.download"),
    path("a/<slug:slug>/erasure/", views.ErasureListView.as_view(), name="erasure"),
    path(
        "a/<slug:slug>/erasure/<int:user_id>/",
        views.ErasureConfirmView.as_view(),
        name="erasure.confirm",
    ),
]
