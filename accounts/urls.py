from django.urls import path

from accounts import people_views, views

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
    # People: the association admin's staff (accounts.people_views).
    path("a/<slug:slug>/people/", people_views.PeopleView.as_view(), name="people"),
    path("a/<slug:slug>/people/invite/", people_views.InviteView.as_view(), name="people.invite"),
    path("a/<slug:slug>/people/log/", people_views.PeopleLogView.as_view(), name="people.log"),
    path(
        "a/<slug:slug>/people/<int:user_id>/",
        people_views.PersonView.as_view(),
        name="people.person",
    ),
    path(
        "a/<slug:slug>/people/<int:user_id>/deactivate/",
        people_views.DeactivateView.as_view(),
        name="people.deactivate",
    ),
    path(
        "a/<slug:slug>/people/<int:user_id>/reactivate/",
        people_views.ReactivateView.as_view(),
        name="people.reactivate",
    ),
    path(
        "a/<slug:slug>/people/invitations/<int:pk>/resend/",
        people_views.InvitationResendView.as_view(),
        name="people.invitation.resend",
    ),
    path(
        "a/<slug:slug>/people/invitations/<int:pk>/cancel/",
        people_views.InvitationCancelView.as_view(),
        name="people.invitation.cancel",
    ),
    path(
        "people/join/<str:token>/",
        people_views.InvitationAcceptView.as_view(),
        name="invitation.accept",
    ),
]
