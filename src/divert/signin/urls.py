from django.urls import path

from divert.signin import oidc, views

app_name = "signin"
urlpatterns = [
    path("", views.account, name="account"),
    path("backup-codes/new/", views.new_backup_codes, name="new_backup_codes"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("two-factor/set-up/", views.set_up, name="set_up"),
    path("two-factor/backup-codes/", views.backup_codes, name="backup_codes"),
    # Single sign-on (404 unless configured): the redirect URI to register is /account/oidc/callback/.
    path("oidc/authenticate/", oidc.only_when_configured(oidc.StartView.as_view()), name="oidc_start"),
    path("oidc/callback/", oidc.only_when_configured(oidc.CallbackView.as_view()), name="oidc_callback"),
]
