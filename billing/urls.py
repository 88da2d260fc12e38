from django.urls import path

from billing import membership_proof_views, views

app_name = "billing"

urlpatterns: list = [
    path("billing/invoices/", views.MyInvoicesView.as_view(), name="invoices"),
    path("billing/invoices/<int:pk>/", views.InvoiceView.as_view(), name="invoice"),
    path("billing/invoices/<int:pk>/pdf/", views.InvoicePdfView.as_view(), name="invoice.pdf"),
    path("billing/invoices/<int:pk>/pay/", views.PayView.as_view(), name="invoice.pay"),
    path(
        "billing/invoices/<int:pk>/payments/",
        views.PaymentRecordView.as_view(),
        name="payment.record",
    ),
    path(
        "billing/invoices/<int:pk>/waiver/", views.WaiverRecordView.as_view(), name="waiver.record"
    ),
    path(
        "billing/invoices/<int:pk>/payments/<int:payment_pk>/refund/",
        views.RefundRecordView.as_view(),
        name="refund.record",
    ),
    path(
        "billing/invoices/<int:pk>/waiver-request/",
        views.WaiverRequestView.as_view(),
        name="waiver.request",
    ),
    path(
        "billing/invoices/<int:pk>/waiver-request/<int:request_pk>/",
        views.WaiverRequestDecideView.as_view(),
        name="waiver.request.decide",
    ),
    path("billing/membership/<slug:slug>/", views.MembershipView.as_view(), name="membership"),
    # Membership of another association, accepted with proof.
    path(
        "billing/membership/<slug:slug>/proof/",
        membership_proof_views.MembershipProofView.as_view(),
        name="membership.proof",
    ),
    path(
        "billing/membership-proofs/<int:pk>/",
        membership_proof_views.MembershipProofDecideView.as_view(),
        name="membership.proof.decide",
    ),
    path(
        "billing/membership-proofs/<int:pk>/file/",
        membership_proof_views.MembershipProofFileView.as_view(),
        name="membership.proof.file",
    ),
    path("billing/receipts/<int:pk>/pdf/", views.ReceiptPdfView.as_view(), name="receipt.pdf"),
    path(
        "billing/checkout/manual/<str:session_id>/",
        views.ManualCheckoutView.as_view(),
        name="manual.checkout",
    ),
    path("billing/webhooks/stripe/", views.StripeWebhookView.as_view(), name="stripe.webhook"),
    path("a/<slug:slug>/billing/fees/", views.FeesView.as_view(), name="fees"),
    path(
        "a/<slug:slug>/billing/invoices/", views.AdminInvoicesView.as_view(), name="admin.invoices"
    ),
]
