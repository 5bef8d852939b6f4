from django.urls import path

from territories import views

app_name = "territories"

urlpatterns = [
    path("<str:code>/", views.department, name="department"),
]
