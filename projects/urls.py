from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path

from partners import views as partner_views
from projects import feeds, views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    re_path(r"^export\.(?P<file_format>csv|xlsx)$", views.project_export, name="export"),
    path("ma-structure/", views.my_projects, name="mine"),
    re_path(r"^ma-structure/export\.(?P<file_format>csv|xlsx)$", views.my_projects_export, name="mine_export"),
    path("activites/", views.activity_list, name="activities"),
    re_path(r"^activites/export\.(?P<file_format>csv|xlsx)$", views.activity_export, name="activity_export"),
    path("carnet/", views.carnet, name="carnet"),
    path("flux.atom", login_not_required(feeds.NewProjectsFeed()), name="feed"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/modifier/", views.edit, name="edit"),
    path("<int:pk>/avancer/", views.advance, name="advance"),
    path("<int:pk>/copil/", views.copil, name="copil"),
    path("<int:pk>/pause/", views.pause, name="pause"),
    path("<int:pk>/reprendre/", views.resume, name="resume"),
    path("<int:pk>/arreter/", views.stop, name="stop"),
    path("<int:pk>/annuler-le-passage/", views.undo_move, name="undo_move"),
    path("<int:pk>/corriger-le-passage/", views.correct_move, name="correct_move"),
    path("<int:pk>/lancer/", views.launch, name="launch"),
    path("<int:pk>/suivi/", views.follow_up, name="follow_up"),
    path("<int:pk>/suivi/<int:year>/modifier/", views.follow_up_edit, name="follow_up_edit"),
    path("<int:pk>/activite/modifier/", views.activity_edit, name="activity_edit"),
    path("<int:pk>/temps-forts/nouveau/", views.meeting_create, name="meeting_create"),
    path("<int:pk>/temps-forts/<int:meeting_pk>/modifier/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/temps-forts/<int:meeting_pk>/supprimer/", views.meeting_remove, name="meeting_remove"),
    path("<int:pk>/notes/", views.note, name="note"),
    path("<int:pk>/notes/<int:note_pk>/modifier/", views.note_edit, name="note_edit"),
    path("<int:pk>/notes/<int:note_pk>/supprimer/", views.note_remove, name="note_remove"),
    path("<int:pk>/documents/nouveau/", views.document_create, name="document_create"),
    path("<int:pk>/documents/<int:document_pk>/modifier/", views.document_edit, name="document_edit"),
    path("<int:pk>/documents/<int:document_pk>/supprimer/", views.document_remove, name="document_remove"),
    path("<int:pk>/partenaires/nouveau/", partner_views.involvement_create, name="involvement_create"),
    path("documents/<int:pk>/", views.document, name="document"),
]
