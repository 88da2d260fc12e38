import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from accounts.enums import Role
from competencies.enums import RequirementKind
from competencies.models import (
    Competency,
    CompetencyArea,
    EndorsementCategory,
    Framework,
    Requirement,
)
from tests.factories import AssociationFactory, FrameworkFactory

LOCKED_MESSAGE = "Version 2025 is locked: an application was submitted under it on"


def change_url(obj):
    return reverse(f"admin:competencies_{obj._meta.model_name}_change", args=[obj.pk])


def form_data(response) -> dict:
    """The POST data the admin change page would send back unchanged."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if value is None or value is False:
                continue
            if value is True:
                data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            else:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


@pytest.fixture
def locked(loaded, submit_application):
    """The 2025 version, locked by a submitted IMHS application."""
    imhs = EndorsementCategory.objects.get(framework=loaded["2025"], code="IMHS")
    submit_application(imhs)
    return Framework.objects.get(pk=loaded["2025"].pk)


def test_submitting_an_application_locks_its_version(loaded, submit_application):
    category = EndorsementCategory.objects.get(framework=loaded["2025"], code="IFS")
    application = submit_application(category)
    assert application.state == "submitted"
    assert Framework.objects.get(pk=loaded["2025"].pk).is_locked is True
    assert Framework.objects.get(pk=loaded["2017"].pk).is_locked is False


def test_locked_framework_change_page_is_read_only_with_a_message(locked, superuser_client):
    response = superuser_client.get(change_url(locked))
    assert response.status_code == 200
    content = response.content.decode()
    assert LOCKED_MESSAGE in content
    assert 'name="_save"' not in content
    assert response.context["has_change_permission"] is False
    assert response.context["has_delete_permission"] is False
    (areas,) = response.context["inline_admin_formsets"]
    assert (areas.has_add_permission, areas.has_change_permission) == (False, False)
    assert areas.has_delete_permission is False


def test_unlocked_framework_change_page_has_no_message(loaded, superuser_client):
    response = superuser_client.get(change_url(loaded["2017"]))
    assert response.status_code == 200
    assert "is locked" not in response.content.decode()
    assert 'name="_save"' in response.content.decode()


@pytest.mark.parametrize(
    "target",
    [
        lambda f: f,
        lambda f: f.categories.get(code="IFS"),
        lambda f: f.areas.get(code="reflection"),
        lambda f: Competency.objects.get(area__framework=f, name="Curiosity"),
    ],
    ids=["framework", "category", "area", "competency"],
)
def test_superuser_cannot_change_or_delete_anything_in_a_locked_version(
    locked, superuser_client, target
):
    obj = target(locked)
    page = superuser_client.get(change_url(obj))
    assert page.status_code == 200
    assert LOCKED_MESSAGE in page.content.decode()
    data = form_data(page)
    data["name"] = "Changed"
    response = superuser_client.post(change_url(obj), data)
    # A category's names in other languages stay editable: its page may be saved, but the
    # name is read-only there.
    assert response.status_code == (302 if isinstance(obj, EndorsementCategory) else 403)
    obj.refresh_from_db()
    assert obj.name != "Changed"
    delete_url = reverse(f"admin:competencies_{obj._meta.model_name}_delete", args=[obj.pk])
    assert superuser_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_requirement_inline_of_a_locked_category_is_read_only(locked, superuser_client):
    category = locked.categories.get(code="IFS")
    response = superuser_client.get(change_url(category))
    (requirements,) = response.context["inline_admin_formsets"]
    assert (
        requirements.has_add_permission,
        requirements.has_change_permission,
        requirements.has_delete_permission,
    ) == (False, False, False)
    assert len(requirements.formset.forms) == 10

    data = form_data(response)
    rsc_index = [f.instance.kind for f in requirements.formset.forms].index(RequirementKind.RSC)
    data[f"requirements-{rsc_index}-min_hours"] = "30"
    assert superuser_client.post(change_url(category), data).status_code == 302
    (rsc,) = category.requirements.filter(kind=RequirementKind.RSC)
    assert rsc.min_hours == Decimal("24.0")


def test_requirement_inline_permissions_follow_the_lock(locked, loaded, superuser_client):
    request = RequestFactory().get("/")
    request.user = superuser_client.user
    category_admin = admin.site.get_model_admin(EndorsementCategory)
    (inline,) = category_admin.get_inline_instances(request)
    locked_ifs = locked.categories.get(code="IFS")
    open_ifs = loaded["2017"].categories.get(code="IFS")
    assert [
        inline.has_add_permission(request, locked_ifs),
        inline.has_change_permission(request, locked_ifs),
        inline.has_delete_permission(request, locked_ifs),
        inline.has_view_permission(request, locked_ifs),
    ] == [False, False, False, True]
    assert [
        inline.has_add_permission(request, open_ifs),
        inline.has_change_permission(request, open_ifs),
        inline.has_delete_permission(request, open_ifs),
    ] == [True, True, True]


def test_requirements_of_an_unlocked_version_can_be_edited(locked, loaded, superuser_client):
    category = loaded["2017"].categories.get(code="IFS")
    response = superuser_client.get(change_url(category))
    assert "is locked" not in response.content.decode()
    data = form_data(response)
    forms = response.context["inline_admin_formsets"][0].formset.forms
    rsc_index = [f.instance.kind for f in forms].index(RequirementKind.RSC)
    data[f"requirements-{rsc_index}-min_hours"] = "30"
    response = superuser_client.post(change_url(category), data)
    assert response.status_code == 302
    (rsc,) = category.requirements.filter(kind=RequirementKind.RSC)
    assert rsc.min_hours == Decimal("30.0")
    # the locked version's IFS is untouched
    (locked_rsc,) = Requirement.objects.filter(
        category__framework=locked, category__code="IFS", kind=RequirementKind.RSC
    )
    assert locked_rsc.min_hours == Decimal("24.0")


def test_add_pages_offer_only_unlocked_versions(locked, loaded, superuser_client):
    for model in ("endorsementcategory", "competencyarea"):
        response = superuser_client.get(reverse(f"admin:competencies_{model}_add"))
        choices = list(response.context["adminform"].form.fields["framework"].queryset)
        assert choices == [loaded["2017"]]
    response = superuser_client.get(reverse("admin:competencies_competency_add"))
    fields = response.context["adminform"].form.fields
    assert {area.framework_id for area in fields["area"].queryset} == {loaded["2017"].pk}
    assert {c.framework_id for c in fields["categories"].queryset} == {loaded["2017"].pk}


def test_adding_a_category_to_a_locked_version_is_refused(locked, superuser_client):
    response = superuser_client.post(
        reverse("admin:competencies_endorsementcategory_add"),
        {
            "framework": locked.pk,
            "code": "ERS",
            "name": "Endorsed Reflective Supervisor",
            "family": "infant",
            "order": 20,
            "requirements-TOTAL_FORMS": "0",
            "requirements-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["framework"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert not locked.categories.filter(code="ERS").exists()


def test_competency_categories_must_be_in_the_area_version(loaded, superuser_client):
    area = loaded["2017"].areas.get(code="thinking")
    wrong = loaded["2025"].categories.get(code="IFA")
    response = superuser_client.post(
        reverse("admin:competencies_competency_add"),
        {"area": area.pk, "name": "Estimating", "order": 9, "categories": [wrong.pk]},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Choose categories of the same version as the competency area."
    ]
    assert not Competency.objects.filter(name="Estimating").exists()


def test_create_a_new_version_action(locked, superuser_client):
    changelist = reverse("admin:competencies_framework_changelist")
    response = superuser_client.post(
        changelist, {"action": "create_version", "_selected_action": [locked.pk], "index": 0}
    )
    assert response.status_code == 200
    assert response.templates[0].name == "admin/competencies/framework/create_version.html"
    assert "Create a new version from northfield 2025" in response.content.decode()

    response = superuser_client.post(
        changelist,
        {
            "action": "create_version",
            "_selected_action": [locked.pk],
            "apply": "1",
            "version": "2026",
            "effective_from": "2026-01-01",
        },
    )
    clone = Framework.objects.get(association=locked.association, version="2026")
    assert response.status_code == 302
    assert response["Location"] == change_url(clone)
    assert (clone.is_published, clone.locked_at, clone.effective_from) == (
        False,
        None,
        datetime.date(2026, 1, 1),
    )
    assert clone.categories.count() == 13
    assert Requirement.objects.filter(category__framework=clone).count() == 158
    page = superuser_client.get(change_url(clone))
    assert "is locked" not in page.content.decode()
    assert 'name="_save"' in page.content.decode()


def test_create_a_new_version_refuses_a_taken_name(locked, superuser_client):
    response = superuser_client.post(
        reverse("admin:competencies_framework_changelist"),
        {
            "action": "create_version",
            "_selected_action": [locked.pk],
            "apply": "1",
            "version": "2017",
            "effective_from": "2026-01-01",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "version": ["Version 2017 already exists for this association."]
    }
    assert Framework.objects.filter(association=locked.association).count() == 2


def test_create_a_new_version_needs_exactly_one(loaded, superuser_client):
    response = superuser_client.post(
        reverse("admin:competencies_framework_changelist"),
        {
            "action": "create_version",
            "_selected_action": [loaded["2025"].pk, loaded["2017"].pk],
            "index": 0,
        },
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["Choose exactly one version to copy."]
    assert Framework.objects.count() == 2


def test_association_admin_sees_and_edits_only_their_association(
    client, loaded, association, make_staff
):
    other = AssociationFactory(slug="lakeshore")
    theirs = FrameworkFactory(association=other, version="2025")
    CompetencyArea.objects.create(framework=theirs, code="x", name="Their area")
    EndorsementCategory.objects.create(framework=theirs, code="IFA", name="Theirs", family="infant")
    user = make_staff(Role.ASSOCIATION_ADMIN, association, user__is_staff=True)
    client.force_login(user)

    response = client.get(reverse("admin:competencies_framework_changelist"))
    assert response.status_code == 200
    assert sorted(f.version for f in response.context["cl"].result_list) == ["2017", "2025"]
    assert {f.association_id for f in response.context["cl"].result_list} == {association.pk}
    assert client.get(change_url(theirs)).status_code == 302  # "does not exist" redirect

    response = client.get(reverse("admin:competencies_competency_add"))
    fields = response.context["adminform"].form.fields
    assert {a.framework.association_id for a in fields["area"].queryset} == {association.pk}
    assert {c.framework.association_id for c in fields["categories"].queryset} == {association.pk}

    category = loaded["2017"].categories.get(code="IFS")
    response = client.get(change_url(category))
    (requirements,) = response.context["inline_admin_formsets"]
    assert (requirements.has_add_permission, requirements.has_change_permission) == (True, True)


def test_the_admin_edits_a_categorys_spanish_name(loaded, superuser_client):
    category = loaded["2017"].categories.get(code="IFS")
    assert category.names == {"es": "Especialista en Bebés y Familias"}
    page = superuser_client.get(change_url(category))
    assert page.context["adminform"].form["name_es"].value() == "Especialista en Bebés y Familias"
    assert '<label for="id_name_es">Name in Spanish:</label>' in page.content.decode()
    data = form_data(page)
    data["name_es"] = "Especialista en Familia e Infancia"
    assert superuser_client.post(change_url(category), data).status_code == 302
    category.refresh_from_db()
    assert category.names == {"es": "Especialista en Familia e Infancia"}
    assert category.name == "Infant Family Specialist"
    data["name_es"] = ""
    superuser_client.post(change_url(category), data)
    category.refresh_from_db()
    assert category.names == {}


def test_a_locked_categorys_spanish_name_stays_editable_and_nothing_else(locked, superuser_client):
    category = locked.categories.get(code="IFS")
    page = superuser_client.get(change_url(category))
    content = page.content.decode()
    assert "Only the names in other languages can still be changed." in content
    assert list(page.context["adminform"].form.fields) == ["name_es"]
    data = form_data(page)
    data.update(name_es="Especialista en Bebés, Niñas, Niños y Familias", code="XX", name="Changed")
    assert superuser_client.post(change_url(category), data).status_code == 302
    category.refresh_from_db()
    assert (category.code, category.name, category.names) == (
        "IFS",
        "Infant Family Specialist",
        {"es": "Especialista en Bebés, Niñas, Niños y Familias"},
    )
