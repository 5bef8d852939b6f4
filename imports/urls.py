from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("", views.index, name="index"),
    path("modele/<slug:kind>.<str:file_format>", views.template, name="template"),
    path("apercu/<str:token>/", views.preview, name="preview"),
    path("apercu/<str:token>/confirmer/", views.confirm, name="confirm"),
]
