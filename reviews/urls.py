"""The reviews pages: advising, portfolio review and the exam."""

from django.urls import path

from reviews.views import advisor, exam, review

app_name = "reviews"

urlpatterns = [
    # Advising: the coordinator's page, then the buttons and comments on the portfolio.
    path(
        "advising/<int:application_id>/advisor/",
        advisor.AssignAdvisorView.as_view(),
        name="advisor.assign",
    ),
    path(
        "advising/<int:application_id>/request/",
        advisor.AdvisorRequestView.as_view(),
        name="advisor.request",
    ),
    path(
        "advising/<int:application_id>/ready/",
        advisor.MarkReadyView.as_view(),
        name="advisor.ready",
    ),
    path(
        "advising/<int:application_id>/comments/add/",
        advisor.CommentAddView.as_view(),
        name="comment.add",
    ),
    path(
        "advising/<int:application_id>/comments/<int:pk>/reply/",
        advisor.CommentReplyView.as_view(),
        name="comment.reply",
    ),
    path(
        "advising/<int:application_id>/comments/<int:pk>/resolve/",
        advisor.CommentResolveView.as_view(),
        name="comment.resolve",
    ),
    path(
        "advising/<int:application_id>/comments/<int:pk>/reopen/",
        advisor.CommentResolveView.as_view(reopen=True),
        name="comment.reopen",
    ),
    # Portfolio review.
    path(
        "reviewing/applications/<int:application_id>/assign/",
        review.AssignView.as_view(),
        name="review.assign",
    ),
    path(
        "reviewing/applications/<int:application_id>/decision/",
        review.DecisionView.as_view(),
        name="review.decide",
    ),
    path("reviewing/a/<slug:slug>/assign/", review.BulkAssignView.as_view(), name="assign.bulk"),
    path("reviewing/reviews/<int:assignment_id>/", review.ReviewView.as_view(), name="review"),
    path("reviewing/a/<slug:slug>/conflicts/", review.ConflictsView.as_view(), name="conflicts"),
    path(
        "reviewing/a/<slug:slug>/conflicts/<int:pk>/withdraw/",
        review.ConflictWithdrawView.as_view(),
        name="conflict.withdraw",
    ),
    # Exams.
    path("exams/a/<slug:slug>/sittings/", exam.SittingListView.as_view(), name="exam.sittings"),
    path(
        "exams/a/<slug:slug>/sittings/add/",
        exam.SittingCreateView.as_view(),
        name="exam.sitting.add",
    ),
    path("exams/sittings/<int:pk>/", exam.SittingDetailView.as_view(), name="exam.sitting"),
    path(
        "exams/sittings/<int:pk>/edit/", exam.SittingUpdateView.as_view(), name="exam.sitting.edit"
    ),
    path(
        "exams/sittings/<int:pk>/delete/",
        exam.SittingDeleteView.as_view(),
        name="exam.sitting.delete",
    ),
    path(
        "exams/sittings/<int:pk>/register/",
        exam.SittingRegisterView.as_view(),
        name="exam.sitting.register",
    ),
    path("exams/registrations/<int:pk>/part1/", exam.Part1View.as_view(), name="exam.part1"),
    path(
        "exams/registrations/<int:pk>/part1/check/",
        exam.Part1CheckView.as_view(),
        name="exam.part1.check",
    ),
    path(
        "exams/registrations/<int:pk>/graders/",
        exam.GradersAssignView.as_view(),
        name="exam.graders",
    ),
    path("exams/scores/<int:pk>/", exam.ScoreView.as_view(), name="exam.score"),
    path(
        "exams/<int:application_id>/register/",
        exam.ApplicantRegisterView.as_view(),
        name="exam.register",
    ),
]
