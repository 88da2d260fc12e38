"""The portal's addresses and ``/bench/trivial/``: one small query through the whole middleware
stack, the yardstick of bench/load.py (what Django on this machine can serve at best)."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as portal_urlpatterns


def trivial(request):
    from accounts.models import Association

    slug = Association.objects.values_list("slug", flat=True).order_by("pk").first()
    return HttpResponse(f"ok {slug}", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial), *portal_urlpatterns]
