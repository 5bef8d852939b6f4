from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/modifier/", views.edit, name="edit"),
    path("<int:pk>/avancer/", views.advance, name="advance"),
    path("<int:pk>/copil/", views.copil, name="copil"),
    path("<int:pk>/pause/", views.pause, name="pause"),
    path("<int:pk>/reprendre/", views.resume, name="resume"),
    path("<int:pk>/arreter/", views.stop, name="stop"),
    path("<int:pk>/lancer/", views.launch, name="launch"),
    path("<int:pk>/suivi/", views.follow_up, name="follow_up"),
    path("<int:pk>/temps-forts/nouveau/", views.meeting_create, name="meeting_create"),
    path("<int:pk>/notes/", views.note, name="note"),
    path("<int:pk>/documents/nouveau/", views.document_create, name="document_create"),
    path("documents/<int:pk>/", views.document, name="document"),
]
