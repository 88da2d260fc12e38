from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("a/<slug:slug>/outbox/", views.OutboxView.as_view(), name="outbox"),
    path("a/<slug:slug>/outbox/<int:pk>/", views.MessageView.as_view(), name="outbox.message"),
    path(
        "a/<slug:slug>/outbox/<int:pk>/resend/",
        views.MessageResendView.as_view(),
        name="outbox.resend",
    ),
    path("a/<slug:slug>/reminders/", views.RemindersView.as_view(), name="reminders"),
    path("a/<slug:slug>/reminders/send/", views.RemindersScanView.as_view(), name="reminders.scan"),
    # Public, no login: the link at the end of a non-essential e-mail (a signed address).
    path("unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
    path(
        "unsubscribe/<str:token>/again/",
        views.ResubscribeView.as_view(),
        name="unsubscribe.undo",
    ),
]
