"""Log-ins, log-outs, failed log-ins and the admin site's changes, from Django's signals
(allauth logs in through ``django.contrib.auth``)."""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION

from audit.enums import ADMIN_ADD, ADMIN_CHANGE, ADMIN_DELETE, LOGIN, LOGIN_FAILED, LOGOUT
from audit.services import audit_record

ADMIN_ACTIONS = {ADDITION: ADMIN_ADD, CHANGE: ADMIN_CHANGE, DELETION: ADMIN_DELETE}


def logged_in(sender, request, user, **kwargs):
    audit_record(action=LOGIN, actor=user, target=user, object_label=user.email, request=request)


def logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(
            action=LOGOUT, actor=user, target=user, object_label=user.email, request=request
        )


def login_failed(sender, credentials, request=None, **kwargs):
    """The address tried (Django has already masked the password)."""
    tried = str(credentials.get("email") or credentials.get("username") or "").lower()[:254]
    audit_record(
        action=LOGIN_FAILED,
        actor_label=tried or "anonymous",
        object_type="accounts.user",
        object_label=tried,
        request=request,
    )


def admin_logged(sender, instance, created, raw=False, **kwargs):
    """A copy of the admin site's own log entry (who, which object, what changed). The
    association is the object's own when it has one (the admin logs a deletion before it
    deletes, so a deleted object's is known too)."""
    if raw or not created:
        return
    association_id = None
    try:
        edited = instance.get_edited_object()
    except Exception:  # noqa: BLE001 - the object may be gone or not load
        edited = None
    if edited is not None:
        association_id = getattr(edited, "association_id", None)
        if association_id is None and edited._meta.label_lower == "accounts.association":
            association_id = edited.pk
    audit_record(
        action=ADMIN_ACTIONS.get(instance.action_flag, ADMIN_CHANGE),
        actor=instance.user,
        object_type=instance.content_type.model_class()._meta.label_lower
        if instance.content_type_id and instance.content_type.model_class()
        else "",
        object_id=instance.object_id or "",
        object_label=instance.object_repr,
        association_id=association_id,
        details={"change": instance.get_change_message()} if instance.change_message else {},
    )


def staff_changed(sender, instance, created, raw=False, **kwargs):
    """A copy of a change to an association's staff made on the People page (an invitation,
    a role granted or removed, a deactivation): accounts keeps its own log and knows nothing
    of this app."""
    if raw or not created:
        return
    audit_record(
        action=f"staff.{instance.action}",
        actor=instance.actor,
        object_type="accounts.user",
        object_id=instance.user_id or "",
        object_label=instance.email,
        association_id=instance.association_id,
        details={"roles": instance.roles} if instance.roles else {},
    )
