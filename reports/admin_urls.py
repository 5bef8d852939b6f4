app_name = "reports_admin"

urlpatterns = []
