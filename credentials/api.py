"""The verification API for employers and state programs: the public facts of an endorsement,
the same as the verification page shows, as JSON (django-ninja, OpenAPI 3 at
``/api/v1/openapi.json``, browsable at ``/api/v1/docs`` with assets served by the portal).

Public facts only, so no authentication and no CSRF; a per-IP rate limit instead
(``API_RATE_LIMIT_GET`` and ``API_RATE_LIMIT_LOOKUP`` in the settings).
"""

import datetime
from functools import wraps
from typing import Annotated

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema, Swagger
from ninja.decorators import decorate_view
from ninja.errors import HttpError, Throttled
from ninja.throttling import SimpleRateThrottle
from pydantic import Field, StringConstraints

from accounts.rate_limits import client_address
from credentials.links import verification_url
from credentials.selectors import PublicEndorsement, public_endorsements
from endorsement.enums import EndorsementStatus

# A bulk lookup answers at most this many numbers; each number is at most NUMBER_MAX_LENGTH long.
LOOKUP_MAX_NUMBERS = 500
NUMBER_MAX_LENGTH = 60
LANGUAGE_NOTE = (
    "Names of categories and statuses are in the language asked for with Accept-Language "
    "(en or es; English otherwise)."
)


class IPRateThrottle(SimpleRateThrottle):
    """At most ``settings.<setting>`` requests per client address (the cache keeps the count).

    The rate is read on each request, so a test or a deployment may change it. The address is
    ``accounts.rate_limits.client_address``: REMOTE_ADDR, or behind ``TRUSTED_PROXY_COUNT``
    proxies the X-Forwarded-For entry the outermost of them added, never one a client could
    forge.
    """

    def __init__(self, scope: str, setting: str):
        self.scope = scope
        self.setting = setting

    def allow_request(self, request) -> bool:
        self.rate = getattr(settings, self.setting)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_ident(self, request) -> str:
        return client_address(request)

    def get_cache_key(self, request) -> str:
        return f"api-throttle:{self.scope}:{self.get_ident(request)}"


class Detail(Schema):
    detail: str


class ValidationErrors(Schema):
    detail: list[dict] = Field(description="What is wrong with the request, item by item.")


class Category(Schema):
    code: str = Field(description="The category's code, e.g. IFS.")
    name: str = Field(description="The category's name. " + LANGUAGE_NOTE)


class Association(Schema):
    name: str
    slug: str


class AddOn(Schema):
    code: str = Field(description="The add-on's code in its association, e.g. ERS.")
    name: str = Field(description="The add-on's name. " + LANGUAGE_NOTE)
    valid_through: datetime.date | None


class Endorsement(Schema):
    number: str
    holder_name: str = Field(description="As given by the holder; plain text, never markup.")
    category: Category
    association: Association
    status: EndorsementStatus = Field(
        description="Current standing: active, renewal_due and emeritus are current."
    )
    status_label: str = Field(description="The status in words. " + LANGUAGE_NOTE)
    status_since: datetime.datetime
    status_reason: str = Field(description="Why it was revoked; empty for any other status.")
    awarded_on: datetime.date
    valid_through: datetime.date
    verification_url: str = Field(description="The public verification page of this endorsement.")
    continued_by: str | None = Field(
        None,
        description=(
            "Transferred to another association or superseded by another category: the number "
            "of the endorsement that continues it (null otherwise)."
        ),
    )
    add_ons: list[AddOn] = Field(
        default_factory=list,
        description="Approved add-on designations (e.g. Endorsed Reflective Supervisor); they "
        "lapse and end with the endorsement.",
    )


Number = Annotated[str, StringConstraints(max_length=NUMBER_MAX_LENGTH)]


class LookupRequest(Schema):
    numbers: list[Number] = Field(min_length=1, max_length=LOOKUP_MAX_NUMBERS)


class LookupResponse(Schema):
    found: list[Endorsement]
    not_found: list[str] = Field(description="The numbers asked for that match no endorsement.")


api = NinjaAPI(
    title="Endorsement verification API",
    version="1",
    description=(
        "The public facts of endorsements, the same as the verification pages show. "
        + LANGUAGE_NOTE
    ),
    urls_namespace="api",
    docs=Swagger(settings={"tryItOutEnabled": False, "validatorUrl": None}),
)


@api.exception_handler(Throttled)
def throttled(request, exc):
    return api.create_response(
        request, {"detail": _("Too many requests: try again later.")}, status=429
    )


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc):
    return api.create_response(request, {"detail": _("The request is too large.")}, status=413)


def json_body_required(run):
    """Answers 415 with what to send when the body is not declared as JSON (a form or plain
    text), before the body is read and before it counts against the rate limit."""

    @wraps(run)
    def checked(request, *args, **kwargs):
        if request.content_type != "application/json":
            return api.create_response(
                request,
                {"detail": _("Send the numbers as JSON, with Content-Type: application/json.")},
                status=415,
            )
        return run(request, *args, **kwargs)

    return checked


def as_json(facts: PublicEndorsement) -> dict:
    return {
        "number": facts.number,
        "holder_name": facts.holder_name,
        "category": {"code": facts.category_code, "name": facts.category_name},
        "association": {"name": facts.association_name, "slug": facts.association_slug},
        "status": facts.status,
        "status_label": facts.status_label,
        "status_since": facts.status_since,
        "status_reason": facts.status_reason,
        "awarded_on": facts.awarded_on,
        "valid_through": facts.valid_through,
        "verification_url": verification_url(facts.number),
        "continued_by": facts.continued_by_number or None,
        "add_ons": [
            {"code": a.code, "name": a.name, "valid_through": a.valid_through}
            for a in facts.add_ons
        ],
    }


@api.post(
    "/endorsements/lookup",
    response={
        200: LookupResponse,
        400: Detail,
        413: Detail,
        415: Detail,
        422: ValidationErrors,
        429: Detail,
    },
    throttle=IPRateThrottle("lookup", "API_RATE_LIMIT_LOOKUP"),
    summary="The public facts of up to 500 endorsements",
    description=(
        "Numbers that are malformed or match no endorsement are listed in not_found; "
        "a number asked for twice is answered once. The body is JSON "
        "(Content-Type: application/json). " + LANGUAGE_NOTE
    ),
)
@decorate_view(json_body_required)
def lookup(request, body: LookupRequest):
    wanted = list(dict.fromkeys(body.numbers))
    found = public_endorsements(wanted)
    return {
        "found": [as_json(found[number]) for number in wanted if number in found],
        "not_found": [number for number in wanted if number not in found],
    }


# After the look-up: "{path:number}" would take "lookup" too.
@api.get(
    "/endorsements/{path:number}",
    response={200: Endorsement, 404: Detail, 429: Detail},
    throttle=IPRateThrottle("get", "API_RATE_LIMIT_GET"),
    summary="One endorsement's public facts",
    description="404 when the number is malformed or matches no endorsement. " + LANGUAGE_NOTE,
)
def endorsement(request, number: str):
    facts = public_endorsements([number]).get(number)
    if facts is None:
        raise HttpError(404, _("No endorsement has this number."))
    return as_json(facts)


# --- Open Badges ---------------------------------------------------------------------------


class BadgeVerifyRequest(Schema):
    credential: str = Field(
        max_length=20_000,
        description="The badge: the compact VC-JWT, i.e. the whole text of the .jwt file.",
    )


class BadgeVerifyResponse(Schema):
    valid: bool = Field(
        description=(
            "True when the signature verifies with the issuing association's published key "
            "(the header's kid; retired keys included) and the credential is one of the "
            "portal's OpenBadgeCredentials. A tampered, truncated or foreign badge is false."
        )
    )
    reason: str = Field(description="Why it is not valid; empty when it is.")
    kid: str = ""
    issuer: str = Field("", description="The issuer profile's URL.")
    issuer_name: str = ""
    holder_name: str = Field("", description="As in the badge; plain text, never markup.")
    achievement_name: str = ""
    valid_from: str = ""
    valid_until: str = ""
    expired: bool = Field(False, description="The badge's validUntil has passed.")
    current: bool = Field(
        False,
        description="Valid, not expired, and the endorsement is current today (not revoked, "
        "lapsed or superseded).",
    )
    endorsement: Endorsement | None = Field(
        None, description="The endorsement's public facts today (its status may have changed)."
    )


@api.post(
    "/credentials/verify",
    response={200: BadgeVerifyResponse, 413: Detail, 422: ValidationErrors, 429: Detail},
    throttle=IPRateThrottle("badge", "API_RATE_LIMIT_GET"),
    summary="Check an Open Badges 3.0 credential (VC-JWT) issued through the portal",
    description=(
        "Checks the signature against the issuing association's published keys (JWKS) and "
        "answers with the endorsement's current status. A badge that is damaged, changed or not "
        "the portal's gets 200 with valid=false and the reason; a request that is not "
        '{"credential": "<text up to 20,000 characters>"} gets 422. ' + LANGUAGE_NOTE
    ),
)
def badge_verify(request, body: BadgeVerifyRequest):
    from credentials.badge_check import badge_check

    result = badge_check(body.credential)
    answer = {
        "valid": result.valid,
        "reason": result.reason,
        "kid": result.kid,
        "issuer": result.issuer,
        "issuer_name": result.issuer_name,
        "holder_name": result.holder_name,
        "achievement_name": result.achievement_name,
        "valid_from": result.valid_from,
        "valid_until": result.valid_until,
        "expired": result.expired,
        "current": result.current,
        "endorsement": as_json(result.facts) if result.facts is not None else None,
    }
    return answer
