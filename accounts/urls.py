from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path(
        "dashboard/applicant/", views.ApplicantDashboardView.as_view(), name="dashboard.applicant"
    ),
    path(
        "a/<slug:slug>/dashboard/<str:role>/",
        views.RoleDashboardView.as_view(),
        name="dashboard.role",
    ),
    path("a/<slug:slug>/members/", views.MemberListView.as_view(), name="members"),
    path("a/<slug:slug>/members.csv", views.MemberCsvView.as_view(), name="members.csv"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("profile/workforce/", views.WorkforceProfileView.as_view(), name="workforce"),
    path("language/", views.set_language, name="language"),
    path("ui/", views.ComponentsView.as_view(), name="ui"),
]
