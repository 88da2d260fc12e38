"""Absolute addresses of the public credential pages, for the certificate's QR code and the
LinkedIn link (built from ``settings.SITE_URL``, as the e-mails build theirs)."""

import datetime
from urllib.parse import urlencode

from django.conf import settings


def verification_url(number: str, *, certificate: str = "") -> str:
    """The public verification page of an endorsement number (``credentials:verify``); with a
    certificate's public code (the QR code's address), the page also says whether that
    certificate is the current one."""
    url = f"{settings.SITE_URL.rstrip('/')}/verify/{number}/"
    if certificate:
        url += "?" + urlencode({"certificate": certificate})
    return url


def linkedin_add_url(
    *,
    name: str,
    organization: str,
    issued: datetime.date,
    expires: datetime.date | None,
    number: str,
) -> str:
    """LinkedIn's "Add licence or certification" form, pre-filled."""
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": name,
        "organizationName": organization,
        "issueYear": issued.year,
        "issueMonth": issued.month,
    }
    if expires is not None:
        params.update(expirationYear=expires.year, expirationMonth=expires.month)
    params.update(certId=number, certUrl=verification_url(number))
    return "https://www.linkedin.com/profile/add?" + urlencode(params)
