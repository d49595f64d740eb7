from django.urls import path

from naptrack.accounts.views import passwords, people, profile, two_factor

app_name = "accounts"

urlpatterns: list = [
    path("profile/", profile.profile, name="profile"),
    path("profile/password/", profile.password_change, name="password-change"),
    path("people/", people.people_list, name="people"),
    path("people/invite/", people.invite, name="invite"),
    path("people/<int:pk>/", people.person, name="person"),
    path("people/<int:pk>/<slug:action>/", people.person_action, name="person-action"),
    path("invitation/<str:key>/", passwords.invitation, name="invitation"),
    path("password-reset/", passwords.password_reset, name="password-reset"),
    path("password-reset/sent/", passwords.password_reset_done, name="password-reset-done"),
    path("password-reset/<uidb64>/<token>/", passwords.password_reset_confirm, name="password-reset-confirm"),
    path("password-reset/done/", passwords.password_reset_complete, name="password-reset-complete"),
    path("two-factor/", two_factor.two_factor, name="two-factor"),
    path("two-factor/verify/", two_factor.verify, name="two-factor-verify"),
    path("two-factor/recovery-codes/", two_factor.recovery_codes, name="two-factor-recovery-codes"),
    path("two-factor/turn-off/", two_factor.turn_off, name="two-factor-turn-off"),
    path("two-factor/reset/<int:pk>/", two_factor.reset, name="two-factor-reset"),
]
