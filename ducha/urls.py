from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from ducha.api import api
from ducha.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", core_views.login_view, name="login"),
    path("logout/", core_views.logout_view, name="logout"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", RedirectView.as_view(url=static("ducha/favicon.svg"), permanent=True)),
    path("core/", include("ducha.core.urls")),
    path("problems/", include("ducha.problems.urls")),
    path("enterprises/", include("ducha.enterprises.urls")),
    path("policies/", include("ducha.policies.urls")),
    path("api/v1/", api.urls),
]

handler400 = "ducha.core.views.error_400"
handler403 = "ducha.core.views.error_403"
handler404 = "ducha.core.views.error_404"
handler500 = "ducha.core.views.error_500"
