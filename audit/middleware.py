"""Where each request comes from, for the entries services record during it; and every
refused permission check, recorded as it leaves the view."""

from django.core.exceptions import PermissionDenied

from accounts.models import Association
from accounts.permissions import RefusedHidden
from audit.context import origin_reset, origin_set
from audit.enums import PERMISSION_DENIED, PERMISSION_HIDDEN
from audit.services import audit_record, request_origin


class AuditMiddleware:
    """Sets ``audit.context`` for the request (no query); records a ``PermissionDenied`` (403)
    or an ``accounts.permissions.RefusedHidden`` (a refusal answered with 404), with the page
    and the association its address names. A plain 404 (nothing there) is not recorded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = origin_set(request_origin(request))
        try:
            return self.get_response(request)
        finally:
            origin_reset(token)

    def process_exception(self, request, exception):
        if isinstance(exception, RefusedHidden):
            action = PERMISSION_HIDDEN
        elif isinstance(exception, PermissionDenied):
            action = PERMISSION_DENIED
        else:
            return None
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        match = request.resolver_match
        slug = match.kwargs.get("slug") if match is not None else None
        association_id = getattr(exception, "association_id", None)
        if association_id is None and slug:
            association_id = (
                Association.objects.filter(slug=slug).values_list("pk", flat=True).first()
            )
        audit_record(
            action=action,
            actor=user if signed_in else None,
            actor_label="" if signed_in else "anonymous",
            object_type="page",
            object_id=match.view_name if match is not None else "",
            object_label=f"{request.method} {request.path}"[:200],
            association_id=association_id,
            details={"reason": str(exception)[:200]} if str(exception) else {},
            request=request,
        )
        return None
