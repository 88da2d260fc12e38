"""The portfolio pages: starting an application, its sections, references and progress."""

from django.urls import path

from portfolios.views import (
    addons,
    agreements,
    continuations,
    documents,
    education,
    progress,
    references,
    renewal,
    rsc,
    start,
    summary,
    training,
    work,
)

app_name = "portfolios"


def evidence_urls(section: str, *, list_view, create_view, update_view, delete_view, restore_view):
    """URL patterns of one section, named portfolios:<section>.list/.add/.edit/.delete/.restore."""
    prefix = f"<int:application_id>/{section}/"
    return [
        path(prefix, list_view.as_view(), name=f"{section}.list"),
        path(f"{prefix}add/", create_view.as_view(), name=f"{section}.add"),
        path(f"{prefix}<int:pk>/edit/", update_view.as_view(), name=f"{section}.edit"),
        path(f"{prefix}<int:pk>/delete/", delete_view.as_view(), name=f"{section}.delete"),
        path(f"{prefix}<int:pk>/restore/", restore_view.as_view(), name=f"{section}.restore"),
    ]


urlpatterns = [
    # Starting: the association's categories, the eligibility check, the registration.
    path("start/", start.StartView.as_view(), name="start"),
    # A holder continues their endorsement: reinstatement, another category.
    path(
        "endorsements/<int:pk>/reinstate/",
        continuations.ReinstateStartView.as_view(),
        name="reinstate",
    ),
    path(
        "endorsements/<int:pk>/add-category/",
        continuations.CategoryAddView.as_view(),
        name="category.add",
    ),
    path("start/<slug:slug>/", start.EligibilityView.as_view(), name="start.check"),
    path("start/<slug:slug>/<str:code>/", start.RegisterView.as_view(), name="start.register"),
    path(
        "<int:application_id>/registration/",
        start.RegistrationEditView.as_view(),
        name="registration.edit",
    ),
    # The portfolio's summary and its submission.
    path("<int:application_id>/", summary.SummaryView.as_view(), name="summary"),
    path("<int:application_id>/submit/", summary.SubmitView.as_view(), name="submit"),
    # The evidence sections.
    *evidence_urls(
        "education",
        list_view=education.EducationListView,
        create_view=education.EducationCreateView,
        update_view=education.EducationUpdateView,
        delete_view=education.EducationDeleteView,
        restore_view=education.EducationRestoreView,
    ),
    path(
        "<int:application_id>/education/<int:pk>/transcript/",
        education.TranscriptStatusView.as_view(),
        name="education.transcript_status",
    ),
    *evidence_urls(
        "work",
        list_view=work.WorkListView,
        create_view=work.WorkCreateView,
        update_view=work.WorkUpdateView,
        delete_view=work.WorkDeleteView,
        restore_view=work.WorkRestoreView,
    ),
    *evidence_urls(
        "training",
        list_view=training.TrainingListView,
        create_view=training.TrainingCreateView,
        update_view=training.TrainingUpdateView,
        delete_view=training.TrainingDeleteView,
        restore_view=training.TrainingRestoreView,
    ),
    path(
        "<int:application_id>/training/import/",
        training.TrainingImportView.as_view(),
        name="training.import",
    ),
    path(
        "<int:application_id>/training/import/template.csv",
        training.TrainingImportTemplateView.as_view(),
        name="training.import_template",
    ),
    path(
        "<int:application_id>/training/import/items.csv",
        training.TrainingImportItemsView.as_view(),
        name="training.import_items",
    ),
    path(
        "<int:application_id>/training/import/preview/",
        training.TrainingImportPreviewView.as_view(),
        name="training.import_preview",
    ),
    path(
        "<int:application_id>/training/import/done/",
        training.TrainingImportDoneView.as_view(),
        name="training.import_done",
    ),
    *evidence_urls(
        "rsc",
        list_view=rsc.RSCListView,
        create_view=rsc.RSCCreateView,
        update_view=rsc.RSCUpdateView,
        delete_view=rsc.RSCDeleteView,
        restore_view=rsc.RSCRestoreView,
    ),
    # References, and the rater's page (reached by the token link, signed out).
    path(
        "<int:application_id>/references/",
        references.ReferenceListView.as_view(),
        name="references.list",
    ),
    path(
        "<int:application_id>/references/invite/",
        references.ReferenceInviteView.as_view(),
        name="references.invite",
    ),
    path(
        "<int:application_id>/references/<int:pk>/",
        references.ReferenceDetailView.as_view(),
        name="references.detail",
    ),
    path(
        "<int:application_id>/references/<int:pk>/resend/",
        references.ReferenceResendView.as_view(),
        name="references.resend",
    ),
    path(
        "<int:application_id>/references/<int:pk>/replace/",
        references.ReferenceReplaceView.as_view(),
        name="references.replace",
    ),
    path(
        "<int:application_id>/references/<int:pk>/withdraw/",
        references.ReferenceWithdrawView.as_view(),
        name="references.withdraw",
    ),
    path("rate/<str:token>/", references.RateView.as_view(), name="rate"),
    # Agreements, private documents, the timeline and withdrawing.
    path(
        "<int:application_id>/agreements/", agreements.AgreementsView.as_view(), name="agreements"
    ),
    path(
        "<int:application_id>/documents/<int:pk>/",
        documents.DocumentDownloadView.as_view(),
        name="document.download",
    ),
    path("<int:application_id>/timeline/", progress.TimelineView.as_view(), name="timeline"),
    path("<int:application_id>/withdraw/", progress.WithdrawView.as_view(), name="withdraw"),
    path("<int:application_id>/resume/", progress.ResumeView.as_view(), name="resume"),
    # The renewal of an endorsement: the holder's page and its steps, the coordinator's list
    # and review.
    path("renewal/<int:endorsement_id>/", renewal.RenewalView.as_view(), name="renewal"),
    path(
        "renewal/<int:endorsement_id>/ethics/",
        renewal.RenewalEthicsView.as_view(),
        name="renewal.ethics",
    ),
    path(
        "renewal/<int:endorsement_id>/rsc-provider/",
        renewal.RenewalRSCProviderView.as_view(),
        name="renewal.rsc_provider",
    ),
    path(
        "renewal/<int:endorsement_id>/submit/",
        renewal.RenewalSubmitView.as_view(),
        name="renewal.submit",
    ),
    path(
        "renewal/<int:endorsement_id>/training/add/",
        renewal.RenewalTrainingFormView.as_view(),
        name="renewal.training.add",
    ),
    path(
        "renewal/<int:endorsement_id>/training/<int:pk>/edit/",
        renewal.RenewalTrainingFormView.as_view(),
        name="renewal.training.edit",
    ),
    path(
        "renewal/<int:endorsement_id>/training/<int:pk>/delete/",
        renewal.RenewalTrainingDeleteView.as_view(),
        name="renewal.training.delete",
    ),
    path(
        "renewal/<int:endorsement_id>/training/import/",
        renewal.RenewalImportView.as_view(),
        name="renewal.training.import",
    ),
    path(
        "renewal/<int:endorsement_id>/rsc/add/",
        renewal.RenewalRSCFormView.as_view(),
        name="renewal.rsc.add",
    ),
    path(
        "renewal/<int:endorsement_id>/rsc/<int:pk>/edit/",
        renewal.RenewalRSCFormView.as_view(),
        name="renewal.rsc.edit",
    ),
    path(
        "renewal/<int:endorsement_id>/rsc/<int:pk>/delete/",
        renewal.RenewalRSCDeleteView.as_view(),
        name="renewal.rsc.delete",
    ),
    path("a/<slug:slug>/renewals/", renewal.RenewalsView.as_view(), name="renewals"),
    path("renewals/<int:pk>/review/", renewal.RenewalReviewView.as_view(), name="renewal.review"),
    # Add-on designations on an endorsement: the holder applies, the coordinator decides.
    path(
        "endorsements/<int:pk>/add-ons/<slug:code>/",
        addons.AddOnApplyView.as_view(),
        name="addon.apply",
    ),
    path("add-ons/<int:pk>/", addons.AddOnDetailView.as_view(), name="addon.detail"),
    path(
        "add-ons/<int:pk>/documents/<int:document_pk>/",
        addons.AddOnDocumentView.as_view(),
        name="addon.document",
    ),
]
