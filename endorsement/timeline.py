"""The application's timeline: every logged step, oldest first (a selector)."""

from endorsement.models import Application, ApplicationEvent


def application_timeline(*, application: Application, private: bool) -> list[ApplicationEvent]:
    """Every event of the application with its actor, in one query.

    ``private=False`` is the applicant's view: a note kept private is blanked (the step itself
    still shows); ``note_is_public`` then tells the template nothing more. Templates show
    ``event.note_text``: the portal's own notes in the reader's language, people's as written.
    """
    events = list(
        ApplicationEvent.objects.filter(application=application)
        .select_related("actor")
        .order_by("at", "id")
    )
    if not private:
        for event in events:
            if not event.note_is_public:
                event.note = ""
                event.note_key = ""
    return events
