from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("a/<slug:slug>/reports/", views.ReportsIndexView.as_view(), name="index"),
    path("a/<slug:slug>/reports/<slug:report>/", views.ReportView.as_view(), name="report"),
    path(
        "a/<slug:slug>/reports/<slug:report>/csv/",
        views.ReportView.as_view(as_csv=True),
        name="report.csv",
    ),
]
