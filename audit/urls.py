from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("a/<slug:slug>/audit/", views.AuditLogView.as_view(), name="log"),
]
