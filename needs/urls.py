from django.urls import path, re_path

from needs import views

app_name = "needs"

urlpatterns = [
    path("", views.need_list, name="list"),
    re_path(r"^export\.(?P<file_format>csv|xlsx)$", views.need_export, name="export"),
    path("nouveau/", views.create, name="create"),
    path("ouvrir-une-etude/", views.open_study, name="open_study"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/modifier/", views.edit, name="edit"),
    path("<int:pk>/qualifier/", views.qualify, name="qualify"),
    path("<int:pk>/mettre-en-attente/", views.put_on_hold, name="put_on_hold"),
    path("<int:pk>/ecarter/", views.dismiss, name="dismiss"),
    path("<int:pk>/rouvrir/", views.reopen, name="reopen"),
    path("<int:pk>/notes/", views.add_note, name="add_note"),
    path("<int:pk>/notes/<int:note_pk>/modifier/", views.note_edit, name="note_edit"),
    path("<int:pk>/notes/<int:note_pk>/supprimer/", views.note_remove, name="note_remove"),
    path("proposer/", views.propose, name="propose"),
    path("propositions/", views.proposal_list, name="proposals"),
    path("propositions/<int:pk>/", views.proposal_detail, name="proposal"),
    path("propositions/<int:pk>/modifier/", views.proposal_edit, name="proposal_edit"),
]
