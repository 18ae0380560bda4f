app_name = "hypotheses"

urlpatterns = []
