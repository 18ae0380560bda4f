app_name = "sprints"

urlpatterns = []
