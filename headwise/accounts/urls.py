from django.urls import path

from headwise.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/code/", views.login_code, name="login_code"),
    path("reauth/", views.reauth, name="reauth"),
    path("settings/two-step/", views.two_factor_page, name="two_factor"),
    path("settings/two-step/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path("settings/two-step/set-up/qr.svg", views.two_factor_qr, name="two_factor_qr"),
    path("settings/two-step/backup-codes/", views.backup_codes, name="backup_codes"),
    path("settings/two-step/backup-codes/new/", views.backup_codes_new, name="backup_codes_new"),
    path("settings/two-step/off/", views.two_factor_disable, name="two_factor_disable"),
    path("settings/sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("settings/tokens/revoke-all/", views.tokens_revoke_all, name="tokens_revoke_all"),
    path("practice/security/", views.practice_security, name="practice_security"),
    path("password-reset/", views.ResetRequestView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.ResetDoneView.as_view(), name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", views.ResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password-reset/done/", views.ResetCompleteView.as_view(), name="password_reset_complete"),
]
