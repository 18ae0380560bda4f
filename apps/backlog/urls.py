app_name = "backlog"

urlpatterns = []
