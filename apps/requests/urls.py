app_name = "requests"

urlpatterns = []
