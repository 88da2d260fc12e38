"""Public pages: what the endorsement is, each association's categories and their requirements.
An anonymous visitor gets them from the cache (``accounts.public_pages``)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from accounts.models import Association
from accounts.public_pages import PublicPageCacheMixin
from accounts.selectors import listed_associations
from competencies.selectors import (
    categories_by_family,
    category_areas,
    category_comparison,
    framework_categories,
    framework_category,
    framework_in_force,
    requirement_groups,
)


class HomeView(PublicPageCacheMixin, TemplateView):
    template_name = "competencies/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["associations"] = list(listed_associations())
        return context


class AssociationMixin:
    """The association named in the address; 404 if it does not exist or is not listed."""

    def get_association(self) -> Association:
        return get_object_or_404(listed_associations(), slug=self.kwargs["slug"])


class AssociationView(PublicPageCacheMixin, AssociationMixin, TemplateView):
    template_name = "competencies/association.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        association = self.get_association()
        framework = framework_in_force(association=association)
        categories = framework_categories(framework=framework) if framework else []
        for category in categories:
            category.requirement_groups = requirement_groups(category)
        context.update(
            association=association,
            framework=framework,
            families=categories_by_family(categories),
            comparison=category_comparison(categories),
        )
        return context


class CategoryView(PublicPageCacheMixin, AssociationMixin, TemplateView):
    template_name = "competencies/category.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        association = self.get_association()
        framework = framework_in_force(association=association)
        if framework is None:
            raise Http404
        category = framework_category(framework=framework, code=self.kwargs["code"])
        if category is None:
            raise Http404
        context.update(
            association=association,
            framework=framework,
            category=category,
            requirement_groups=requirement_groups(category),
            areas=category_areas(category=category),
        )
        return context
