from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from accounts.models import Association
from competencies.selectors import framework_in_force, framework_overview


class HomeView(TemplateView):
    template_name = "competencies/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["associations"] = Association.objects.filter(is_active=True)
        return context


class AssociationMixin:
    def get_association(self):
        return get_object_or_404(Association, slug=self.kwargs["slug"], is_active=True)


class AssociationView(AssociationMixin, TemplateView):
    template_name = "competencies/association.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        association = self.get_association()
        framework = framework_in_force(association=association)
        context["association"] = association
        context["framework"] = framework
        context["categories"] = framework_overview(framework=framework) if framework else []
        return context


class CategoryView(AssociationMixin, TemplateView):
    template_name = "competencies/category.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        association = self.get_association()
        framework = framework_in_force(association=association)
        if framework is None:
            raise Http404
        categories = framework_overview(framework=framework)
        category = next((c for c in categories if c.code == self.kwargs["code"]), None)
        if category is None:
            raise Http404
        context.update(association=association, framework=framework, category=category)
        return context
