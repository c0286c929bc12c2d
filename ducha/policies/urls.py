from django.urls import path

from ducha.policies import views

app_name = "policies"

urlpatterns = [
    path("", views.policy_list, name="list"),
    path("new/", views.policy_form, name="create"),
    path("import/", views.policy_import, name="import"),
    path("enterprises/import/", views.link_import, name="link_import"),
    path("<int:pk>/", views.policy_detail, name="detail"),
    path("<int:pk>/edit/", views.policy_form, name="edit"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/attachments/<int:att_pk>/", views.attachment_download, name="attachment_download"),
    path("<int:pk>/enterprises/", views.link_set, name="link_set"),
]
