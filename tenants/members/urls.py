from django.contrib.auth import views as auth_views
from django.urls import path

from tenants.members import views

app_name = "members"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("welcome/<str:token>/", views.welcome, name="welcome"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="members/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="members/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("profile/", views.profile, name="profile"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("employees/", views.employees, name="employees"),
    path("employees/<int:pk>/role/", views.change_role, name="change_role"),
    path("employees/<int:pk>/deactivate/", views.deactivate, name="deactivate"),
    path("employees/<int:pk>/reactivate/", views.reactivate, name="reactivate"),
    path(
        "employees/invitations/<int:pk>/revoke/", views.revoke_invitation, name="revoke_invitation"
    ),
]
