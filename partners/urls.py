from django.urls import path, re_path

from partners import views

app_name = "partners"

urlpatterns = [
    path("", views.organization_list, name="list"),
    re_path(r"^export\.(?P<file_format>csv|xlsx)$", views.organization_export, name="export"),
    re_path(r"^contacts/export\.(?P<file_format>csv|xlsx)$", views.contacts_export, name="contacts_export"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("nouvelle/", views.create, name="create"),
    path("collectivite/", views.collectivite_create, name="collectivite_create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/modifier/", views.edit, name="edit"),
    path("<int:pk>/contacts/nouveau/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/modifier/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/export/", views.contact_export, name="contact_export"),
    path("contacts/<int:pk>/effacer/", views.contact_erase, name="contact_erase"),
    # Adding a partner to a project is routed with the project's pages: /projets/<pk>/partenaires/nouveau/.
    path("implications/<int:pk>/retirer/", views.involvement_delete, name="involvement_delete"),
]
