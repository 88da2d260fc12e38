from django.urls import path

from competencies import views

app_name = "competencies"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("a/<slug:slug>/", views.AssociationView.as_view(), name="association"),
    path(
        "a/<slug:slug>/categories/<str:code>/",
        views.CategoryView.as_view(),
        name="category",
    ),
]
