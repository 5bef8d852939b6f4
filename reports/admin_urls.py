from django.urls import path

from reports import views

app_name = "reports_admin"

urlpatterns = [
    path("", views.admin_dashboard, name="dashboard"),
    path("export/<slug:name>.<str:file_format>", views.admin_export, name="export"),
]
